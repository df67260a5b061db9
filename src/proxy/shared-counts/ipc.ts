import cluster, { type Worker } from "node:cluster";

/**
 * Calls from a worker to its primary over node:cluster's IPC channel, so that the workers of one
 * proxy share one count (limits, cooldowns) without Redis. One message each way per call.
 */
interface CallMessage {
  llmgate: "call";
  id: number;
  target: string;
  method: string;
  args: unknown[];
}

interface ReplyMessage {
  llmgate: "reply";
  id: number;
  result?: unknown;
  error?: string;
}

/** What the primary serves: target name -> an object whose async methods take and return JSON values. */
export type IpcTargets = Readonly<Record<string, object>>;

function isCall(message: unknown): message is CallMessage {
  return typeof message === "object" && message !== null && (message as CallMessage).llmgate === "call";
}

/** In the primary: answers every worker's calls with `targets`. */
export function serveToWorkers(targets: IpcTargets): void {
  cluster.on("message", (worker: Worker, message: unknown) => {
    if (!isCall(message)) return;
    const target = targets[message.target] as Record<string, unknown> | undefined;
    const method = target?.[message.method];
    const reply = (fields: Omit<ReplyMessage, "llmgate" | "id">) => {
      if (worker.isConnected()) worker.send({ llmgate: "reply", id: message.id, ...fields });
    };
    if (typeof method !== "function") {
      reply({ error: `no ${message.target}.${message.method} in the primary` });
      return;
    }
    Promise.resolve(method.apply(target, message.args) as unknown).then(
      (result) => reply({ result }),
      (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
}

/** In a worker: the calling side. A call fails (it is not left waiting) when the primary is gone. */
export class PrimaryChannel {
  #nextId = 1;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  constructor() {
    process.on("message", (message: unknown) => {
      const reply = message as ReplyMessage;
      if (typeof reply !== "object" || reply === null || reply.llmgate !== "reply") return;
      const pending = this.#pending.get(reply.id);
      if (pending === undefined) return;
      this.#pending.delete(reply.id);
      if (reply.error !== undefined) pending.reject(new Error(reply.error));
      else pending.resolve(reply.result);
    });
    process.once("disconnect", () => {
      for (const pending of this.#pending.values()) pending.reject(new Error("the primary process is gone"));
      this.#pending.clear();
    });
  }

  call<T>(target: string, method: string, args: unknown[]): Promise<T> {
    const send = process.send?.bind(process);
    if (send === undefined || !process.connected)
      return Promise.reject(new Error("no primary process to ask"));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      const message: CallMessage = { llmgate: "call", id, target, method, args };
      send(message, undefined, {}, (error: Error | null) => {
        if (error === null) return;
        this.#pending.delete(id);
        reject(error);
      });
    });
  }
}
