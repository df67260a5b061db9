/** The Redis client events an outage is read from (ioredis' `error` and `ready`). */
export interface WatchedRedis {
  on(event: "error", listener: (error: unknown) => void): unknown;
  on(event: "ready", listener: () => void): unknown;
}

export interface OutageLogger {
  warn(details: object, message: string): void;
  info?(details: object, message: string): void;
}

/**
 * One line when Redis goes and one when it is back, however many clients see it and however many
 * times ioredis retries: the clients of one proxy (limits, router state, pub/sub) share one log.
 * While any of them is down, what they count is counted in this process alone.
 */
export class RedisOutageLog {
  readonly #logger: OutageLogger;
  readonly #down = new Set<object>();
  #isReported = false;

  constructor(logger: OutageLogger) {
    this.#logger = logger;
  }

  /** Follows a client's connection: its errors and its reconnections. */
  watch(client: WatchedRedis): void {
    client.on("error", (error) => this.down(client, error));
    client.on("ready", () => this.up(client));
  }

  get isDown(): boolean {
    return this.#down.size > 0;
  }

  down(client: object, error: unknown): void {
    this.#down.add(client);
    if (this.#isReported) return;
    this.#isReported = true;
    const reason = error instanceof Error ? error.message : String(error);
    this.#logger.warn(
      { reason },
      `Redis unreachable (${reason}): rate limits and cooldowns are counted by this proxy alone until it is back`,
    );
  }

  up(client: object): void {
    if (!this.#down.delete(client) || this.#down.size > 0 || !this.#isReported) return;
    this.#isReported = false;
    const message = "Redis is back: rate limits and cooldowns are shared again";
    if (this.#logger.info !== undefined) this.#logger.info({}, message);
    else this.#logger.warn({}, message);
  }
}
