const DEFAULT_WINDOW = 10;

class Window {
  private readonly samples: number[] = [];
  private next = 0;
  private sum = 0;

  constructor(private readonly size: number) {}

  add(value: number): void {
    if (this.samples.length < this.size) {
      this.samples.push(value);
    } else {
      this.sum -= this.samples[this.next] ?? 0;
      this.samples[this.next] = value;
      this.next = (this.next + 1) % this.size;
    }
    this.sum += value;
  }

  mean(): number | undefined {
    return this.samples.length === 0 ? undefined : this.sum / this.samples.length;
  }
}

/**
 * Recent latencies per deployment, in this process: the mean of the last few requests, and of the
 * time to first chunk for streams. A fixed ring per deployment: recording allocates nothing.
 */
export class LatencyTracker {
  private readonly total = new Map<string, Window>();
  private readonly firstChunk = new Map<string, Window>();

  constructor(private readonly windowSize = DEFAULT_WINDOW) {}

  private windowOf(map: Map<string, Window>, id: string): Window {
    let window = map.get(id);
    if (window === undefined) {
      window = new Window(this.windowSize);
      map.set(id, window);
    }
    return window;
  }

  /** Milliseconds from sending to the whole response. */
  recordLatency(id: string, milliseconds: number): void {
    this.windowOf(this.total, id).add(milliseconds);
  }

  /** Milliseconds from sending to a stream's first chunk. */
  recordTimeToFirstChunk(id: string, milliseconds: number): void {
    this.windowOf(this.firstChunk, id).add(milliseconds);
  }

  /** Mean recent latency; for streams the time to first chunk when known. */
  latency(id: string, isStream: boolean): number | undefined {
    if (isStream) {
      const firstChunk = this.firstChunk.get(id)?.mean();
      if (firstChunk !== undefined) return firstChunk;
    }
    return this.total.get(id)?.mean();
  }
}
