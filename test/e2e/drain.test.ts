/**
 * Graceful drain of the real CLI: SIGTERM to the whole process group (as `kill -- -PGID`, systemd
 * and supervisors do) while clients keep requests in flight on keep-alive connections.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import OpenAI from "openai";
import { Agent, Client } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { defaultCliPath, pickFreePort, repositoryRoot } from "../fakes/proxy-process.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";

const MASTER_KEY = "sk-drain-master";

interface Launched {
  url: string;
  child: ChildProcess;
  stderr(): string;
  /** Resolves the exit code and when it came (Date.now()). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  dir: string;
}

let upstream: FakeUpstream;
const launched: Launched[] = [];

beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(async () => {
  await upstream.close();
});
afterEach(async () => {
  for (const proxy of launched.splice(0)) {
    if (proxy.child.exitCode === null && proxy.child.signalCode === null) {
      try {
        process.kill(-(proxy.child.pid as number), "SIGKILL");
      } catch {}
      await proxy.exited;
    }
    await rm(proxy.dir, { recursive: true, force: true });
  }
  upstream.clear();
  upstream.setDefault({ kind: "default" });
});

/** The CLI in a process group of its own (the launcher and the node it starts), on SQLite in a temp dir. */
async function launch(extraGeneral: string, args: string[] = [], reusedDir?: string): Promise<Launched> {
  const dir = reusedDir ?? (await mkdtemp(join(tmpdir(), "llmgate-drain-")));
  const config = `model_list:
  - model_name: m
    litellm_params:
      model: openai/m
      api_base: ${upstream.baseUrl}
      api_key: upstream-key
general_settings:
  master_key: ${MASTER_KEY}
${extraGeneral.includes("proxy_batch_write_at") ? "" : "  proxy_batch_write_at: 60\n"}${extraGeneral}`;
  const configPath = join(dir, "config.yaml");
  await writeFile(configPath, config);
  const port = await pickFreePort();
  const child = spawn(
    process.execPath,
    [defaultCliPath, "--config", configPath, "--port", String(port), ...args],
    {
      cwd: repositoryRoot,
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const proxy: Launched = { url: `http://127.0.0.1:${port}`, child, stderr: () => stderr, exited, dir };
  if (reusedDir === undefined) launched.push(proxy);
  else launched.unshift({ ...proxy, dir: await mkdtemp(join(tmpdir(), "llmgate-drain-unused-")) });
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      if ((await fetch(`${proxy.url}/health/readiness`)).status === 200) return proxy;
    } catch {}
    if (Date.now() > deadline) throw new Error(`the proxy did not start:\n${stderr}`);
    await sleep(100);
  }
}

function signalGroup(proxy: Launched, signal: NodeJS.Signals = "SIGTERM"): number {
  process.kill(-(proxy.child.pid as number), signal);
  return Date.now();
}

async function virtualKey(proxy: Launched): Promise<string> {
  const response = await fetch(`${proxy.url}/key/generate`, {
    method: "POST",
    headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
    body: "{}",
  });
  return ((await response.json()) as { key: string }).key;
}

function spendRows(proxy: Launched): number {
  const database = new Database(join(proxy.dir, "llmgate.db"), { readonly: true });
  try {
    return (database.prepare("select count(*) as n from spend_logs").get() as { n: number }).n;
  } finally {
    database.close();
  }
}

/** The code of the connection failure under an openai APIConnectionError, if that is what it is. */
function connectionCode(error: unknown): string | undefined {
  if (!(error instanceof OpenAI.APIConnectionError)) return undefined;
  let cause: unknown = error.cause;
  for (let depth = 0; depth < 4 && cause !== undefined; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string") return code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return "unknown";
}

interface LoadResult {
  answered: number;
  /** Answers that came after the signal: each client's request in flight at it, at least. */
  answeredAfterSignal: number;
  /** Requests sent before the signal that did not get their answer. */
  lostBeforeSignal: string[];
  /** After the signal: refused connections (the listener is closed), 503s, anything else. */
  refused: number;
  unavailable: number;
  other: string[];
}

/** `clients` loops of chat calls on keep-alive connections; the signal goes after `signalAfter` answers. */
async function loadThenSignal(proxy: Launched, clients: number, signalAfter: number): Promise<LoadResult> {
  const apiKey = await virtualKey(proxy);
  const result: LoadResult = {
    answered: 0,
    answeredAfterSignal: 0,
    lostBeforeSignal: [],
    refused: 0,
    unavailable: 0,
    other: [],
  };
  let signalledAt: number | undefined;
  const loop = async () => {
    // One keep-alive connection per client, opened before the load: what is sent before the signal
    // travels on a connection the proxy had accepted. (A connection still in the listen backlog when
    // the listener closes is refused by the kernel: no server can answer it.)
    const connection = new Agent({ connections: 1 });
    const client = new OpenAI({
      apiKey,
      baseURL: `${proxy.url}/v1`,
      maxRetries: 0,
      fetchOptions: { dispatcher: connection } as never,
    });
    await client.models.list();
    for (;;) {
      const sentAt = Date.now();
      try {
        await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] });
        result.answered++;
        if (signalledAt !== undefined) result.answeredAfterSignal++;
      } catch (error) {
        const isBefore = signalledAt === undefined || sentAt < signalledAt;
        const code = connectionCode(error);
        if (isBefore) result.lostBeforeSignal.push(String(code ?? error));
        else if (code === "ECONNREFUSED" || code === "ECONNRESET")
          result.refused++; // a new connection, after the listener closed
        else if (error instanceof OpenAI.APIError && error.status === 503) result.unavailable++;
        else result.other.push(String(code ?? error));
        await connection.close();
        return;
      }
      if (result.answered >= signalAfter && signalledAt === undefined) signalledAt = signalGroup(proxy);
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));
  return result;
}

describe("graceful drain", () => {
  it("answers every request in flight at SIGTERM to the process group, writes every spend row, and exits 0", async () => {
    upstream.setDefault({ kind: "slow-first-byte", delayMs: 150 });
    const proxy = await launch("");
    const result = await loadThenSignal(proxy, 8, 12);
    const exit = await proxy.exited;
    expect(exit.code).toBe(0);
    expect(result.lostBeforeSignal).toEqual([]);
    expect(result.other).toEqual([]);
    expect(result.answered).toBeGreaterThanOrEqual(20);
    expect(result.answeredAfterSignal).toBeGreaterThanOrEqual(7);
    // One signal, though both the launcher and the node it started received it.
    expect(proxy.stderr().match(/finishing open requests/g)).toHaveLength(1);
    expect(proxy.stderr()).not.toMatch(/again/);
    expect(spendRows(proxy)).toBe(result.answered);
  }, 60_000);

  it("lets a stream finish, answers readiness 503 on an open connection, and closes idle connections", async () => {
    const chunks = Array.from({ length: 10 }, (_, index) => ({
      id: "chatcmpl-drain",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      choices: [{ index: 0, delta: { content: `w${index} ` }, finish_reason: index === 9 ? "stop" : null }],
    }));
    upstream.script({ kind: "stream", chunks, delayMs: 100 });
    const proxy = await launch("");
    const keptAlive = new Client(proxy.url, { pipelining: 1 });
    expect((await keptAlive.request({ path: "/health/readiness", method: "GET" })).statusCode).toBe(200);
    const idle = connect(Number(new URL(proxy.url).port), "127.0.0.1");
    await new Promise((resolve) => idle.once("connect", resolve));
    const idleClosed = new Promise<number>((resolve) => idle.once("close", () => resolve(Date.now())));

    const client = new OpenAI({ apiKey: MASTER_KEY, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    let signalledAt = 0;
    let readiness: { status: number; body: unknown; connection: unknown } | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (signalledAt === 0) {
        signalledAt = signalGroup(proxy);
        await sleep(50);
        const answer = await keptAlive.request({ path: "/health/readiness", method: "GET" });
        readiness = {
          status: answer.statusCode,
          body: await answer.body.json(),
          connection: answer.headers.connection,
        };
      }
    }
    expect(text).toBe(chunks.map((chunk) => chunk.choices[0]?.delta.content).join(""));
    expect(readiness).toEqual({
      status: 503,
      body: { status: "draining", db: "connected" },
      connection: "close",
    });
    expect((await idleClosed) - signalledAt).toBeLessThan(2_000);
    expect((await proxy.exited).code).toBe(0);
    await keptAlive.close();
  }, 30_000);

  it("stops what is still open at graceful_shutdown_timeout with a clean 503, then exits 0", async () => {
    upstream.setDefault({ kind: "hang" });
    const proxy = await launch("  graceful_shutdown_timeout: 1\n");
    const client = new OpenAI({ apiKey: MASTER_KEY, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
    const plain = client.chat.completions
      .create({ model: "m", messages: [{ role: "user", content: "hi" }] })
      .catch((error: unknown) => error);
    await upstream.waitForRequests(1);
    const signalledAt = signalGroup(proxy);
    const error = await plain;
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe("proxy_shutting_down");
    const exit = await proxy.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(5_000);
    expect(spendRows(proxy)).toBe(1);
  }, 30_000);

  it("ends a stream still open at the deadline with an error event", async () => {
    upstream.setDefault({
      kind: "stream",
      chunks: [
        {
          id: "c",
          object: "chat.completion.chunk",
          created: 1,
          model: "m",
          choices: [{ index: 0, delta: { content: "partial" }, finish_reason: null }],
        },
        "",
      ],
      delayMs: 60_000,
    });
    const proxy = await launch("  graceful_shutdown_timeout: 1\n");
    const response = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }], stream: true }),
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain("partial");
    signalGroup(proxy);
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toContain("proxy_shutting_down");
    expect((await proxy.exited).code).toBe(0);
  }, 30_000);

  it("exits at once on a second signal", async () => {
    upstream.setDefault({ kind: "hang" });
    const proxy = await launch("");
    const client = new OpenAI({ apiKey: MASTER_KEY, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
    const pending = client.chat.completions
      .create({ model: "m", messages: [{ role: "user", content: "hi" }] })
      .catch((error: unknown) => error);
    await upstream.waitForRequests(1);
    signalGroup(proxy);
    await sleep(1_500);
    expect(proxy.child.exitCode).toBeNull();
    const againAt = signalGroup(proxy);
    const exit = await proxy.exited;
    expect(exit.at - againAt).toBeLessThan(4_000);
    expect(proxy.stderr()).toMatch(/again/);
    await pending;
  }, 30_000);

  it("drains every worker with --num_workers 2", async () => {
    upstream.setDefault({ kind: "slow-first-byte", delayMs: 150 });
    const proxy = await launch("", ["--num_workers", "2"]);
    const result = await loadThenSignal(proxy, 6, 10);
    const exit = await proxy.exited;
    expect(exit.code).toBe(0);
    expect(result.lostBeforeSignal).toEqual([]);
    expect(result.other).toEqual([]);
    expect(spendRows(proxy)).toBe(result.answered);
  }, 60_000);

  it("SIGKILL mid-load: rows written match the answers given, bar the last moments, and a restart writes none twice", async () => {
    upstream.setDefault({ kind: "slow-first-byte", delayMs: 20 });
    const proxy = await launch("  proxy_batch_write_at: 0.2\n");
    const client = new OpenAI({ apiKey: await virtualKey(proxy), baseURL: `${proxy.url}/v1`, maxRetries: 0 });
    let answered = 0;
    let isKilled = false;
    const loop = async () => {
      while (!isKilled) {
        try {
          await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] });
          answered++;
        } catch {
          return;
        }
      }
    };
    const loops = Array.from({ length: 8 }, loop);
    await sleep(1_500);
    isKilled = true;
    signalGroup(proxy, "SIGKILL");
    await Promise.all(loops);
    await proxy.exited;
    const written = spendRows(proxy);
    // Rows are written every 0.2 s: what was answered in the last moments before the kill is lost.
    // A row may also exist for an answer still on its way to the client at the kill (8 clients).
    expect(written).toBeLessThanOrEqual(answered + 8);
    expect(written).toBeGreaterThan(answered * 0.5);
    console.log(`SIGKILL mid-load: ${answered} answered before the kill, ${written} rows written`);
    const restarted = await launch("  proxy_batch_write_at: 0.2\n", [], proxy.dir);
    await sleep(1_000);
    signalGroup(restarted);
    expect((await restarted.exited).code).toBe(0);
    const database = new Database(join(proxy.dir, "llmgate.db"), { readonly: true });
    const duplicates = database
      .prepare(
        "select count(*) as n from (select request_id from spend_logs group by request_id having count(*) > 1)",
      )
      .get() as { n: number };
    database.close();
    expect(duplicates.n).toBe(0);
    expect(spendRows(proxy)).toBe(written);
  }, 60_000);
});
