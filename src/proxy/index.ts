export { type AppDependencies, createApp } from "./app.js";
export { type ConfigInput, createProxy, type Proxy, type ProxyOptions } from "./main.js";
export type { ProxyRouter, RouteMeta, RouteOutcome } from "./types.js";
