import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export interface QueueStatsSource {
  stats(): { queued: number; written: number; dropped: number; failures: number };
}

/** The proxy's Prometheus metrics, in a registry of its own (never prom-client's global one). */
export class ProxyMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: "llmgate_requests_total",
    help: "Model requests answered, by route, model group and status",
    labelNames: ["route", "model_group", "status"] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: "llmgate_request_duration_seconds",
    help: "Time from request to the end of the response",
    labelNames: ["route", "model_group"] as const,
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });
  readonly spend = new Counter({
    name: "llmgate_spend_usd_total",
    help: "Cost of answered requests in USD, by model group",
    labelNames: ["model_group"] as const,
    registers: [this.registry],
  });
  readonly tokens = new Counter({
    name: "llmgate_tokens_total",
    help: "Tokens used, by model group and kind (prompt, completion)",
    labelNames: ["model_group", "kind"] as const,
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: "llmgate_rate_limited_total",
    help: "Requests refused by a key, user or team limit, by reason (rpm, tpm, parallel)",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly budgetExceeded = new Counter({
    name: "llmgate_budget_exceeded_total",
    help: "Requests refused because a budget was spent",
    registers: [this.registry],
  });
  readonly softBudgetExceeded = new Counter({
    name: "llmgate_soft_budget_exceeded_total",
    help: "Requests served by a key over its soft_budget (reported, not blocked)",
    registers: [this.registry],
  });

  /** Spend-queue figures, read when Prometheus scrapes. */
  constructor() {
    // The process defaults (CPU, memory, event-loop lag, open handles), read at scrape time only.
    collectDefaultMetrics({ register: this.registry });
  }

  watchSpendQueue(queue: QueueStatsSource): void {
    const gauge = (
      name: string,
      help: string,
      read: (stats: ReturnType<QueueStatsSource["stats"]>) => number,
    ) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read(queue.stats()));
        },
      });
    gauge("llmgate_spend_queue_rows", "Spend-log rows waiting to be written", (stats) => stats.queued);
    gauge("llmgate_spend_rows_written", "Spend-log rows written since start", (stats) => stats.written);
    gauge(
      "llmgate_spend_rows_dropped",
      "Spend-log rows dropped because the queue was full while the database was unreachable",
      (stats) => stats.dropped,
    );
    gauge(
      "llmgate_spend_write_failures",
      "Failed spend-log batch writes since start",
      (stats) => stats.failures,
    );
  }
}
