import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { type CallEvent, upstreamMillis } from "../observability/index.js";
import { CounterSeries, GaugeSeries, HistogramSeries } from "./metric-series.js";

export interface QueueStatsSource {
  stats(): { queued: number; written: number; dropped: number; failures: number };
}

/** Labels of a model call: who, where, which route, and how it ended. */
const CALL_LABELS = ["model_group", "deployment", "provider", "key_alias", "team", "route"] as const;
type CallLabel = (typeof CALL_LABELS)[number];
export type CallLabels = Record<CallLabel, string>;

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const OVERHEAD_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** The series of one call label set, each made on its first use (so none is exported before). */
interface CallSeries {
  labels: CallLabels;
  byStatus: Map<number, { requests: CounterSeries; duration: HistogramSeries }>;
  upstream?: HistogramSeries;
  overhead?: HistogramSeries;
  timeToFirstToken?: HistogramSeries;
  promptTokens?: CounterSeries;
  completionTokens?: CounterSeries;
  spend?: CounterSeries;
}

/** `llmgate_deployment_state` values. */
export const DEPLOYMENT_STATE = { healthy: 0, failing: 1, coolingDown: 2 } as const;

export interface DeploymentStateSource {
  /** Every deployment with its id, group, provider and whether it is cooling down now. */
  deploymentStates(): Promise<{ id: string; modelGroup: string; provider: string; isCoolingDown: boolean }[]>;
}

/** A budget and its spend: a cached key or team record, updated in place as spend is counted. */
export interface BudgetRecord {
  readonly maxBudget: number | null;
  readonly spend: number;
}

export interface BudgetSource {
  keyAlias: string;
  team: string;
  key: BudgetRecord | undefined;
  teamBudget: BudgetRecord | undefined;
}

/** Per label set: the record a request of that key or team last named. */
type BudgetRecords = Map<string, { labels: Record<string, string>; record: BudgetRecord }>;

/** Remaining-budget gauges read at scrape time from the records a request last named. */
function remainingBudgetCollector(records: BudgetRecords) {
  return function collect(this: Gauge<string>): void {
    this.reset();
    for (const { labels, record } of records.values())
      if (record.maxBudget !== null) this.set(labels, record.maxBudget - record.spend);
  };
}

/** The proxy's Prometheus metrics, in a registry of its own (never prom-client's global one). */
export class ProxyMetrics {
  readonly registry = new Registry();
  /** Deployments whose last call (in this process) failed: `llmgate_deployment_state` 1. */
  readonly #isFailing = new Map<string, boolean>();
  /** Bound series by call labels (one entry per label set, as prom-client keeps one per series). */
  readonly #callSeries = new Map<string, CallSeries>();
  readonly #inFlightSeries = new Map<string, GaugeSeries>();
  readonly requests = new Counter({
    name: "llmgate_requests_total",
    help: "Model requests answered, by model group, deployment, provider, key, team, route and status",
    labelNames: [...CALL_LABELS, "status"] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: "llmgate_request_duration_seconds",
    help: "Whole request: from its arrival to the end of the response (a stream's last byte)",
    labelNames: [...CALL_LABELS, "status"] as const,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  readonly upstreamDuration = new Histogram({
    name: "llmgate_upstream_duration_seconds",
    help: "Time spent in upstream calls of a request (all attempts), to the end of the answer",
    labelNames: CALL_LABELS,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  readonly overheadDuration = new Histogram({
    name: "llmgate_overhead_duration_seconds",
    help: "Time of a request spent in the proxy itself (whole request minus upstream calls)",
    labelNames: CALL_LABELS,
    buckets: OVERHEAD_BUCKETS,
    registers: [this.registry],
  });
  readonly timeToFirstToken = new Histogram({
    name: "llmgate_time_to_first_token_seconds",
    help: "Streams: time from the request's arrival to its first chunk",
    labelNames: CALL_LABELS,
    buckets: SECONDS_BUCKETS,
    registers: [this.registry],
  });
  readonly tokens = new Counter({
    name: "llmgate_tokens_total",
    help: "Tokens used, by type (prompt, completion)",
    labelNames: [...CALL_LABELS, "type"] as const,
    registers: [this.registry],
  });
  readonly spend = new Counter({
    name: "llmgate_spend_usd_total",
    help: "Cost of answered requests in USD",
    labelNames: CALL_LABELS,
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: "llmgate_in_flight_requests",
    help: "Model requests being answered now, by route",
    labelNames: ["route"] as const,
    registers: [this.registry],
  });
  readonly deploymentFailures = new Counter({
    name: "llmgate_deployment_failures_total",
    help: "Failed upstream calls, by deployment and status",
    labelNames: ["model_group", "deployment", "provider", "status"] as const,
    registers: [this.registry],
  });
  readonly retries = new Counter({
    name: "llmgate_retries_total",
    help: "Retries the router made",
    labelNames: ["model_group", "route"] as const,
    registers: [this.registry],
  });
  readonly fallbacks = new Counter({
    name: "llmgate_fallbacks_total",
    help: "Fallback model groups the router tried, by the group that failed and the one tried",
    labelNames: ["model_group", "fallback_model_group"] as const,
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: "llmgate_rate_limited_total",
    help: "Requests refused by a limit: which one (reason rpm, tpm or parallel; scope key, user or team), and whose key and team",
    labelNames: ["reason", "scope", "key_alias", "team"] as const,
    registers: [this.registry],
  });
  readonly budgetExceeded = new Counter({
    name: "llmgate_budget_exceeded_total",
    help: "Requests refused because a budget was spent, by key and team",
    labelNames: ["key_alias", "team"] as const,
    registers: [this.registry],
  });
  readonly softBudgetExceeded = new Counter({
    name: "llmgate_soft_budget_exceeded_total",
    help: "Requests served by a key over its soft_budget (reported, not blocked)",
    registers: [this.registry],
  });
  readonly #keyBudgets: BudgetRecords = new Map();
  readonly #teamBudgets: BudgetRecords = new Map();
  readonly keyRemainingBudget = new Gauge({
    name: "llmgate_key_remaining_budget_usd",
    help: "A key's max_budget minus its spend now, as this proxy counts it (keys with a budget that made a request)",
    labelNames: ["key_alias", "team"] as const,
    // Each worker counts its own spend at once and the others' when it hears of it: the lowest is the freshest.
    aggregator: "min",
    registers: [this.registry],
    collect: remainingBudgetCollector(this.#keyBudgets),
  });
  readonly teamRemainingBudget = new Gauge({
    name: "llmgate_team_remaining_budget_usd",
    help: "A team's max_budget minus its spend now, as this proxy counts it (teams with a budget that made a request)",
    labelNames: ["team"] as const,
    aggregator: "min",
    registers: [this.registry],
    collect: remainingBudgetCollector(this.#teamBudgets),
  });
  readonly callbackEventsDropped = new Counter({
    name: "llmgate_callback_events_dropped",
    help: "Callback events dropped: queue full, or the collector failed after every retry",
    labelNames: ["callback", "reason"] as const,
    registers: [this.registry],
  });
  readonly callbackEventsSent = new Counter({
    name: "llmgate_callback_events_sent",
    help: "Callback events delivered to their collector",
    labelNames: ["callback"] as const,
    registers: [this.registry],
  });

  constructor() {
    // The process defaults (CPU, memory, event-loop lag, open handles), read at scrape time only.
    collectDefaultMetrics({ register: this.registry });
  }

  /** `llmgate_deployment_state`, read from the router when Prometheus scrapes. */
  watchDeployments(source: DeploymentStateSource): void {
    const isFailing = this.#isFailing;
    new Gauge({
      name: "llmgate_deployment_state",
      help: "Deployment health: 0 healthy, 1 failing (its last call failed), 2 cooling down",
      labelNames: ["model_group", "deployment", "provider"] as const,
      aggregator: "max",
      registers: [this.registry],
      async collect() {
        for (const state of await source.deploymentStates()) {
          const value = state.isCoolingDown
            ? DEPLOYMENT_STATE.coolingDown
            : isFailing.get(state.id) === true
              ? DEPLOYMENT_STATE.failing
              : DEPLOYMENT_STATE.healthy;
          this.set({ model_group: state.modelGroup, deployment: state.id, provider: state.provider }, value);
        }
      },
    });
  }

  /** `llmgate_in_flight_requests` of a route, bound. */
  inFlightOf(route: string): GaugeSeries {
    let series = this.#inFlightSeries.get(route);
    if (series === undefined) {
      series = new GaugeSeries(this.inFlight, { route });
      this.#inFlightSeries.set(route, series);
    }
    return series;
  }

  #seriesOf(event: CallEvent): CallSeries {
    const caller = event.caller;
    const key = `${event.modelGroup}\u0000${event.deploymentId}\u0000${event.provider}\u0000${caller.keyAlias}\u0000${caller.team}\u0000${event.route}`;
    let series = this.#callSeries.get(key);
    if (series === undefined) {
      series = {
        labels: {
          model_group: event.modelGroup,
          deployment: event.deploymentId,
          provider: event.provider,
          key_alias: caller.keyAlias,
          team: caller.team,
          route: event.route,
        },
        byStatus: new Map(),
      };
      this.#callSeries.set(key, series);
    }
    return series;
  }

  /** Counters and histograms of one finished call (labels: never the key, its alias or hash prefix). */
  observeCall(event: CallEvent): void {
    const series = this.#seriesOf(event);
    const labels = series.labels;
    let byStatus = series.byStatus.get(event.status);
    if (byStatus === undefined) {
      const withStatus = { ...labels, status: String(event.status) };
      byStatus = {
        requests: new CounterSeries(this.requests, withStatus),
        duration: new HistogramSeries(this.duration, withStatus),
      };
      series.byStatus.set(event.status, byStatus);
    }
    byStatus.requests.inc();
    const seconds = (event.endedAt - event.startedAt) / 1000;
    byStatus.duration.observe(seconds);
    if (event.attempts.length > 0) {
      const upstream = upstreamMillis(event) / 1000;
      series.upstream ??= new HistogramSeries(this.upstreamDuration, labels);
      series.upstream.observe(upstream);
      series.overhead ??= new HistogramSeries(this.overheadDuration, labels);
      series.overhead.observe(Math.max(0, seconds - upstream));
    }
    if (event.firstTokenAt !== undefined) {
      series.timeToFirstToken ??= new HistogramSeries(this.timeToFirstToken, labels);
      series.timeToFirstToken.observe(Math.max(0, event.firstTokenAt - event.startedAt) / 1000);
    }
    if (event.promptTokens > 0 && !event.isCacheHit) {
      series.promptTokens ??= new CounterSeries(this.tokens, { ...labels, type: "prompt" });
      series.promptTokens.inc(event.promptTokens);
    }
    if (event.completionTokens > 0 && !event.isCacheHit) {
      series.completionTokens ??= new CounterSeries(this.tokens, { ...labels, type: "completion" });
      series.completionTokens.inc(event.completionTokens);
    }
    if (event.cost > 0) {
      series.spend ??= new CounterSeries(this.spend, labels);
      series.spend.inc(event.cost);
    }
    for (const attempt of event.attempts) {
      this.#isFailing.set(attempt.deploymentId, attempt.error !== undefined);
      if (attempt.error !== undefined)
        this.deploymentFailures.inc({
          model_group: attempt.modelGroup,
          deployment: attempt.deploymentId,
          provider: attempt.provider,
          status: String(attempt.error.status),
        });
    }
    for (const retry of event.retries)
      this.retries.inc({ model_group: retry.modelGroup, route: event.route }, retry.count);
    for (const fallback of event.fallbacks)
      this.fallbacks.inc({ model_group: fallback.from, fallback_model_group: fallback.to });
  }

  /**
   * After a request of theirs: the key's and team's records, whose budget left is read at each
   * scrape (so spend counted later, by this worker or another, shows without a new request).
   */
  observeBudgets(source: BudgetSource): void {
    const key = source.key;
    if (key !== undefined) {
      // Set once per key and team: the record is read at each scrape.
      const id = `${source.keyAlias}\u0000${source.team}`;
      if (this.#keyBudgets.get(id)?.record !== key) {
        this.#keyBudgets.set(id, { labels: { key_alias: source.keyAlias, team: source.team }, record: key });
      }
    }
    const team = source.teamBudget;
    if (team !== undefined && this.#teamBudgets.get(source.team)?.record !== team) {
      this.#teamBudgets.set(source.team, { labels: { team: source.team }, record: team });
    }
  }

  /** Spend-queue figures, read when Prometheus scrapes. */
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
