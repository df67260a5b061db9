import type { Redis, RedisOptions } from "ioredis";
import type { RouterLogger } from "../types.js";
import { countUp, defineCountUp } from "./count-up-script.js";
import { MemoryRouterState } from "./memory-state.js";
import { RedisOutageLog } from "./redis-outage.js";
import type { DeploymentUsage, RouterState } from "./router-state.js";

export interface RedisStateOptions {
  /** `redis://...`; else host/port/password. */
  url?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  password?: string | undefined;
  /** Prepended to every key; two proxies share state when they share it. */
  keyPrefix?: string | undefined;
  logger: RouterLogger;
  /** Shared with the proxy's other Redis clients, so that an outage is told once; default its own. */
  outage?: RedisOutageLog | undefined;
}

const IN_FLIGHT_TTL_SECONDS = 600;
const MINUTE_TTL_SECONDS = 120;
const COMMAND_TIMEOUT_MS = 1_000;

async function connect(options: RedisStateOptions, outage: RedisOutageLog): Promise<Redis> {
  // Loaded on first use, so importing the SDK never loads the Redis client.
  const { Redis: RedisClient } = await import("ioredis");
  const settings: RedisOptions = { maxRetriesPerRequest: 1, commandTimeout: COMMAND_TIMEOUT_MS };
  const client =
    options.url === undefined
      ? new RedisClient({ ...settings, host: options.host, port: options.port, password: options.password })
      : new RedisClient(options.url, settings);
  outage.watch(client);
  defineCountUp(client);
  return client;
}

function toCount(value: string | null | undefined): number {
  const count = value === null || value === undefined ? 0 : Number(value);
  return Number.isFinite(count) && count > 0 ? count : 0;
}

/**
 * Router state in Redis: every proxy with the same Redis and key prefix sees the same cooldowns,
 * usage and in-flight counts. Counters are atomic (INCR and EXPIRE in one script); one round trip per call. While
 * Redis is unreachable, this process's own counts stand in (cooldowns included), and the shared
 * ones are used again once it answers; the outage is logged once (RedisOutageLog).
 */
export class RedisRouterState implements RouterState {
  private readonly client: Promise<Redis>;
  private readonly prefix: string;
  private readonly local = new MemoryRouterState();
  private readonly outage: RedisOutageLog;

  constructor(options: RedisStateOptions) {
    this.outage = options.outage ?? new RedisOutageLog(options.logger);
    this.client = connect(options, this.outage);
    this.prefix = options.keyPrefix ?? "llmgate:router:";
  }

  /**
   * The command on Redis, or on this process's counts while Redis is known to be down (no wait on
   * its reconnection) or when the command fails. Before the first connection, commands wait in
   * ioredis' queue (bounded by COMMAND_TIMEOUT_MS).
   */
  private async run<T>(
    local: (state: MemoryRouterState) => Promise<T>,
    command: (client: Redis) => Promise<T>,
  ): Promise<T> {
    const client = await this.client;
    if (client.status !== "ready" && this.outage.isDown) return local(this.local);
    try {
      return await command(client);
    } catch (error) {
      this.outage.down(client, error);
      return local(this.local);
    }
  }

  async read(ids: readonly string[], minute: number): Promise<readonly DeploymentUsage[]> {
    const p = this.prefix;
    const keys: string[] = [];
    for (const id of ids)
      keys.push(`${p}cd:${id}`, `${p}if:${id}`, `${p}rq:${id}:${minute}`, `${p}tk:${id}:${minute}`);
    return this.run(
      (local) => local.read(ids, minute),
      async (client) => {
        const values = await client.mget(keys);
        return ids.map((_, index) => ({
          cooldownUntil: toCount(values[index * 4]),
          inFlight: toCount(values[index * 4 + 1]),
          requests: toCount(values[index * 4 + 2]),
          tokens: toCount(values[index * 4 + 3]),
        }));
      },
    );
  }

  async startRequest(id: string, minute: number): Promise<number> {
    const inFlight = `${this.prefix}if:${id}`;
    const requests = `${this.prefix}rq:${id}:${minute}`;
    return this.run(
      (local) => local.startRequest(id, minute),
      async (client) => {
        return countUp(client, [
          [inFlight, 1, IN_FLIGHT_TTL_SECONDS],
          [requests, 1, MINUTE_TTL_SECONDS],
        ]);
      },
    );
  }

  async cancelRequest(id: string, minute: number): Promise<void> {
    await this.run(
      (local) => local.cancelRequest(id, minute),
      async (client) => {
        await client.multi().decr(`${this.prefix}if:${id}`).decr(`${this.prefix}rq:${id}:${minute}`).exec();
      },
    );
  }

  async endRequest(id: string): Promise<void> {
    await this.run(
      (local) => local.endRequest(id),
      async (client) => {
        await client.decr(`${this.prefix}if:${id}`);
      },
    );
  }

  async addTokens(id: string, minute: number, tokens: number): Promise<void> {
    const key = `${this.prefix}tk:${id}:${minute}`;
    await this.run(
      (local) => local.addTokens(id, minute, tokens),
      async (client) => {
        await countUp(client, [[key, tokens, MINUTE_TTL_SECONDS]]);
      },
    );
  }

  async recordFailure(id: string, minute: number): Promise<number> {
    const key = `${this.prefix}fl:${id}:${minute}`;
    return this.run(
      (local) => local.recordFailure(id, minute),
      async (client) => {
        return countUp(client, [[key, 1, MINUTE_TTL_SECONDS]]);
      },
    );
  }

  async setCooldown(id: string, untilMs: number, nowMs: number): Promise<void> {
    await this.run(
      (local) => local.setCooldown(id, untilMs, nowMs),
      async (client) => {
        await client.set(
          `${this.prefix}cd:${id}`,
          String(untilMs),
          "PX",
          Math.max(1, Math.ceil(untilMs - nowMs)),
        );
      },
    );
  }

  async close(): Promise<void> {
    const client = await this.client;
    await client.quit().catch(() => client.disconnect());
  }
}
