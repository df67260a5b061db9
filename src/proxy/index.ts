export { type AppDependencies, createApp } from "./app.js";
export { createProxy, type Proxy, type ProxyOptions } from "./main.js";
export type { ProxyRouter, RouteMeta, RouteOutcome } from "./types.js";
