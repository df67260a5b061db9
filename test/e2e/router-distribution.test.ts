/**
 * Load distribution through the real CLI, 1,000 requests per strategy against fake upstreams:
 * simple-shuffle follows the weights, least-busy keeps in-flight requests balanced across
 * deployments of different speeds, usage-based never sends a deployment more than its rpm.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeUpstream, RecordedRequest } from "../fakes/upstream.js";
import {
  attempts,
  awayFromMinuteEnd,
  chatBody,
  completionBody,
  type RouterProxy,
  runPool,
  startRouterProxy,
  startUpstreams,
} from "./router-helpers.js";

const TOTAL = 1000;

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`missing ${what}`);
  return value;
}

/** The most requests an upstream had open at once, when each took `delayMs` to answer. */
function maxInFlight(requests: readonly RecordedRequest[], delayMs: number): number {
  const arrivals = requests.map((request) => request.receivedAt).sort((x, y) => x - y);
  let max = 0;
  let oldest = 0;
  for (let index = 0; index < arrivals.length; index++) {
    const now = arrivals[index] ?? 0;
    while ((arrivals[oldest] ?? 0) + delayMs <= now) oldest++;
    max = Math.max(max, index - oldest + 1);
  }
  return max;
}

describe("simple-shuffle", () => {
  const weights = [1, 2, 7];
  let upstreams: FakeUpstream[] = [];
  let gateway: RouterProxy | undefined;

  beforeAll(async () => {
    upstreams = await startUpstreams(weights.length);
    gateway = await startRouterProxy({
      deployments: upstreams.map((upstream, index) => ({
        group: "weighted",
        apiBase: upstream.baseUrl,
        params: { weight: weights[index] },
      })),
      routerSettings: { routing_strategy: "simple-shuffle" },
    });
  }, 30_000);

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all(upstreams.map((upstream) => upstream.close()));
  });

  it("spreads 1,000 requests by weight, within a few percent", async () => {
    const { client } = required(gateway, "proxy");
    const answers = await runPool(TOTAL, 20, async (index) => {
      const answer = await client.chat.completions.create(chatBody("weighted", `n${index}`));
      return answer.choices[0]?.message.content;
    });
    expect(answers.filter((content, index) => content === `echo: n${index}`)).toHaveLength(TOTAL);
    const counts = upstreams.map(attempts);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(TOTAL);
    const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
    counts.forEach((count, index) => {
      const expected = (weights[index] ?? 0) / totalWeight;
      // 4.5 standard deviations of the share (4.3 to 6.5 points here): a fair draw misses it about
      // once in 100,000 runs, a weighting off by a tenth does not pass it.
      const tolerance = 4.5 * Math.sqrt((expected * (1 - expected)) / TOTAL);
      expect(Math.abs(count / TOTAL - expected), `deployment ${index}: ${count} of ${TOTAL}`).toBeLessThan(
        tolerance,
      );
    });
  }, 20_000);
});

describe("least-busy", () => {
  const delays = [50, 200, 800];
  const concurrency = 30;
  let upstreams: FakeUpstream[] = [];
  let gateway: RouterProxy | undefined;

  beforeAll(async () => {
    upstreams = await startUpstreams(delays.length);
    upstreams.forEach((upstream, index) => {
      upstream.setDefault({ kind: "json", body: completionBody(`from ${index}`), delayMs: delays[index] });
    });
    gateway = await startRouterProxy({
      deployments: upstreams.map((upstream) => ({ group: "busy", apiBase: upstream.baseUrl })),
      routerSettings: { routing_strategy: "least-busy" },
    });
  }, 30_000);

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all(upstreams.map((upstream) => upstream.close()));
  });

  it("keeps in-flight requests balanced: the fast deployment takes more, none piles up", async () => {
    const { client } = required(gateway, "proxy");
    const answers = await runPool(TOTAL, concurrency, async () => {
      const answer = await client.chat.completions.create(chatBody("busy"));
      return answer.choices[0]?.message.content;
    });
    expect(answers.filter((content) => content?.startsWith("from ") === true)).toHaveLength(TOTAL);
    const counts = upstreams.map(attempts);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(TOTAL);
    // Balanced in-flight means throughput in proportion to speed (ideally 762, 190 and 48; less
    // steep when the proxy, not the upstreams, is the bottleneck); a random pick would give ~333 each.
    const [fast = 0, medium = 0, slow = 0] = counts;
    const isBySpeed = fast > medium && medium > slow && fast > 2.5 * slow && slow > 0;
    expect(isBySpeed, `requests per deployment: ${counts.join(", ")}`).toBe(true);
    // An even share is concurrency / 3 = 10 open requests each; a random pick would pile ~20 on the slow one.
    const peaks = upstreams.map((upstream, index) => maxInFlight(upstream.requests, delays[index] ?? 0));
    for (const peak of peaks)
      expect(peak, `peak in-flight per deployment: ${peaks.join(", ")}`).toBeLessThanOrEqual(14);
  }, 20_000);
});

describe("usage-based-routing", () => {
  const limits = [100, 200, 300];
  let upstreams: FakeUpstream[] = [];
  let gateway: RouterProxy | undefined;

  beforeAll(async () => {
    upstreams = await startUpstreams(limits.length);
    gateway = await startRouterProxy({
      deployments: upstreams.map((upstream, index) => ({
        group: "limited",
        apiBase: upstream.baseUrl,
        params: { rpm: limits[index] },
      })),
      routerSettings: { routing_strategy: "usage-based-routing" },
    });
  }, 30_000);

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all(upstreams.map((upstream) => upstream.close()));
  });

  it("never sends a deployment more than its rpm; the rest get a clear 429", async () => {
    const { client } = required(gateway, "proxy");
    await awayFromMinuteEnd(12);
    const outcomes = await runPool(TOTAL, 20, async () => {
      try {
        await client.chat.completions.create(chatBody("limited"));
        return "ok";
      } catch (error) {
        if (
          error instanceof OpenAI.APIError &&
          error.status === 429 &&
          /rpm\/tpm limit/.test(error.message)
        ) {
          return "limited";
        }
        throw error;
      }
    });
    expect(upstreams.map(attempts)).toEqual(limits);
    expect(outcomes.filter((outcome) => outcome === "ok")).toHaveLength(600);
    expect(outcomes.filter((outcome) => outcome === "limited")).toHaveLength(400);
  }, 60_000);
});
