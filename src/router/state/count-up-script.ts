import type { Redis } from "ioredis";

/**
 * INCRBY with its EXPIRE for each key, as one script: one command and one reply instead of a MULTI
 * of two commands per key (ioredis' JS work per command is most of what a Redis call costs the
 * proxy). KEYS: the counters; ARGV: per key its increment, then its TTL in seconds. Returns the
 * last key's new value. Used by the router's state and by the proxy's limit counters.
 */
const COUNT_UP_SCRIPT = `
local value = 0
for i = 1, #KEYS do
  value = redis.call('INCRBY', KEYS[i], ARGV[i * 2 - 1])
  redis.call('EXPIRE', KEYS[i], ARGV[i * 2])
end
return value
`;

interface CountUpCommand {
  llmgateCountUp(...keysThenArguments: (string | number)[]): Promise<number>;
}

/** Defines the script on a connection (sent once, then run by its SHA). */
export function defineCountUp(redis: Redis): void {
  redis.defineCommand("llmgateCountUp", { lua: COUNT_UP_SCRIPT });
}

/** A counter to add to: its key, the increment, and the TTL (seconds) it gets. */
export type CountUp = readonly [key: string, by: number, ttlSeconds: number];

/** Adds to each counter and sets its TTL, atomically, in one command; the last counter's new value. */
export async function countUp(redis: Redis, counters: readonly CountUp[]): Promise<number> {
  const keys = counters.map(([key]) => key);
  const values = counters.flatMap(([, by, ttlSeconds]) => [by, ttlSeconds]);
  const command = redis as unknown as CountUpCommand;
  return Number((await command.llmgateCountUp(keys.length, ...keys, ...values)) ?? 0);
}
