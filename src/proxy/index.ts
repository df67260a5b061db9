export { type AppDependencies, createApp } from "./app.js";
export { type ConfigInput, createProxy, type ProxyOptions, type ProxyServer } from "./main.js";
export type { ProxyRouter, RouteMeta, RouteOutcome } from "./types.js";
