/**
 * Faults end to end through the CLI: the database going away mid-load (a TCP cut between the proxy
 * and PostgreSQL, and the spend_logs table renamed away) must not stop requests being served, and the
 * spend rows are written once it is back; Redis going away leaves the limits held per proxy instead
 * of failing limited keys; SIGTERM or SIGINT mid-load loses no spend row.
 */
import { createServer, type Server, Socket } from "node:net";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProxy } from "../fakes/proxy-process.js";
import {
  createTestPostgresSchema,
  type TestPostgresSchema,
  testPostgresUrl,
  withSearchPath,
} from "../fakes/test-databases.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import {
  type ApiAnswer,
  awayFromMinuteEnd,
  chatBody,
  costOf,
  echoUsage,
  eventually,
  type Gate,
  gateConfig,
  gateOf,
  PRICED,
  sleep,
  tempFolder,
} from "./keys-helpers.js";

async function apiCallStatus(url: string, body: unknown): Promise<number> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

/** A TCP forwarder to PostgreSQL that a test can cut (every connection dropped, new ones refused). */
interface Cable {
  port: number;
  cut(): Promise<void>;
  mend(): Promise<void>;
  close(): Promise<void>;
}

async function startCable(targetPort: number): Promise<Cable> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const created = createServer((client) => {
        const upstreamSocket = new Socket();
        upstreamSocket.connect(targetPort, "127.0.0.1");
        for (const socket of [client, upstreamSocket]) {
          sockets.add(socket);
          socket.on("close", () => sockets.delete(socket));
          socket.on("error", () => {});
        }
        client.pipe(upstreamSocket).pipe(client);
        client.on("close", () => upstreamSocket.destroy());
        upstreamSocket.on("close", () => client.destroy());
      });
      created.once("error", reject);
      created.listen(port, "127.0.0.1", () => {
        const address = created.address();
        if (typeof address === "object" && address !== null) port = address.port;
        server = created;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      const current = server;
      server = undefined;
      for (const socket of sockets) socket.destroy();
      if (current === undefined) resolve();
      else current.close(() => resolve());
    });
  await listen();
  return { port, cut: stop, mend: listen, close: stop };
}

let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream();
});

afterAll(async () => {
  await upstream?.close();
});

/** Sends chat requests with `concurrency` workers until `until()` is true; every answer, in order. */
async function load(
  gate: Gate,
  key: string,
  concurrency: number,
  until: () => boolean,
): Promise<ApiAnswer[]> {
  const answers: ApiAnswer[] = [];
  const worker = async () => {
    while (!until()) {
      try {
        answers.push(await gate.api("POST", "/v1/chat/completions", chatBody("priced", "under load"), key));
      } catch {
        // Connection refused once the proxy stopped listening: not an accepted request.
        await sleep(20);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return answers;
}

async function postgresQuery<Row extends pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

function callIds(answers: readonly ApiAnswer[]): string[] {
  return answers.map((answer) => String(answer.headers.get("x-llmgate-call-id")));
}

describe("the database going away mid-load", () => {
  let schema: TestPostgresSchema;
  let cable: Cable;
  let gate: Gate;

  beforeAll(async () => {
    schema = await createTestPostgresSchema();
    const target = new URL(testPostgresUrl());
    cable = await startCable(Number(target.port === "" ? 5432 : target.port));
    const throughCable = new URL(testPostgresUrl());
    throughCable.port = String(cable.port);
    const config = gateConfig({
      upstreamBaseUrl: upstream.baseUrl,
      general: {
        database_url: withSearchPath(throughCable.toString(), schema.name),
        proxy_batch_write_at: 0.2,
        // Short, so cache entries expire during the outage and must be served from memory.
        user_api_key_cache_ttl: 0.5,
      },
    });
    gate = gateOf(await startProxy({ config, env: { REDIS_URL: "" } }));
  });

  afterAll(async () => {
    await gate?.stop();
    await cable?.close();
    await schema?.drop();
  });

  it("serves requests while PostgreSQL is unreachable and writes their spend once it is back", async () => {
    const { key, token } = await gate.newKey({ max_budget: 100 });
    const cold = await gate.newKey({});
    expect(
      (await gate.api("POST", "/v1/chat/completions", chatBody("priced", "under load"), key)).status,
    ).toBe(200);
    let isDone = false;
    const running = load(gate, key, 8, () => isDone);
    await sleep(500);
    await cable.cut();
    await sleep(1200);
    // A key never seen before cannot be checked: 503, and the proxy stays up.
    const unchecked = await gate.api("POST", "/v1/chat/completions", chatBody("priced"), cold.key);
    expect(unchecked.status).toBe(503);
    await sleep(1300);
    await cable.mend();
    await sleep(300);
    isDone = true;
    const answers = await running;
    const statuses = new Map<number, number>();
    for (const answer of answers) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    expect(Object.fromEntries(statuses)).toEqual({ 200: answers.length });
    expect(answers.length).toBeGreaterThan(20);

    const ids = callIds(answers);
    const stored = await eventually(async () => {
      const rows = await postgresQuery<{ request_id: string; spend: number }>(
        schema.url,
        "select request_id, spend from spend_logs where api_key = $1",
        [token],
      );
      return rows.length >= ids.length + 1 ? rows : undefined;
    }, 20_000);
    const storedIds = new Set(stored.map((row) => row.request_id));
    for (const id of ids) expect(storedIds.has(id)).toBe(true);
    // The outage shows in the metrics: failed writes, nothing dropped, nothing left queued.
    const metrics = String((await gate.api("GET", "/metrics")).body);
    const metric = (name: string) => Number(metrics.match(new RegExp(`^${name} (\\S+)$`, "m"))?.[1]);
    expect(metric("llmgate_spend_write_failures")).toBeGreaterThan(0);
    expect(metric("llmgate_spend_rows_dropped")).toBe(0);
    expect(metric("llmgate_spend_queue_rows")).toBe(0);
    const [keyRow] = await postgresQuery<{ spend: number }>(
      schema.url,
      "select spend from keys where token_hash = $1",
      [token],
    );
    expect(Number(keyRow?.spend)).toBeCloseTo((ids.length + 1) * costOf(echoUsage("under load"), PRICED), 10);
  });

  it("keeps serving while spend_logs is renamed away, and writes the rows once it is back", async () => {
    const { key, token } = await gate.newKey({});
    let isDone = false;
    const running = load(gate, key, 4, () => isDone);
    await sleep(300);
    await postgresQuery(schema.url, "alter table spend_logs rename to spend_logs_away");
    await sleep(1500);
    await postgresQuery(schema.url, "alter table spend_logs_away rename to spend_logs");
    isDone = true;
    const answers = await running;
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const ids = callIds(answers);
    await eventually(async () => {
      const rows = await postgresQuery<{ count: string }>(
        schema.url,
        "select count(*) as count from spend_logs where api_key = $1",
        [token],
      );
      return Number(rows[0]?.count) === ids.length ? true : undefined;
    }, 20_000);
  });
});

describe("PostgreSQL down when the proxy starts", () => {
  it("serves at once, says so in /health/readiness, and checks keys and writes spend once it answers", {
    timeout: 60_000,
  }, async () => {
    const schema = await createTestPostgresSchema();
    const target = new URL(testPostgresUrl());
    const cable = await startCable(Number(target.port === "" ? 5432 : target.port));
    await cable.cut();
    const throughCable = new URL(testPostgresUrl());
    throughCable.port = String(cable.port);
    const config = gateConfig({
      upstreamBaseUrl: upstream.baseUrl,
      general: {
        database_url: withSearchPath(throughCable.toString(), schema.name),
        proxy_batch_write_at: 0.2,
      },
    });
    const gate = gateOf(await startProxy({ config, env: { REDIS_URL: "" } }));
    try {
      const readiness = await gate.api("GET", "/health/readiness");
      expect(readiness).toMatchObject({
        status: 503,
        body: { status: "waiting for the database", db: "unreachable" },
      });
      // The master key is served meanwhile; a virtual key cannot be checked (503, not a crash).
      const served = await gate.api("POST", "/v1/chat/completions", chatBody("priced"));
      expect(served.status).toBe(200);
      expect((await gate.api("POST", "/v1/chat/completions", chatBody("priced"), "sk-unknown")).status).toBe(
        503,
      );
      await cable.mend();
      await eventually(
        async () => ((await gate.api("GET", "/health/readiness")).status === 200 ? true : undefined),
        15_000,
      );
      expect((await gate.api("GET", "/health/readiness")).body).toEqual({
        status: "healthy",
        db: "connected",
      });
      const { key, token } = await gate.newKey({});
      expect((await gate.api("POST", "/v1/chat/completions", chatBody("priced"), key)).status).toBe(200);
      const rows = await eventually(async () => {
        const found = await postgresQuery<{ api_key: string }>(
          schema.url,
          "select api_key from spend_logs",
          [],
        );
        return found.length >= 2 ? found : undefined;
      }, 15_000);
      // The request answered while the database was away is written too.
      expect(rows.map((row) => row.api_key)).toContain(token);
      expect(rows).toHaveLength(2);
      expect(gate.proxy.stderr() + gate.proxy.stdout()).toMatch(/PostgreSQL does not answer/);
    } finally {
      await gate.stop();
      await cable.close();
      await schema.drop();
    }
  });
});

describe("Redis going away mid-load", () => {
  it("keeps serving rate-limited keys (limits then held per proxy) and shares them again once it is back", {
    timeout: 60_000,
  }, async () => {
    const cable = await startCable(6379);
    const config = gateConfig({
      upstreamBaseUrl: upstream.baseUrl,
      general: { database_url: ":memory:" },
      router: { redis_url: `redis://127.0.0.1:${cable.port}` },
    });
    const gate = gateOf(await startProxy({ config, env: { REDIS_URL: "" } }));
    try {
      await awayFromMinuteEnd(15);
      const { key } = await gate.newKey({ rpm_limit: 4, max_parallel_requests: 50 });
      const call = () => gate.api("POST", "/v1/chat/completions", chatBody("priced"), key);
      const statuses = (answers: ApiAnswer[]) => answers.map((answer) => answer.status).sort();
      expect((await call()).status).toBe(200); // counted in Redis: 1 of 4
      await cable.cut();
      const startedAt = Date.now();
      // Served, not failed: the limit is now held in this proxy's memory (4 a minute, from zero).
      const during = await Promise.all(Array.from({ length: 6 }, call));
      expect(statuses(during)).toEqual([200, 200, 200, 200, 429, 429]);
      expect(Date.now() - startedAt).toBeLessThan(3000);
      await cable.mend();
      // Local counters are full: the first 200 comes from Redis again (2 of 4), then 3, 4, refused.
      await eventually(async () => ((await call()).status === 200 ? true : undefined), 10_000);
      expect([(await call()).status, (await call()).status, (await call()).status]).toEqual([200, 200, 429]);
      // One line when it went (however many clients and reconnection attempts saw it), one when back.
      const stderr = gate.proxy.stderr() + gate.proxy.stdout();
      expect(stderr.match(/Redis unreachable/g)).toHaveLength(1);
      expect(stderr.match(/Redis is back/g)).toHaveLength(1);
      expect(stderr).not.toMatch(/Redis error|Redis command failed|Redis connection error/);
    } finally {
      await gate.stop();
      await cable.close();
    }
  });
});

describe("Redis unreachable from the start", () => {
  it("serves every request, cools a failing deployment down in this process, and says so once", {
    timeout: 60_000,
  }, async () => {
    const failing = await startFakeUpstream();
    failing.setDefault({ kind: "error", status: 500 });
    const closed = await startCable(1); // a port that refuses: nothing listens on 1
    await closed.cut();
    const config = `model_list:
  - model_name: m
    litellm_params: { model: openai/m, api_base: "${failing.baseUrl}", api_key: k }
  - model_name: m
    litellm_params: { model: openai/m, api_base: "${upstream.baseUrl}", api_key: k }
router_settings:
  redis_url: redis://127.0.0.1:${closed.port}
  allowed_fails: 1
  cooldown_time: 60
  num_retries: 3
general_settings:
  database_url: ":memory:"
`;
    const proxy = await startProxy({ config, env: { REDIS_URL: "" } });
    try {
      const answers = [];
      for (let index = 0; index < 30; index++) {
        answers.push(await apiCallStatus(proxy.url, chatBody("m")));
      }
      expect(answers.every((status) => status === 200)).toBe(true);
      // Cooled down after its second failure, in this process's own counts: no more calls reach it.
      expect(failing.requests.length).toBeLessThanOrEqual(2);
      const output = proxy.stderr() + proxy.stdout();
      expect(output.match(/Redis unreachable/g)).toHaveLength(1);
      expect(output).not.toMatch(/Redis error|Redis command failed|Redis connection error/);
    } finally {
      await proxy.stop();
      await closed.close();
      await failing.close();
    }
  });
});

describe("a shutdown signal mid-load", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "%s: every answered request's spend row is written before exit; a restart reads them",
    async (signal) => {
      const folder = await tempFolder();
      try {
        const databaseUrl = `sqlite:${join(folder.path, "llmgate.db")}`;
        const config = gateConfig({
          upstreamBaseUrl: upstream.baseUrl,
          // A long interval: everything is still queued when the signal comes.
          general: { database_url: databaseUrl, proxy_batch_write_at: 60 },
        });
        upstream.setDefault({ kind: "slow-first-byte", delayMs: 50 });
        const gate = gateOf(await startProxy({ config, env: { REDIS_URL: "" } }));
        const { key, token } = await gate.newKey({});
        let isDone = false;
        const running = load(gate, key, 16, () => isDone);
        await sleep(1000);
        const exitCode = await gate.stop(signal);
        isDone = true;
        const answers = await running;
        upstream.setDefault({ kind: "default" });
        expect(exitCode).toBe(0);
        const accepted = answers.filter((answer) => answer.status === 200);
        expect(accepted.length).toBeGreaterThan(20);

        const { default: Sqlite } = await import("better-sqlite3");
        const file = new Sqlite(join(folder.path, "llmgate.db"), { readonly: true });
        const rows = file.prepare("select request_id from spend_logs where api_key = ?").all(token) as {
          request_id: string;
        }[];
        const spend = file.prepare("select spend from keys where token_hash = ?").get(token) as {
          spend: number;
        };
        file.close();
        const stored = new Set(rows.map((row) => row.request_id));
        // Requests that reached the handler carry a call id; those refused while closing (503) do not.
        const handled = answers.filter((answer) => answer.headers.get("x-llmgate-call-id") !== null);
        expect(handled.length).toBeGreaterThanOrEqual(accepted.length);
        for (const id of callIds(handled)) expect(stored.has(id)).toBe(true);
        for (const answer of answers) expect([200, 503]).toContain(answer.status);
        expect(spend.spend).toBeCloseTo(accepted.length * costOf(echoUsage("under load"), PRICED), 10);

        const restarted = gateOf(await startProxy({ config, env: { REDIS_URL: "" } }));
        try {
          const info = await restarted.api("GET", `/key/info?key=${key}`);
          expect(info.status).toBe(200);
          expect((info.body as { info: { spend: number } }).info.spend).toBeCloseTo(spend.spend, 12);
        } finally {
          await restarted.stop();
        }
      } finally {
        upstream.setDefault({ kind: "default" });
        await folder.remove();
      }
    },
  );
});
