import { Redis } from "ioredis";
import type { RouterSettings } from "../config/index.js";
import type { RedisOutageLog } from "../router/index.js";
import type { IdentityCache } from "./identity-cache.js";
import type { WorkerBus } from "./shared-counts/worker-bus.js";

const INVALIDATION_CHANNEL = "llmgate:cache-invalidate";

/** The Redis that several proxies share (LiteLLM's settings), or undefined for one proxy alone. */
export function redisUrlOf(
  settings: RouterSettings,
  env: NodeJS.ProcessEnv,
): string | { host: string; port: number; password: string | undefined } | undefined {
  if (settings.redis_url !== undefined) return settings.redis_url;
  if (settings.redis_host !== undefined) {
    return {
      host: settings.redis_host,
      port: settings.redis_port ?? 6379,
      password: settings.redis_password,
    };
  }
  return env.REDIS_URL === undefined || env.REDIS_URL === "" ? undefined : env.REDIS_URL;
}

export function connectRedis(
  target: NonNullable<ReturnType<typeof redisUrlOf>>,
  outage: RedisOutageLog,
): Redis {
  const options = { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false };
  const redis =
    typeof target === "string" ? new Redis(target, options) : new Redis({ ...target, ...options });
  // ioredis reconnects by itself; an outage is logged once (and its end), never thrown at the process.
  outage.watch(redis);
  return redis;
}

export type InvalidationMessage = `key:${string}` | `user:${string}` | `team:${string}`;

/** Applies an invalidation to this proxy's cache. */
export function applyInvalidation(cache: IdentityCache, message: string): void {
  const colon = message.indexOf(":");
  const kind = message.slice(0, colon);
  const id = message.slice(colon + 1);
  if (kind === "key") cache.invalidateKey(id);
  else if (kind === "user") cache.invalidateUser(id);
  else if (kind === "team") cache.invalidateTeam(id);
}

/**
 * Key, user and team changes reach every proxy's cache at once through Redis pub/sub; without
 * Redis, this proxy's workers through their primary (`bus`), and other proxies within the cache TTL.
 */
export class CacheInvalidation {
  private subscriber: Redis | undefined;
  private readonly bus: WorkerBus | undefined;

  constructor(
    private readonly cache: IdentityCache,
    private readonly publisher: Redis | undefined,
    outage: RedisOutageLog,
    bus?: WorkerBus,
  ) {
    if (publisher === undefined) {
      this.bus = bus;
      bus?.subscribe((_from, event) => {
        if (event.kind === "invalidate") applyInvalidation(cache, event.message);
      });
      return;
    }
    const subscriber = publisher.duplicate();
    this.subscriber = subscriber;
    subscriber.on("message", (_channel: string, message: string) => applyInvalidation(cache, message));
    outage.watch(subscriber);
    subscriber.subscribe(INVALIDATION_CHANNEL).catch((error: unknown) => outage.down(subscriber, error));
  }

  invalidate(message: InvalidationMessage): void {
    applyInvalidation(this.cache, message);
    this.publisher?.publish(INVALIDATION_CHANNEL, message).catch(() => {});
    this.bus?.publish({ kind: "invalidate", message });
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
  }
}
