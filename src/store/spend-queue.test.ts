import { describe, expect, it } from "vitest";
import { type QueueTimers, SpendQueue } from "./spend-queue.js";

/** Timers driven by `advance()`; callbacks run in due order. */
class FakeTimers implements QueueTimers {
  now = 0;
  #nextId = 1;
  #pending = new Map<number, { at: number; callback: () => void }>();

  setTimeout(callback: () => void, delayMs: number): unknown {
    const id = this.#nextId++;
    this.#pending.set(id, { at: this.now + delayMs, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  async advance(milliseconds: number): Promise<void> {
    const end = this.now + milliseconds;
    for (;;) {
      await settle();
      const due = [...this.#pending.entries()]
        .filter(([, timer]) => timer.at <= end)
        .sort(([, left], [, right]) => left.at - right.at)[0];
      if (due === undefined) break;
      this.#pending.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    this.now = end;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let round = 0; round < 10; round += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** A writer that fails while `isDown`, and records what it stored. */
function createWriter() {
  const state = { isDown: false, stored: [] as number[], calls: 0 };
  const write = async (rows: number[]) => {
    state.calls += 1;
    if (state.isDown) throw new Error("connection refused");
    state.stored.push(...rows);
  };
  return { state, write };
}

describe("SpendQueue", () => {
  it("writes on the flush interval, not before", async () => {
    const timers = new FakeTimers();
    const { state, write } = createWriter();
    const queue = new SpendQueue<number>({ write, timers, flushIntervalMs: 1000, batchSize: 10 });
    queue.enqueue(1);
    queue.enqueue(2);
    await timers.advance(999);
    expect(state.stored).toEqual([]);
    await timers.advance(1);
    expect(state.stored).toEqual([1, 2]);
    queue.enqueue(3);
    await timers.advance(1000);
    expect(state.stored).toEqual([1, 2, 3]);
    expect(queue.stats()).toEqual({ queued: 0, written: 3, dropped: 0, failures: 0 });
  });

  it("writes a full batch at once", async () => {
    const timers = new FakeTimers();
    const { state, write } = createWriter();
    const queue = new SpendQueue<number>({ write, timers, flushIntervalMs: 60_000, batchSize: 3 });
    for (let row = 1; row <= 7; row += 1) queue.enqueue(row);
    await settle();
    expect(state.stored).toEqual([1, 2, 3, 4, 5, 6]);
    expect(queue.stats().queued).toBe(1);
  });

  it("keeps rows while the database is down and writes them, in order, when it returns", async () => {
    const timers = new FakeTimers();
    const { state, write } = createWriter();
    const errors: number[] = [];
    const queue = new SpendQueue<number>({
      write,
      timers,
      flushIntervalMs: 1000,
      batchSize: 100,
      retryBaseMs: 500,
      retryMaxMs: 4000,
      onWriteError: (_error, consecutiveFailures) => errors.push(consecutiveFailures),
    });
    state.isDown = true;
    for (let row = 1; row <= 5; row += 1) queue.enqueue(row);
    await timers.advance(1000);
    expect(queue.stats()).toEqual({ queued: 5, written: 0, dropped: 0, failures: 1 });
    // backoff: 500, 1000, 2000, 4000, 4000 ms after each failure
    await timers.advance(500);
    await timers.advance(1000);
    await timers.advance(2000);
    expect(queue.stats().failures).toBe(4);
    queue.enqueue(6);
    state.isDown = false;
    await timers.advance(4000);
    expect(state.stored).toEqual([1, 2, 3, 4, 5, 6]);
    expect(queue.stats()).toEqual({ queued: 0, written: 6, dropped: 0, failures: 4 });
    expect(errors).toEqual([1, 2, 3, 4]);
    // back on the normal interval
    queue.enqueue(7);
    await timers.advance(1000);
    expect(state.stored.at(-1)).toBe(7);
  });

  it("drops the oldest rows when full and counts them", async () => {
    const timers = new FakeTimers();
    const { state, write } = createWriter();
    const queue = new SpendQueue<number>({
      write,
      timers,
      flushIntervalMs: 1000,
      batchSize: 2,
      maxQueued: 4,
    });
    state.isDown = true;
    for (let row = 1; row <= 10; row += 1) queue.enqueue(row);
    await settle();
    expect(queue.stats()).toMatchObject({ queued: 4, dropped: 6 });
    state.isDown = false;
    expect(await queue.flush()).toBe(0);
    expect(state.stored).toEqual([7, 8, 9, 10]);
    expect(queue.stats()).toEqual({ queued: 0, written: 4, dropped: 6, failures: 1 });
  });

  it("never throws from enqueue, even when the writer throws synchronously", async () => {
    const timers = new FakeTimers();
    const queue = new SpendQueue<number>({
      write: () => {
        throw new Error("boom");
      },
      timers,
      batchSize: 1,
      onWriteError: () => {
        throw new Error("logger broke");
      },
    });
    expect(() => queue.enqueue(1)).not.toThrow();
    await settle();
    expect(queue.stats()).toMatchObject({ queued: 1, failures: 1 });
  });

  it("flushes everything on close and stops its timer", async () => {
    const timers = new FakeTimers();
    const { state, write } = createWriter();
    const queue = new SpendQueue<number>({ write, timers, flushIntervalMs: 60_000, batchSize: 2 });
    for (let row = 1; row <= 5; row += 1) queue.enqueue(row);
    expect(await queue.close()).toBe(0);
    expect(state.stored).toEqual([1, 2, 3, 4, 5]);
    expect(timers.pendingCount).toBe(0);
  });

  it("retries during a flush until the database returns", async () => {
    const timers = new FakeTimers();
    const { state, write } = createWriter();
    const queue = new SpendQueue<number>({ write, timers, flushIntervalMs: 60_000, retryBaseMs: 100 });
    state.isDown = true;
    queue.enqueue(1);
    let remaining: number | undefined;
    const flushed = queue.close().then((count) => {
      remaining = count;
    });
    await timers.advance(300);
    expect(remaining).toBeUndefined();
    state.isDown = false;
    await timers.advance(1000);
    await flushed;
    expect(remaining).toBe(0);
    expect(state.stored).toEqual([1]);
  });

  it("gives up a flush at its timeout and reports what is left", async () => {
    const timers = new FakeTimers();
    const { state, write } = createWriter();
    const queue = new SpendQueue<number>({ write, timers, retryBaseMs: 100 });
    state.isDown = true;
    queue.enqueue(1);
    queue.enqueue(2);
    const flushed = queue.close({ timeoutMs: 1000 });
    await timers.advance(2000);
    expect(await flushed).toBe(2);
    expect(queue.stats().queued).toBe(2);
  });

  it("works with real timers", async () => {
    const { state, write } = createWriter();
    const queue = new SpendQueue<number>({ write, flushIntervalMs: 10 });
    queue.enqueue(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(state.stored).toEqual([1]);
    await queue.close();
  });
});
