import type { Counter, Gauge, Histogram, LabelValues } from "prom-client";

/**
 * One series (a metric and a fixed label set) updated in place on the hot path. prom-client checks
 * and hashes the labels on every call (about 3 µs per call, a dozen calls per request); a series
 * goes through prom-client once, finds the entry prom-client made for its labels (the entry keeps
 * the very labels object it was given) and from then on adds to that entry. Before each update it
 * checks that prom-client's map still holds that entry under the same hash (a `reset()` or
 * `remove()` replaces it), else it goes through prom-client again. Values prom-client refuses
 * (not finite, a negative count) always go through prom-client, which throws as before.
 */
interface Entry {
  value: number;
  labels: LabelValues<string>;
}
interface HistogramEntry {
  labels: LabelValues<string>;
  bucketValues: Record<number, number>;
  sum: number;
  count: number;
}
interface Internals<T> {
  hashMap: Record<string, T>;
}

function mapOf<T>(metric: unknown): Record<string, T> {
  return (metric as Internals<T>).hashMap;
}

/** The hash under which prom-client keeps the entry made for `labels` (that same object). */
function findHash(map: Record<string, { labels: unknown }>, labels: object): string | undefined {
  for (const hash in map) if (map[hash]?.labels === labels) return hash;
  return undefined;
}

export class CounterSeries {
  #hash: string | undefined;
  #entry: Entry | undefined;

  constructor(
    private readonly counter: Counter<string>,
    private readonly labels: LabelValues<string>,
  ) {}

  inc(value = 1): void {
    const entry = this.#entry;
    if (
      entry !== undefined &&
      value >= 0 &&
      Number.isFinite(value) &&
      mapOf<Entry>(this.counter)[this.#hash as string] === entry
    ) {
      entry.value += value;
      return;
    }
    this.counter.inc(this.labels, value);
    const map = mapOf<Entry>(this.counter);
    this.#hash = findHash(map, this.labels);
    this.#entry = this.#hash === undefined ? undefined : map[this.#hash];
  }
}

export class GaugeSeries {
  #hash: string | undefined;
  #entry: Entry | undefined;

  constructor(
    private readonly gauge: Gauge<string>,
    private readonly labels: LabelValues<string>,
  ) {}

  #current(): Entry | undefined {
    const entry = this.#entry;
    return entry !== undefined && mapOf<Entry>(this.gauge)[this.#hash as string] === entry
      ? entry
      : undefined;
  }

  #adopt(): void {
    const map = mapOf<Entry>(this.gauge);
    this.#hash = findHash(map, this.labels);
    this.#entry = this.#hash === undefined ? undefined : map[this.#hash];
  }

  inc(delta = 1): void {
    const entry = this.#current();
    if (entry !== undefined) {
      entry.value += delta;
      return;
    }
    this.gauge.inc(this.labels, delta);
    this.#adopt();
  }

  dec(delta = 1): void {
    this.inc(-delta);
  }

  set(value: number): void {
    const entry = this.#current();
    if (entry !== undefined) {
      entry.value = value;
      return;
    }
    this.gauge.set(this.labels, value);
    this.#adopt();
  }
}

export class HistogramSeries {
  #hash: string | undefined;
  #entry: HistogramEntry | undefined;
  readonly #bounds: readonly number[];

  constructor(
    private readonly histogram: Histogram<string>,
    private readonly labels: LabelValues<string>,
  ) {
    this.#bounds = (histogram as unknown as { upperBounds: number[] }).upperBounds;
  }

  observe(value: number): void {
    const entry = this.#entry;
    if (
      entry !== undefined &&
      Number.isFinite(value) &&
      mapOf<HistogramEntry>(this.histogram)[this.#hash as string] === entry
    ) {
      // As prom-client does: the first bucket whose bound holds the value (none past the last:
      // +Inf is the count).
      const bounds = this.#bounds;
      for (let index = 0; index < bounds.length; index++) {
        const bound = bounds[index] as number;
        if (value <= bound) {
          entry.bucketValues[bound] = (entry.bucketValues[bound] ?? 0) + 1;
          break;
        }
      }
      entry.sum += value;
      entry.count += 1;
      return;
    }
    this.histogram.observe(this.labels, value);
    const map = mapOf<HistogramEntry>(this.histogram);
    this.#hash = findHash(map, this.labels);
    this.#entry = this.#hash === undefined ? undefined : map[this.#hash];
  }
}
