import cluster from "node:cluster";

/**
 * `--num_workers N`: N processes share the listening port (node:cluster). The primary only forks,
 * relays SIGTERM/SIGINT, and exits once every worker has; a worker that dies unasked is replaced.
 */
export function runPrimary(workerCount: number): Promise<number> {
  let isStopping = false;
  for (let index = 0; index < workerCount; index++) cluster.fork();
  cluster.on("exit", (worker, code, signal) => {
    if (isStopping) return;
    process.stderr.write(
      `llmgate: worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`,
    );
    cluster.fork();
  });
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      if (isStopping) return;
      isStopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
    cluster.on("exit", () => {
      if (isStopping && Object.keys(cluster.workers ?? {}).length === 0) resolve(0);
    });
  });
}

export function isWorker(): boolean {
  return cluster.isWorker;
}
