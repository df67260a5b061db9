import cluster from "node:cluster";
import { cliLogLine, type LogFormat } from "./observability/log-format.js";
import { MemoryLimitCounters } from "./proxy/limits/memory.js";
import { clusterMetricsTarget, METRICS_TARGET } from "./proxy/metrics-cluster.js";
import { serveToWorkers } from "./proxy/shared-counts/ipc.js";
import { LIMITS_TARGET, ROUTER_STATE_TARGET } from "./proxy/shared-counts/primary-counts.js";
import { relayBetweenWorkers } from "./proxy/shared-counts/worker-bus.js";
import { MemoryRouterState } from "./router/index.js";
import { onStopSignals } from "./stop-signals.js";

/**
 * `--num_workers N`: N processes share the listening port (node:cluster). The primary only forks,
 * relays SIGTERM/SIGINT, and exits once every worker has; a worker that dies unasked is replaced,
 * unless it never served: then all stop and the primary exits 1 (no endless restarts). A signal
 * to the whole process group reaches the workers too: they count it and the primary's as one.
 */
export interface PrimaryOptions {
  /** Serve limit counters and router state to the workers (no Redis to share them). */
  servesCounts: boolean;
  logFormat: LogFormat;
}

export function runPrimary(workerCount: number, options: PrimaryOptions): Promise<number> {
  // Spend counted but not written yet, and cache invalidations, go from each worker to the others.
  relayBetweenWorkers();
  // `/metrics` in any worker answers for all of them: the primary gathers and sums their registries.
  serveToWorkers({
    [METRICS_TARGET]: clusterMetricsTarget(),
    ...(options.servesCounts
      ? { [LIMITS_TARGET]: new MemoryLimitCounters(), [ROUTER_STATE_TARGET]: new MemoryRouterState() }
      : {}),
  });
  let isStopping = false;
  let exitCode = 0;
  /** Workers that were serving at some point: only those are replaced when they die. */
  const served = new Set<number>();
  const passOn = (signal: NodeJS.Signals) => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  const stop = (signal: NodeJS.Signals) => {
    if (isStopping) return;
    isStopping = true;
    passOn(signal);
  };
  cluster.on("listening", (worker) => served.add(worker.id));
  for (let index = 0; index < workerCount; index++) cluster.fork();
  cluster.on("exit", (worker, code, signal) => {
    if (isStopping) return;
    if (!served.has(worker.id)) {
      // It failed before serving (a port in use, a database it cannot open): another would too.
      process.stderr.write(
        cliLogLine(
          options.logFormat,
          "error",
          `worker ${worker.process.pid} exited (${signal ?? code}) before serving; stopping`,
        ),
      );
      exitCode = 1;
      stop("SIGTERM");
      return;
    }
    process.stderr.write(
      cliLogLine(
        options.logFormat,
        "warn",
        `worker ${worker.process.pid} exited (${signal ?? code}); starting another`,
      ),
    );
    cluster.fork();
  });
  return new Promise((resolve) => {
    // Each worker drains on the first signal and stops at once on a second, as one process does.
    onStopSignals({ first: stop, again: passOn });
    cluster.on("exit", () => {
      if (isStopping && Object.keys(cluster.workers ?? {}).length === 0) resolve(exitCode);
    });
  });
}

export function isWorker(): boolean {
  return cluster.isWorker;
}
