import { RowBuffer } from "./row-buffer.js";

/** Timer functions, injectable so tests drive time. Handles are opaque. */
export interface QueueTimers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SpendQueueOptions<Row> {
  /** Writes one batch (SpendStore.insertBatch); must be all or nothing and safe to retry. */
  write: (rows: Row[]) => Promise<unknown>;
  /** How often queued rows are written (LiteLLM's `proxy_batch_write_at`, in ms). Default 10 s. */
  flushIntervalMs?: number;
  /** Rows per write; a full batch is written at once, without waiting for the interval. Default 500. */
  batchSize?: number;
  /** Rows kept while the database is unreachable; past it the oldest are dropped. Default 100 000. */
  maxQueued?: number;
  /** First retry delay after a failed write, doubled per failure up to retryMaxMs. Default 1 s. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  timers?: QueueTimers;
  /** Called for each failed write (to log it); the rows stay queued. */
  onWriteError?: (error: unknown, consecutiveFailures: number) => void;
}

export interface SpendQueueStats {
  /** Rows waiting, including a batch being written. */
  queued: number;
  written: number;
  /** Rows discarded because the queue was full (export as a metric). */
  dropped: number;
  /** Failed write attempts. */
  failures: number;
}

export interface FlushOptions {
  /** Give up after this long (a shutdown deadline); default: keep retrying until everything is written. */
  timeoutMs?: number;
}

const unrefTimers: QueueTimers = {
  setTimeout: (callback, delayMs) => {
    const handle = setTimeout(callback, delayMs);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Spend rows leave the request path here. `enqueue` never blocks nor throws; rows are written in
 * batches every flush interval or as soon as a batch is full. A failed write (database down) keeps
 * the rows, in order, and retries with exponential backoff. The queue is bounded: when full, the
 * oldest rows are dropped and counted in `stats().dropped`. `flush()` writes everything (shutdown).
 */
export class SpendQueue<Row> {
  readonly #write: (rows: Row[]) => Promise<unknown>;
  readonly #flushIntervalMs: number;
  readonly #batchSize: number;
  readonly #maxQueued: number;
  readonly #retryBaseMs: number;
  readonly #retryMaxMs: number;
  readonly #timers: QueueTimers;
  readonly #onWriteError: ((error: unknown, consecutiveFailures: number) => void) | undefined;
  readonly #rows = new RowBuffer<Row>();
  #inFlight = 0;
  /** In-flight rows (the oldest) to discard if their write fails: the queue overflowed meanwhile. */
  #inFlightOverflow = 0;
  #writing: Promise<void> | undefined;
  #timer: unknown;
  #isClosed = false;
  #consecutiveFailures = 0;
  #written = 0;
  #dropped = 0;
  #failures = 0;

  constructor(options: SpendQueueOptions<Row>) {
    this.#write = options.write;
    this.#flushIntervalMs = options.flushIntervalMs ?? 10_000;
    this.#batchSize = Math.max(1, options.batchSize ?? 500);
    this.#maxQueued = Math.max(this.#batchSize, options.maxQueued ?? 100_000);
    this.#retryBaseMs = options.retryBaseMs ?? 1_000;
    this.#retryMaxMs = options.retryMaxMs ?? 60_000;
    this.#timers = options.timers ?? unrefTimers;
    this.#onWriteError = options.onWriteError;
    this.#schedule(this.#flushIntervalMs);
  }

  enqueue(row: Row): void {
    this.#rows.push(row);
    const excess = this.#rows.length + this.#inFlight - this.#inFlightOverflow - this.#maxQueued;
    if (excess > 0) {
      const fromInFlight = Math.min(excess, this.#inFlight - this.#inFlightOverflow);
      this.#inFlightOverflow += fromInFlight;
      this.#dropped += this.#rows.dropOldest(excess - fromInFlight);
    }
    if (
      this.#rows.length >= this.#batchSize &&
      this.#writing === undefined &&
      this.#consecutiveFailures === 0
    ) {
      void this.#drain(false);
    }
  }

  stats(): SpendQueueStats {
    return {
      queued: this.#rows.length + this.#inFlight - this.#inFlightOverflow,
      written: this.#written,
      dropped: this.#dropped,
      failures: this.#failures,
    };
  }

  /** Writes every queued row, retrying with backoff; resolves with the rows left (0 unless timed out). */
  async flush(options: FlushOptions = {}): Promise<number> {
    let isTimedOut = false;
    const deadline =
      options.timeoutMs === undefined
        ? undefined
        : this.#timers.setTimeout(() => {
            isTimedOut = true;
          }, options.timeoutMs);
    try {
      while (!isTimedOut) {
        await this.#drain(true);
        if (this.stats().queued === 0) break;
        if (this.#consecutiveFailures > 0) {
          await this.#sleep(Math.min(this.#retryDelay(), options.timeoutMs ?? Number.POSITIVE_INFINITY));
        }
      }
    } finally {
      if (deadline !== undefined) this.#timers.clearTimeout(deadline);
    }
    return this.stats().queued;
  }

  /** Stops the timer and flushes (graceful shutdown). */
  async close(options: FlushOptions = {}): Promise<number> {
    this.#isClosed = true;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    return this.flush(options);
  }

  #retryDelay(): number {
    const exponent = Math.max(0, this.#consecutiveFailures - 1);
    return Math.min(this.#retryMaxMs, this.#retryBaseMs * 2 ** Math.min(exponent, 30));
  }

  #sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.#timers.setTimeout(resolve, delayMs));
  }

  #schedule(delayMs: number): void {
    if (this.#isClosed) return;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      void this.#drain(true).then(() => {
        if (this.#timer === undefined) {
          this.#schedule(this.#consecutiveFailures > 0 ? this.#retryDelay() : this.#flushIntervalMs);
        }
      });
    }, delayMs);
  }

  /** One writer at a time; `isEverything` also writes a last partial batch. Never rejects. */
  #drain(isEverything: boolean): Promise<void> {
    if (this.#writing !== undefined) return this.#writing;
    this.#writing = this.#writeBatches(isEverything).finally(() => {
      this.#writing = undefined;
    });
    return this.#writing;
  }

  async #writeBatches(isEverything: boolean): Promise<void> {
    while (this.#rows.length >= (isEverything ? 1 : this.#batchSize)) {
      const batch = this.#rows.take(this.#batchSize);
      this.#inFlight = batch.length;
      try {
        await this.#write(batch);
        this.#written += batch.length;
        this.#consecutiveFailures = 0;
      } catch (error) {
        this.#failures += 1;
        this.#consecutiveFailures += 1;
        this.#rows.restore(batch.slice(this.#inFlightOverflow));
        this.#dropped += this.#inFlightOverflow;
        this.#reportError(error);
        this.#schedule(this.#retryDelay());
        return;
      } finally {
        this.#inFlight = 0;
        this.#inFlightOverflow = 0;
      }
    }
  }

  #reportError(error: unknown): void {
    try {
      this.#onWriteError?.(error, this.#consecutiveFailures);
    } catch {
      // A failing logger must not stop the queue.
    }
  }
}
