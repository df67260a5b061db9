import type { RouterLogger, RouterSettings } from "../types.js";
import { MemoryRouterState } from "./memory-state.js";
import type { RedisOutageLog } from "./redis-outage.js";
import { RedisRouterState } from "./redis-state.js";
import type { RouterState } from "./router-state.js";

/** Redis when `redis_url`/`redis_host` or `REDIS_URL` is set (an empty REDIS_URL is unset), else memory. */
export function createRouterState(
  settings: RouterSettings,
  env: NodeJS.ProcessEnv,
  logger: RouterLogger,
  outage?: RedisOutageLog,
): RouterState {
  const fromEnv = env.REDIS_URL === "" ? undefined : env.REDIS_URL;
  const url = settings.redis_url ?? (settings.redis_host === undefined ? fromEnv : undefined);
  if (url === undefined && settings.redis_host === undefined) return new MemoryRouterState();
  return new RedisRouterState({
    url,
    host: settings.redis_host,
    port: settings.redis_port,
    password: settings.redis_password,
    logger,
    outage,
  });
}
