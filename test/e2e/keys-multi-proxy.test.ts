/**
 * Two proxies (the real CLI) on one PostgreSQL schema and one Redis: a key's rpm_limit holds across
 * both, spend from both adds up exactly, and a key blocked on one is refused by the other at once
 * (Redis invalidation). Without Redis, the other proxy sees the change within the cache TTL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProxy } from "../fakes/proxy-process.js";
import { createTestPostgresSchema, type TestPostgresSchema } from "../fakes/test-databases.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import {
  awayFromMinuteEnd,
  chatBody,
  costOf,
  echoUsage,
  eventually,
  type Gate,
  gateConfig,
  gateOf,
  numberAt,
  PRICED,
  type SpendLogRow,
} from "./keys-helpers.js";

let upstream: FakeUpstream;
const schemas: TestPostgresSchema[] = [];
const gates: Gate[] = [];

async function startPair(options: { redis: boolean; cacheTtlSeconds?: number }): Promise<[Gate, Gate]> {
  const schema = await createTestPostgresSchema();
  schemas.push(schema);
  const config = gateConfig({
    upstreamBaseUrl: upstream.baseUrl,
    general: {
      database_url: schema.url,
      proxy_batch_write_at: 1,
      ...(options.cacheTtlSeconds === undefined ? {} : { user_api_key_cache_ttl: options.cacheTtlSeconds }),
    },
    router: options.redis ? { redis_url: "redis://127.0.0.1:6379" } : {},
  });
  // Both start at once, racing on the migrations as a real deployment would.
  const [first, second] = await Promise.all([
    startProxy({ config, env: { REDIS_URL: "" } }),
    startProxy({ config, env: { REDIS_URL: "" } }),
  ]);
  const pair: [Gate, Gate] = [gateOf(first), gateOf(second)];
  gates.push(...pair);
  return pair;
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
});

afterAll(async () => {
  await Promise.all(gates.map((gate) => gate.stop()));
  await upstream?.close();
  await Promise.all(schemas.map((schema) => schema.drop()));
});

describe("two proxies on PostgreSQL + Redis", () => {
  let first: Gate;
  let second: Gate;

  beforeAll(async () => {
    [first, second] = await startPair({ redis: true });
  });

  it("a key's rpm_limit holds across both under 200 concurrent requests; spend adds up exactly", {
    timeout: 60_000,
  }, async () => {
    await awayFromMinuteEnd(20);
    const limit = 40;
    const { key, token } = await first.newKey({ rpm_limit: limit });
    const text = "split between two proxies";
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        (index % 2 === 0 ? first : second).api("POST", "/v1/chat/completions", chatBody("priced", text), key),
      ),
    );
    const accepted = answers.filter((answer) => answer.status === 200);
    const refused = answers.filter((answer) => answer.status === 429);
    expect(accepted.length).toBeLessThanOrEqual(limit);
    expect(accepted.length).toBe(limit);
    expect(accepted.length + refused.length).toBe(200);
    // Both proxies served some.
    expect(
      answers.filter((answer, index) => index % 2 === 0 && answer.status === 200).length,
    ).toBeGreaterThan(0);
    expect(
      answers.filter((answer, index) => index % 2 === 1 && answer.status === 200).length,
    ).toBeGreaterThan(0);

    const expected = limit * costOf(echoUsage(text), PRICED);
    for (const gate of [first, second]) {
      // Each proxy writes its own queued rows on read; the other flushes within a second.
      const spend = await eventually(async () => {
        const info = await gate.api("GET", `/key/info?key=${key}`);
        const value = numberAt(info.body, "info", "spend");
        return Math.abs(value - expected) < 1e-9 ? value : undefined;
      });
      expect(spend).toBeCloseTo(expected, 10);
    }
    const rows = await eventually(async () => {
      const logs = await first.api("GET", `/spend/logs?api_key=${token}&limit=1000`);
      const list = logs.body as SpendLogRow[];
      return list.length === 200 ? list : undefined;
    });
    expect(rows.filter((row) => row.status === "success")).toHaveLength(limit);
    const ids = new Set(answers.map((answer) => answer.headers.get("x-llmgate-call-id")));
    expect(new Set(rows.map((row) => row.request_id))).toEqual(ids);
    const total = rows.reduce((sum, row) => sum + row.spend, 0);
    expect(total).toBeCloseTo(expected, 10);
  });

  it("a key blocked on one proxy is refused by the other at once (Redis invalidation)", async () => {
    const { key } = await first.newKey({});
    const call = (gate: Gate) => gate.api("POST", "/v1/chat/completions", chatBody("priced"), key);
    expect((await call(first)).status).toBe(200);
    expect((await call(second)).status).toBe(200); // cached on the second proxy now
    expect((await first.api("POST", "/key/block", { key })).status).toBe(200);
    const startedAt = Date.now();
    await eventually(async () => ((await call(second)).status === 401 ? true : undefined), 3000);
    // Far quicker than the 5 s cache TTL.
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect((await first.api("POST", "/key/unblock", { key })).status).toBe(200);
    await eventually(async () => ((await call(second)).status === 200 ? true : undefined), 3000);
  });

  it("a key's spend through both proxies shows in the user and team too", async () => {
    const team = await first.api("POST", "/team/new", { team_alias: `multi-${Date.now()}` });
    const teamId = String((team.body as { team_id: string }).team_id);
    const { key } = await first.newKey({ team_id: teamId });
    const texts = ["one", "one two", "one two three"];
    let expected = 0;
    for (const [index, text] of texts.entries()) {
      const gate = index % 2 === 0 ? first : second;
      expect((await gate.api("POST", "/v1/chat/completions", chatBody("priced", text), key)).status).toBe(
        200,
      );
      expected += costOf(echoUsage(text), PRICED);
    }
    await eventually(async () => {
      const info = await second.api("GET", `/team/info?team_id=${teamId}`);
      const spend = JSON.stringify(info.body).match(/"spend":([0-9.e-]+)/)?.[1];
      return spend !== undefined && Math.abs(Number(spend) - expected) < 1e-12 ? true : undefined;
    });
  });
});

describe("two proxies on PostgreSQL without Redis", () => {
  it("a key blocked on one proxy is refused by the other within the cache TTL", async () => {
    const [first, second] = await startPair({ redis: false, cacheTtlSeconds: 1 });
    const { key } = await first.newKey({});
    const call = (gate: Gate) => gate.api("POST", "/v1/chat/completions", chatBody("priced"), key);
    expect((await call(second)).status).toBe(200);
    expect((await first.api("POST", "/key/block", { key })).status).toBe(200);
    expect((await call(first)).status).toBe(401); // at once where it was made
    const startedAt = Date.now();
    await eventually(async () => ((await call(second)).status === 401 ? true : undefined), 3000);
    expect(Date.now() - startedAt).toBeLessThanOrEqual(1500);
  });
});
