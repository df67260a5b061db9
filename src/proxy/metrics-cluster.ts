import { AggregatorRegistry, type Registry } from "prom-client";
import type { PrimaryChannel } from "./shared-counts/ipc.js";

/** The primary's IPC target that gathers every worker's metrics (`--num_workers`). */
export const METRICS_TARGET = "metrics";

/** In the primary: asks each worker for its registry (prom-client's cluster messages) and sums them. */
export function clusterMetricsTarget(): { gather(): Promise<string> } {
  const aggregator = new AggregatorRegistry();
  return { gather: () => aggregator.clusterMetrics() };
}

/** What `/metrics` answers: this process's registry, or, in a worker, the whole proxy's. */
export interface MetricsSource {
  contentType: string;
  text(): Promise<string>;
}

export function localMetrics(registry: Registry): MetricsSource {
  return { contentType: registry.contentType, text: () => registry.metrics() };
}

/**
 * In a worker: answers the primary's requests with this worker's registry, and serves `/metrics`
 * as the sum over all workers, gathered by the primary (one scrape sees the whole proxy).
 */
export function clusterMetrics(registry: Registry, channel: PrimaryChannel): MetricsSource {
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  return {
    contentType: registry.contentType,
    text: () => channel.call<string>(METRICS_TARGET, "gather", []),
  };
}
