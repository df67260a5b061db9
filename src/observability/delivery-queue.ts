/** Limits of one callback's queue; every figure explicit. */
export interface DeliveryOptions {
  /** Events held at most; a new event past this is dropped (and counted). */
  maxQueued: number;
  /** Events sent in one batch. */
  batchSize: number;
  /** How long an event waits for its batch to fill. */
  flushIntervalMs: number;
  /** Tries of one batch before its events are dropped (and counted). */
  maxAttempts: number;
  /** Backoff before the second try, doubled after each failure. */
  retryDelayMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  maxQueued: 10_000,
  batchSize: 100,
  flushIntervalMs: 1_000,
  maxAttempts: 3,
  retryDelayMs: 500,
};

export interface DeliveryCounters {
  sent(count: number): void;
  dropped(count: number, reason: "queue_full" | "send_failed" | "shutdown"): void;
  /** A failed try (the batch is retried or dropped); for the log. */
  failed(error: unknown, attempt: number): void;
}

/**
 * A bounded queue that sends events in batches, one batch at a time, off the request path:
 * `push` never waits and never throws; a collector that is down costs the caller nothing.
 */
export class DeliveryQueue<T> {
  readonly #events: T[] = [];
  #timer: NodeJS.Timeout | undefined;
  #sending: Promise<void> | undefined;
  #isClosed = false;

  constructor(
    private readonly send: (batch: T[]) => Promise<void>,
    private readonly options: DeliveryOptions,
    private readonly counters: DeliveryCounters,
  ) {}

  get size(): number {
    return this.#events.length;
  }

  push(event: T): void {
    if (this.#isClosed || this.#events.length >= this.options.maxQueued) {
      this.counters.dropped(1, this.#isClosed ? "shutdown" : "queue_full");
      return;
    }
    this.#events.push(event);
    if (this.#sending !== undefined) return;
    if (this.#events.length >= this.options.batchSize) this.#start();
    else this.#timer ??= setTimeout(() => this.#start(), this.options.flushIntervalMs).unref();
  }

  #start(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#sending !== undefined || this.#events.length === 0) return;
    this.#sending = this.#drain().finally(() => {
      this.#sending = undefined;
      if (this.#events.length > 0 && !this.#isClosed) this.#start();
    });
  }

  async #drain(): Promise<void> {
    while (this.#events.length > 0) {
      const batch = this.#events.splice(0, this.options.batchSize);
      await this.#sendWithRetries(batch);
      if (this.#isClosed) break;
    }
  }

  async #sendWithRetries(batch: T[]): Promise<void> {
    let delay = this.options.retryDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.send(batch);
        this.counters.sent(batch.length);
        return;
      } catch (error) {
        this.counters.failed(error, attempt);
        if (attempt >= this.options.maxAttempts || this.#isClosed) {
          this.counters.dropped(batch.length, "send_failed");
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
        delay *= 2;
      }
    }
  }

  /** Sends what is queued (one try per batch, within `timeoutMs`); what is left is dropped and counted. */
  async close(timeoutMs: number): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    const flushing = (async () => {
      await this.#sending;
      this.#isClosed = true;
      while (this.#events.length > 0) {
        const batch = this.#events.splice(0, this.options.batchSize);
        await this.#sendWithRetries(batch);
      }
    })();
    await Promise.race([flushing, deadline]);
    this.#isClosed = true;
    if (this.#events.length > 0) {
      this.counters.dropped(this.#events.length, "shutdown");
      this.#events.length = 0;
    }
  }
}
