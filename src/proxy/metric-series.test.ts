import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { CounterSeries, GaugeSeries, HistogramSeries } from "./metric-series.js";

function metricsIn(registry: Registry) {
  return {
    counter: new Counter({ name: "c_total", help: "c", labelNames: ["a", "b"], registers: [registry] }),
    gauge: new Gauge({ name: "g", help: "g", labelNames: ["a"], registers: [registry] }),
    histogram: new Histogram({
      name: "h_seconds",
      help: "h",
      labelNames: ["a"],
      buckets: [0.01, 0.1, 1],
      registers: [registry],
    }),
  };
}

describe("metric series", () => {
  it("exports what prom-client's own calls export, across a reset", async () => {
    const plain = new Registry();
    const bound = new Registry();
    const p = metricsIn(plain);
    const b = metricsIn(bound);
    const counter = new CounterSeries(b.counter, { a: "x", b: "y" });
    const other = new CounterSeries(b.counter, { a: "x", b: "z" });
    const gauge = new GaugeSeries(b.gauge, { a: "x" });
    const histogram = new HistogramSeries(b.histogram, { a: "x" });
    const run = () => {
      for (const value of [1, 2, 0, 5]) {
        p.counter.inc({ a: "x", b: "y" }, value);
        counter.inc(value);
      }
      p.counter.inc({ a: "x", b: "z" });
      other.inc();
      p.gauge.inc({ a: "x" });
      gauge.inc();
      p.gauge.inc({ a: "x" }, 3);
      gauge.inc(3);
      p.gauge.dec({ a: "x" });
      gauge.dec();
      for (const value of [0.001, 0.01, 0.05, 0.5, 1, 7, 0]) {
        p.histogram.observe({ a: "x" }, value);
        histogram.observe(value);
      }
    };
    run();
    expect(await bound.metrics()).toBe(await plain.metrics());
    plain.resetMetrics();
    bound.resetMetrics();
    run();
    expect(await bound.metrics()).toBe(await plain.metrics());
    p.gauge.set({ a: "x" }, 42);
    gauge.set(42);
    p.gauge.set({ a: "x" }, 41.5);
    gauge.set(41.5);
    expect(await bound.metrics()).toBe(await plain.metrics());
  });

  it("refuses what prom-client refuses", () => {
    const registry = new Registry();
    const { counter, histogram } = metricsIn(registry);
    const counterSeries = new CounterSeries(counter, { a: "x", b: "y" });
    const histogramSeries = new HistogramSeries(histogram, { a: "x" });
    counterSeries.inc();
    histogramSeries.observe(1);
    expect(() => counterSeries.inc(-1)).toThrow();
    expect(() => histogramSeries.observe(Number.POSITIVE_INFINITY)).toThrow();
  });
});
