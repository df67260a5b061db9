/**
 * The Redis response cache through the real CLI: two proxies on one Redis share answers, entries
 * live under the namespace with their TTL, flushall leaves other Redis data alone, and Redis taken
 * down mid-run means misses (one warning, a metric), never a failed request, until it is back.
 * The Redis is the test's own redis-server on another port, killed and restarted here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pickFreePort } from "../fakes/proxy-process.js";
import { startTestRedis, type TestRedis } from "../fakes/redis-server.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { cacheKey, chat, isHit, startCacheGate, upstreamCount } from "./cache-helpers.js";
import { at, eventually, type Gate, uniqueName } from "./keys-helpers.js";

let upstream: FakeUpstream;
let redis: TestRedis;
let first: Gate;
let second: Gate;

const NAMESPACE = "llmgate-e2e";

beforeAll(async () => {
  [upstream, redis] = await Promise.all([startFakeUpstream(), startTestRedis()]);
  const cacheParams = { type: "redis", host: "127.0.0.1", port: redis.port, namespace: NAMESPACE, ttl: 120 };
  [first, second] = await Promise.all([
    startCacheGate(upstream, { cacheParams }),
    startCacheGate(upstream, { cacheParams }),
  ]);
});

afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
  await Promise.all([upstream?.close(), redis?.kill()]);
});

const ask = (on: Gate, text: string) => chat(on, { messages: [{ role: "user", content: text }] });
const chatCalls = () => upstreamCount(upstream, "/chat/completions");

describe("two proxies on one Redis", () => {
  it("answers from the other proxy's cache entry", async () => {
    const text = uniqueName("shared by proxies");
    const before = chatCalls();
    const miss = await ask(first, text);
    expect(isHit(miss)).toBe(false);
    // The entry is written just after the answer leaves: wait until it is in Redis.
    const client = redis.client();
    try {
      await eventually(async () =>
        (await client.exists(`${NAMESPACE}:${cacheKey(miss)}`)) === 1 ? true : undefined,
      );
    } finally {
      client.disconnect();
    }
    const hit = await ask(second, text);
    expect(isHit(hit)).toBe(true);
    expect(hit.body).toEqual(miss.body);
    expect(chatCalls() - before).toBe(1);
    const ping = await second.api("GET", "/cache/ping");
    expect(ping.status).toBe(200);
    expect(at(ping.body, "cache_type")).toBe("redis");
  });

  it("stores entries as <namespace>:<hash> with their TTL, and flushall removes only those", async () => {
    const client = redis.client();
    try {
      await client.set(`${NAMESPACE}:not-a-cache-entry`, "keep me");
      const answer = await ask(first, uniqueName("stored in redis"));
      const key = `${NAMESPACE}:${cacheKey(answer)}`;
      const ttl = await eventually(async () => {
        const seconds = await client.ttl(key);
        return seconds > 0 ? seconds : undefined;
      });
      expect(ttl).toBeLessThanOrEqual(120);
      expect(ttl).toBeGreaterThan(100);
      // A request's own namespace is flushed too.
      await chat(first, {
        messages: [{ role: "user", content: "own space" }],
        cache: { namespace: "own-space" },
      });
      await eventually(async () => ((await client.keys("own-space:*")).length > 0 ? true : undefined));
      expect((await first.api("POST", "/cache/flushall")).status).toBe(200);
      expect(await client.exists(key)).toBe(0);
      expect(await client.keys("own-space:*")).toEqual([]);
      expect(await client.get(`${NAMESPACE}:not-a-cache-entry`)).toBe("keep me");
    } finally {
      client.disconnect();
    }
  });
});

describe("Redis taken down mid-run", () => {
  it("answers every request as a miss with one warning and a metric, then hits again once Redis is back", async () => {
    const text = uniqueName("outage");
    await ask(first, text);
    await eventually(async () => (isHit(await ask(first, text)) ? true : undefined));
    await redis.kill();
    const before = chatCalls();
    for (let index = 0; index < 5; index++) {
      const answer = await ask(first, text);
      expect(answer.status).toBe(200);
      expect(isHit(answer)).toBe(false);
    }
    expect(chatCalls() - before).toBe(5);
    const warnings = (first.proxy.stdout() + first.proxy.stderr())
      .split("\n")
      .filter((line) => line.includes("response cache unreachable"));
    expect(warnings.length).toBe(1);
    const metrics = await first.api("GET", "/metrics");
    const errors = /llmgate_cache_errors_total\{action="read"\} (\d+)/.exec(String(metrics.body));
    expect(Number(errors?.[1])).toBeGreaterThanOrEqual(5);
    expect(String(metrics.body)).toMatch(/llmgate_cache_up 0/);
    const ping = await first.api("GET", "/cache/ping");
    expect(ping.status).toBe(503);
    expect(at(ping.body, "status")).toBe("unhealthy");

    await redis.restart();
    const again = uniqueName("after outage");
    await eventually(async () => {
      await ask(first, again);
      return isHit(await ask(second, again)) ? true : undefined;
    }, 15_000);
  }, 30_000);
});

describe("Redis unreachable from the start", () => {
  it("serves every request at once as a miss", async () => {
    const port = await pickFreePort();
    const gate = await startCacheGate(upstream, { cacheParams: { type: "redis", host: "127.0.0.1", port } });
    try {
      for (let index = 0; index < 3; index++) {
        const started = performance.now();
        const answer = await ask(gate, "no redis at all");
        expect(answer.status).toBe(200);
        expect(isHit(answer)).toBe(false);
        expect(performance.now() - started).toBeLessThan(500);
      }
      const ping = await gate.api("GET", "/cache/ping");
      expect(ping.status).toBe(503);
    } finally {
      await gate.stop();
    }
  });
});
