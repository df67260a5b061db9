/**
 * A Redis of a test's own: `redis-server` on a free loopback port, nothing saved to disk, started
 * and killed by the test (never the shared 6379 one), so a test can take Redis down mid-run.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { Redis } from "ioredis";
import { pickFreePort } from "./proxy-process.js";

export interface TestRedis {
  port: number;
  url: string;
  /** SIGKILL: Redis vanishes at once, as in a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty). */
  restart(): Promise<void>;
  /** A client of this Redis (the test closes it). */
  client(): Redis;
}

async function waitUntilReady(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
    probe.on("error", () => {});
    try {
      await probe.connect();
      await probe.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not start: ${String(error)}`);
    } finally {
      probe.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function spawnRedis(port: number): ChildProcess {
  return spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--protected-mode",
      "no",
    ],
    { stdio: "ignore" },
  );
}

export async function startTestRedis(): Promise<TestRedis> {
  const port = await pickFreePort();
  let child = spawnRedis(port);
  await waitUntilReady(port);
  const exited = (process: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (process.exitCode !== null || process.signalCode !== null) resolve();
      else process.once("exit", () => resolve());
    });
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: async () => {
      child.kill("SIGKILL");
      await exited(child);
    },
    restart: async () => {
      child = spawnRedis(port);
      await waitUntilReady(port);
    },
    client: () => new Redis({ port, host: "127.0.0.1" }),
  };
}
