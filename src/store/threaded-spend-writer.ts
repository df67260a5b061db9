import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { SpendLogsTable } from "./schema.js";
import type { SpendBatchWriter } from "./spend-batch-writer.js";
import type { SpendThreadAnswer, SpendThreadRequest } from "./sqlite-spend-thread.js";

const threadScript = new URL("./sqlite-spend-thread.js", import.meta.url);

/**
 * Whether batches can be written on a thread: the thread's script is a built file, so not when the
 * TypeScript sources run directly (unit tests), nor for an in-memory database (one connection only).
 */
export function canWriteSpendOnThread(path: string): boolean {
  return path !== ":memory:" && existsSync(fileURLToPath(threadScript));
}

interface Pending {
  resolve(inserted: number): void;
  reject(error: Error): void;
}

/**
 * Writes spend batches on a worker thread with its own connection to the SQLite file. better-sqlite3
 * is synchronous: on the main thread, a 10 s flush under load held the event loop for ~8 ms per
 * 500 rows (more when a commit checkpoints the WAL), and requests in flight waited. The thread
 * starts with the first batch, is restarted after a failure, and keeps the process alive only while
 * a batch is being written (so a flush at shutdown completes).
 */
export class ThreadedSqliteSpendWriter implements SpendBatchWriter {
  readonly #path: string;
  readonly #pending = new Map<number, Pending>();
  #worker: Worker | undefined;
  #isClosed = false;
  #nextId = 1;

  constructor(path: string) {
    this.#path = path;
  }

  write(rows: readonly SpendLogsTable[]): Promise<number> {
    if (this.#isClosed) return Promise.reject(new Error("the spend writer is closed"));
    const worker = this.#worker ?? this.#start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.ref();
      const request: SpendThreadRequest = { id, rows: rows as SpendLogsTable[] };
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.#isClosed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
    this.#failAll(new Error("the spend writer thread was closed"));
  }

  #start(): Worker {
    const worker = new Worker(threadScript, { workerData: { path: this.#path } });
    worker.unref();
    worker.on("message", (answer: SpendThreadAnswer) => {
      const pending = this.#pending.get(answer.id);
      this.#pending.delete(answer.id);
      if (this.#pending.size === 0) worker.unref();
      if ("error" in answer)
        pending?.reject(Object.assign(new Error(answer.error.message), { code: answer.error.code }));
      else pending?.resolve(answer.inserted);
    });
    const stop = (error: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      this.#failAll(error);
    };
    worker.on("error", stop);
    worker.on("exit", (code) => stop(new Error(`the spend writer thread exited with code ${code}`)));
    this.#worker = worker;
    return worker;
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
