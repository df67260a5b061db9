/**
 * A dead collector never slows a request: three proxies on one fake upstream, one without callbacks,
 * one whose Langfuse, OTLP and webhook collectors refuse connections, one whose collectors accept
 * and never answer. The same sequential requests go to each, in alternating rounds (the machine is
 * shared: noise hits all three alike); their median latencies stay within a few milliseconds, and
 * `llmgate_callback_events_dropped` counts what could not be delivered.
 */
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProxy } from "../fakes/proxy-process.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { eventually, type Gate, gateOf, MASTER_KEY, sleep } from "./keys-helpers.js";
import {
  type DeadCollectors,
  deadCollectors,
  observedConfig,
  type ParsedMetrics,
  scrape,
  total,
} from "./observability-helpers.js";

const WARMUP = 50;
const ROUNDS = 15;
const PER_ROUND = 20;
const CALLBACKS = ["langfuse", "otel", "generic_api"];
/** Generous: the three proxies share two cores with the test and the upstream. */
const P50_MARGIN_MS = 5;

interface Target {
  name: string;
  gate: Gate;
  agent: Agent;
  latencies: number[];
  sent: number;
}

let upstream: FakeUpstream;
let dead: DeadCollectors;
let targets: Target[];

function collectorEnv(url: string): Record<string, string> {
  return {
    LANGFUSE_HOST: url,
    LANGFUSE_PUBLIC_KEY: "pk-lf-dead",
    LANGFUSE_SECRET_KEY: "sk-lf-dead",
    OTEL_EXPORTER_OTLP_ENDPOINT: url,
    GENERIC_LOGGER_ENDPOINT: url,
  };
}

async function startTarget(name: string, env: Record<string, string> | undefined): Promise<Target> {
  const config = observedConfig({
    upstreamBaseUrl: upstream.baseUrl,
    litellm: env === undefined ? {} : { callbacks: CALLBACKS },
  });
  const gate = gateOf(await startProxy({ config, env: { ...env, REDIS_URL: "" } }));
  return { name, gate, agent: new Agent({ connections: 1 }), latencies: [], sent: 0 };
}

const BODY = JSON.stringify({ model: "priced", messages: [{ role: "user", content: "how fast" }] });

/** One chat completion on the target's kept-alive connection; its wall time in ms. */
async function timedCall(target: Target): Promise<number> {
  const started = performance.now();
  const response = await request(`${target.gate.url}/v1/chat/completions`, {
    method: "POST",
    dispatcher: target.agent,
    headers: { "content-type": "application/json", authorization: `Bearer ${MASTER_KEY}` },
    body: BODY,
  });
  await response.body.text();
  const elapsed = performance.now() - started;
  expect(response.statusCode).toBe(200);
  target.sent++;
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] as number;
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  dead = await deadCollectors();
  targets = await Promise.all([
    startTarget("no callbacks", undefined),
    startTarget("refusing collectors", collectorEnv(dead.refusedUrl)),
    startTarget("hanging collectors", collectorEnv(dead.hangingUrl)),
  ]);
  for (const target of targets) for (let index = 0; index < WARMUP; index++) await timedCall(target);
  // The first batches are on their way (the refused ones retrying, the hanging ones held open).
  await sleep(1500);
  for (let round = 0; round < ROUNDS; round++)
    for (const target of targets)
      for (let index = 0; index < PER_ROUND; index++) target.latencies.push(await timedCall(target));
}, 120_000);

afterAll(async () => {
  for (const target of targets ?? []) {
    await target.agent.close();
    await target.gate.stop();
  }
  await upstream?.close();
  await dead?.close();
});

describe("dead collectors", () => {
  it("do not slow requests: p50 within a few ms of a proxy without callbacks", () => {
    const [quiet, refused, hanging] = targets as [Target, Target, Target];
    const figures = targets.map(
      (target) =>
        `${target.name}: p50 ${median(target.latencies).toFixed(2)} ms, p90 ${percentile(target.latencies, 0.9).toFixed(2)} ms`,
    );
    console.log(`${ROUNDS * PER_ROUND} requests each; ${figures.join("; ")}`);
    expect(median(refused.latencies)).toBeLessThan(median(quiet.latencies) + P50_MARGIN_MS);
    expect(median(hanging.latencies)).toBeLessThan(median(quiet.latencies) + P50_MARGIN_MS);
  });

  it("count every event a refusing collector never took as dropped", { timeout: 60_000 }, async () => {
    const refused = targets[1] as Target;
    // Langfuse and OTLP batches (50, 100 events) are dropped after three tries 0.5 s and 1 s apart;
    // the webhook gets one POST per event, so its queue drains one event per three tries.
    const batched = ["langfuse", "otel"];
    const dropped = (families: ParsedMetrics, callback: string) =>
      total(families, "llmgate_callback_events_dropped", { callback, reason: "send_failed" });
    const families = await eventually(async () => {
      const scraped = await scrape(refused.gate.url);
      return batched.every((callback) => dropped(scraped, callback) === refused.sent) &&
        dropped(scraped, "generic_api") > 0
        ? scraped
        : undefined;
    }, 45_000);
    expect(dropped(families, "generic_api")).toBeLessThanOrEqual(refused.sent);
    for (const callback of CALLBACKS)
      expect(total(families, "llmgate_callback_events_sent", { callback }), callback).toBe(0);
  });

  it("count the events of a batch a hanging collector held past every try as dropped", {
    timeout: 60_000,
  }, async () => {
    const hanging = targets[2] as Target;
    // Each try waits for the collector's answer for 10 s; three tries, then the batch is dropped.
    const families = await eventually(async () => {
      const scraped = await scrape(hanging.gate.url);
      return CALLBACKS.every(
        (callback) =>
          total(scraped, "llmgate_callback_events_dropped", { callback, reason: "send_failed" }) > 0,
      )
        ? scraped
        : undefined;
    }, 50_000);
    for (const callback of CALLBACKS)
      expect(total(families, "llmgate_callback_events_sent", { callback })).toBe(0);
    // Requests are still answered at once meanwhile.
    expect(await timedCall(hanging)).toBeLessThan(1000);
  });
});
