/**
 * The response cache end to end (local type, one proxy, master key): hits and misses counted at the
 * fake upstream, the key's sensitivity to each parameter, per-request controls, errors never cached,
 * text completions, and the management routes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { cacheKey, chat, isHit, startCacheGate, upstreamCount } from "./cache-helpers.js";
import { at, type Gate, sleep } from "./keys-helpers.js";

let upstream: FakeUpstream;
let gate: Gate;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gate = await startCacheGate(upstream);
});

afterAll(async () => {
  await gate?.stop();
  await upstream?.close();
});

beforeEach(async () => {
  const flushed = await gate.api("POST", "/cache/flushall");
  expect(flushed.status).toBe(200);
  upstream.clear();
});

describe("hits and misses", () => {
  it("answers the same request a second time from the cache, without calling the upstream", async () => {
    const first = await chat(gate, {});
    expect(first.status).toBe(200);
    expect(isHit(first)).toBe(false);
    const second = await chat(gate, {});
    expect(second.status).toBe(200);
    expect(isHit(second)).toBe(true);
    expect(second.body).toEqual(first.body);
    expect(cacheKey(second)).toBe(cacheKey(first));
    expect(cacheKey(first)).toMatch(/^[0-9a-f]{64}$/);
    expect(second.headers.get("x-llmgate-response-cost")).toBe("0");
    expect(upstreamCount(upstream, "/chat/completions")).toBe(1);
  });
});
