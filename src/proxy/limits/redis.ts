import type { Redis } from "ioredis";
import { countUp, defineCountUp } from "../../router/state/count-up-script.js";
import {
  type AcquireResult,
  type LimitCounters,
  type LimitReason,
  type LimitScope,
  type LimitUsage,
  secondsToWindowEnd,
  windowOf,
} from "./types.js";

/**
 * Checks every scope's counters, then takes them all, in one atomic step on the Redis server.
 * KEYS: per scope [requests of this minute, tokens of this minute, in flight].
 * ARGV: [window TTL seconds, in-flight TTL seconds, then per scope rpm, tpm, parallel limits (-1 = none)].
 * Returns {taken (1/0), refused scope index, reason (1 rpm, 2 tpm, 3 parallel), then per scope requests, tokens}.
 */
const ACQUIRE_SCRIPT = `
local scopes = #KEYS / 3
local counts = {}
local refusedIndex = -1
local reason = 0
for i = 0, scopes - 1 do
  local requests = tonumber(redis.call('GET', KEYS[i * 3 + 1]) or '0')
  local tokens = tonumber(redis.call('GET', KEYS[i * 3 + 2]) or '0')
  local inFlight = tonumber(redis.call('GET', KEYS[i * 3 + 3]) or '0')
  counts[#counts + 1] = requests
  counts[#counts + 1] = tokens
  local rpm = tonumber(ARGV[i * 3 + 3])
  local tpm = tonumber(ARGV[i * 3 + 4])
  local parallel = tonumber(ARGV[i * 3 + 5])
  if refusedIndex < 0 then
    if rpm >= 0 and requests >= rpm then refusedIndex = i; reason = 1
    elseif tpm >= 0 and tokens >= tpm then refusedIndex = i; reason = 2
    elseif parallel >= 0 and inFlight >= parallel then refusedIndex = i; reason = 3 end
  end
end
if refusedIndex >= 0 then
  local result = {0, refusedIndex, reason}
  for _, value in ipairs(counts) do result[#result + 1] = value end
  return result
end
for i = 0, scopes - 1 do
  redis.call('INCR', KEYS[i * 3 + 1])
  redis.call('EXPIRE', KEYS[i * 3 + 1], ARGV[1])
  redis.call('INCR', KEYS[i * 3 + 3])
  redis.call('EXPIRE', KEYS[i * 3 + 3], ARGV[2])
end
local result = {1, -1, 0}
for _, value in ipairs(counts) do result[#result + 1] = value end
return result
`;

const RELEASE_SCRIPT = `
for i = 1, #KEYS do
  local value = redis.call('DECR', KEYS[i])
  if value < 0 then redis.call('SET', KEYS[i], 0) end
end
return 1
`;

const REASONS: Record<number, LimitReason> = { 1: "rpm", 2: "tpm", 3: "parallel" };
/** An in-flight count left by a crashed proxy disappears after this long without requests. */
const IN_FLIGHT_TTL_SECONDS = 600;
const WINDOW_TTL_SECONDS = 120;

function limitArgument(limit: number | undefined): number {
  return limit === undefined ? -1 : limit;
}

/** The scripts as ioredis defines them on the connection: (number of keys, ...keys, ...arguments). */
interface ScriptCommands {
  llmgateAcquireLimits(...keysThenArguments: (string | number)[]): Promise<unknown>;
  llmgateReleaseLimits(...keysThenArguments: (string | number)[]): Promise<unknown>;
}

/** Counters in Redis, shared by every proxy that points at it. */
export class RedisLimitCounters implements LimitCounters {
  private readonly scripts: ScriptCommands;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = "llmgate:limits",
  ) {
    // Sent once, then run by its SHA (EVALSHA; ioredis loads it again after a Redis restart).
    redis.defineCommand("llmgateAcquireLimits", { lua: ACQUIRE_SCRIPT });
    redis.defineCommand("llmgateReleaseLimits", { lua: RELEASE_SCRIPT });
    defineCountUp(redis);
    this.scripts = redis as unknown as ScriptCommands;
  }

  private keysOf(scope: LimitScope, window: number): [string, string, string] {
    const base = `${this.prefix}:${scope.id}`;
    return [`${base}:rpm:${window}`, `${base}:tpm:${window}`, `${base}:inflight`];
  }

  async acquire(scopes: readonly LimitScope[], nowMs: number): Promise<AcquireResult> {
    const window = windowOf(nowMs);
    const keys = scopes.flatMap((scope) => this.keysOf(scope, window));
    const limits = scopes.flatMap((scope) => [
      limitArgument(scope.rpmLimit),
      limitArgument(scope.tpmLimit),
      limitArgument(scope.maxParallelRequests),
    ]);
    const reply = (await this.scripts.llmgateAcquireLimits(
      keys.length,
      ...keys,
      WINDOW_TTL_SECONDS,
      IN_FLIGHT_TTL_SECONDS,
      ...limits,
    )) as number[];
    const [taken = 0, refusedIndex = -1, reasonCode = 0] = reply;
    const usage: LimitUsage = { requests: undefined, tokens: undefined };
    scopes.forEach((scope, index) => {
      const requests = reply[3 + index * 2] ?? 0;
      const tokens = reply[4 + index * 2] ?? 0;
      if (scope.rpmLimit !== undefined) {
        const remaining = Math.max(0, scope.rpmLimit - requests - (taken === 1 ? 1 : 0));
        if (usage.requests === undefined || remaining < usage.requests.remaining)
          usage.requests = { limit: scope.rpmLimit, remaining };
      }
      if (scope.tpmLimit !== undefined) {
        const remaining = Math.max(0, scope.tpmLimit - tokens);
        if (usage.tokens === undefined || remaining < usage.tokens.remaining)
          usage.tokens = { limit: scope.tpmLimit, remaining };
      }
    });
    if (taken === 1) return { ok: true, ...usage };
    const scope = scopes[refusedIndex];
    const reason = REASONS[reasonCode] ?? "rpm";
    const limit =
      reason === "rpm" ? scope?.rpmLimit : reason === "tpm" ? scope?.tpmLimit : scope?.maxParallelRequests;
    return {
      ok: false,
      scopeId: scope?.id ?? "",
      reason,
      limit: limit ?? 0,
      retryAfterSeconds: reason === "parallel" ? 1 : secondsToWindowEnd(nowMs),
      ...usage,
    };
  }

  async release(scopes: readonly LimitScope[]): Promise<void> {
    if (scopes.length === 0) return;
    const keys = scopes.map((scope) => `${this.prefix}:${scope.id}:inflight`);
    await this.scripts.llmgateReleaseLimits(keys.length, ...keys);
  }

  async addTokens(scopes: readonly LimitScope[], tokens: number, nowMs: number): Promise<void> {
    if (scopes.length === 0 || tokens <= 0) return;
    const window = windowOf(nowMs);
    await countUp(
      this.redis,
      scopes.map((scope) => [this.keysOf(scope, window)[1], tokens, WINDOW_TTL_SECONDS] as const),
    );
  }

  async close(): Promise<void> {}
}
