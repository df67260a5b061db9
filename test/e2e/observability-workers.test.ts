/**
 * `/metrics` with `--num_workers 2`: behind the master key (require_auth_for_metrics_endpoint), and
 * reporting the whole proxy: whichever worker answers a scrape, the counters are the sums over both
 * workers. Which worker served each request is read from its debug log line (pid and call id).
 */
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProxy } from "../fakes/proxy-process.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import {
  chatBody,
  costOf,
  echoUsage,
  eventually,
  type Gate,
  gateOf,
  MASTER_KEY,
  PRICED,
} from "./keys-helpers.js";
import { observedConfig, type ParsedMetrics, parseMetrics, total } from "./observability-helpers.js";

const REQUESTS = 40;
const TEXT = "count me in every worker";

let upstream: FakeUpstream;
let gate: Gate;
let key: string;
let callIds: string[];

/** A scrape on a connection of its own, so that successive scrapes may reach different workers. */
async function freshScrape(authorization: string | undefined): Promise<{ status: number; text: string }> {
  const dispatcher = new Agent({ pipelining: 0 });
  try {
    const response = await request(`${gate.url}/metrics`, {
      dispatcher,
      headers: authorization === undefined ? {} : { authorization },
    });
    return { status: response.statusCode, text: await response.body.text() };
  } finally {
    await dispatcher.close();
  }
}

async function scrapeWhole(): Promise<ParsedMetrics> {
  const answer = await freshScrape(`Bearer ${MASTER_KEY}`);
  expect(answer.status).toBe(200);
  return parseMetrics(answer.text);
}

/** The pid of the worker that logged "call finished" for each call id. */
function workerOfCalls(): Map<string, number> {
  const workers = new Map<string, number>();
  for (const line of (gate.proxy.stdout() + gate.proxy.stderr()).split("\n")) {
    if (!line.startsWith("{")) continue;
    const record = JSON.parse(line) as { msg?: string; call_id?: string; pid?: number };
    if (record.msg === "call finished" && record.call_id !== undefined && record.pid !== undefined)
      workers.set(record.call_id, record.pid);
  }
  return workers;
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  const config = observedConfig({
    upstreamBaseUrl: upstream.baseUrl,
    general: { require_auth_for_metrics_endpoint: true },
    // JSON lines carry the pid of the worker that wrote them.
    litellm: { json_logs: true },
  });
  gate = gateOf(
    await startProxy({ config, args: ["--num_workers", "2", "--debug"], env: { REDIS_URL: "" } }),
  );
  key = (await gate.newKey({ key_alias: "worker-key", max_budget: 10 })).key;
  const answers = await Promise.all(
    Array.from({ length: REQUESTS }, () =>
      gate.api("POST", "/v1/chat/completions", chatBody("priced", TEXT), key),
    ),
  );
  expect(answers.map((answer) => answer.status)).toEqual(Array(REQUESTS).fill(200));
  callIds = answers.map((answer) => answer.headers.get("x-llmgate-call-id") ?? "");
}, 60_000);

afterAll(async () => {
  await gate?.stop();
  await upstream?.close();
});

describe("/metrics with --num_workers 2", () => {
  it("needs the master key in every worker", async () => {
    for (let index = 0; index < 4; index++) {
      expect((await freshScrape(undefined)).status).toBe(401);
      const withVirtualKey = (await freshScrape(`Bearer ${key}`)).status;
      expect(withVirtualKey).toBeGreaterThanOrEqual(401);
      expect(withVirtualKey).toBeLessThanOrEqual(403);
      expect((await freshScrape(`Bearer ${MASTER_KEY}`)).status).toBe(200);
    }
  });

  it("both workers served some of the requests", async () => {
    const workers = await eventually(async () => {
      const found = workerOfCalls();
      return callIds.every((id) => found.has(id)) ? found : undefined;
    });
    const perWorker = new Map<number, number>();
    for (const id of callIds) {
      const pid = workers.get(id) as number;
      perWorker.set(pid, (perWorker.get(pid) ?? 0) + 1);
    }
    expect(perWorker.size).toBe(2);
    for (const count of perWorker.values()) expect(count).toBeLessThan(REQUESTS);
  });

  it("reports the sums over both workers, whichever worker answers the scrape", async () => {
    const usage = echoUsage(TEXT);
    const labels = { model_group: "priced", key_alias: "worker-key", route: "/chat/completions" };
    for (let scrape = 0; scrape < 6; scrape++) {
      const families = await scrapeWhole();
      expect(total(families, "llmgate_requests_total", { ...labels, status: "200" })).toBe(REQUESTS);
      expect(total(families, "llmgate_request_duration_seconds", labels)).toBe(REQUESTS);
      expect(total(families, "llmgate_upstream_duration_seconds", labels)).toBe(REQUESTS);
      expect(total(families, "llmgate_tokens_total", { ...labels, type: "prompt" })).toBe(
        REQUESTS * usage.prompt,
      );
      expect(total(families, "llmgate_tokens_total", { ...labels, type: "completion" })).toBe(
        REQUESTS * usage.completion,
      );
      expect(total(families, "llmgate_spend_usd_total", labels)).toBeCloseTo(
        REQUESTS * costOf(usage, PRICED),
        9,
      );
      expect(total(families, "llmgate_in_flight_requests")).toBe(0);
      // The lowest remaining budget a worker saw: the spend of all 40 requests.
      expect(total(families, "llmgate_key_remaining_budget_usd", { key_alias: "worker-key" })).toBeCloseTo(
        10 - REQUESTS * costOf(usage, PRICED),
        9,
      );
      // One sample per deployment (not one per worker), healthy.
      const states = (families.lines ?? []).filter(
        (line) => line.name === "llmgate_deployment_state" && line.labels.deployment === "priced-deployment",
      );
      expect(states.map((line) => line.value)).toEqual([0]);
      // Each worker's process figures, summed.
      expect(total(families, "process_resident_memory_bytes")).toBeGreaterThan(0);
    }
  });
});
