import cluster, { type Worker } from "node:cluster";

/**
 * What one worker of a `--num_workers` proxy tells the others (through the primary, which stamps
 * the sender): cache invalidations when there is no Redis to carry them, the spend it counted but
 * has not written yet, and what it wrote. `gone` comes from the primary when a worker exited.
 * Amounts are `[id, usd]` pairs, ids as the identity cache names them (`key:<hash>`, `user:<id>`,
 * `team:<id>`).
 */
export type PeerEvent =
  | { kind: "invalidate"; message: string }
  | { kind: "spent"; amounts: [string, number][] }
  | { kind: "written"; amounts: [string, number][] }
  | { kind: "gone" };

interface PeerMessage {
  llmgate: "peer";
  /** The sending worker's cluster id (0 from a worker: the primary fills it in). */
  from: number;
  event: PeerEvent;
}

function isPeerMessage(message: unknown): message is PeerMessage {
  return typeof message === "object" && message !== null && (message as PeerMessage).llmgate === "peer";
}

function sendTo(worker: Worker, message: PeerMessage): void {
  if (!worker.isConnected()) return;
  // A worker that is exiting may close its channel between the check and the send: nothing to do.
  worker.send(message, undefined, () => undefined);
}

/** In the primary: passes every worker's events on to all the others, and tells them when one is gone. */
export function relayBetweenWorkers(): void {
  cluster.on("message", (sender: Worker, message: unknown) => {
    if (!isPeerMessage(message)) return;
    const stamped: PeerMessage = { llmgate: "peer", from: sender.id, event: message.event };
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker !== undefined && worker !== sender) sendTo(worker, stamped);
    }
  });
  cluster.on("exit", (exited: Worker) => {
    const gone: PeerMessage = { llmgate: "peer", from: exited.id, event: { kind: "gone" } };
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker !== undefined && worker !== exited) sendTo(worker, gone);
    }
  });
}

/** In a worker: the events of the other workers, and a way to send ours. Messages keep their order. */
export class WorkerBus {
  publish(event: PeerEvent): void {
    if (process.send === undefined || !process.connected) return;
    const message: PeerMessage = { llmgate: "peer", from: 0, event };
    process.send(message, undefined, {}, () => undefined);
  }

  subscribe(handler: (from: number, event: PeerEvent) => void): void {
    process.on("message", (message: unknown) => {
      if (isPeerMessage(message)) handler(message.from, message.event);
    });
  }
}
