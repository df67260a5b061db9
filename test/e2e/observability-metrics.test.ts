/**
 * Every metric issue 10 names, scraped from `/metrics` through a real Prometheus text parser after
 * traffic that moves each of them: successes, a failure, a stream, a retry onto a second deployment
 * after a 429 (cooling the first down), a fallback to another group after a 500, a refused rate
 * limit, keys in a team with budgets, a key without an alias, a request in flight, and a callback
 * whose collector refuses connections. Each family's type and exact label names are checked, and no
 * label ever holds a key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProxy } from "../fakes/proxy-process.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import {
  apiErrorOf,
  at,
  awayFromMinuteEnd,
  eventually,
  type Gate,
  gateOf,
  MASTER_KEY,
  type NewKey,
} from "./keys-helpers.js";
import {
  deadCollectors,
  observedConfig,
  type ParsedMetrics,
  scrape,
  total,
} from "./observability-helpers.js";

const CALL = ["model_group", "deployment", "provider", "key_alias", "team", "route"];
const CHAT = "/chat/completions";

/** Each family: its type and the exact label names of its samples (histograms: besides `le`). */
const CATALOG: Record<string, { type: string; labels: string[] }> = {
  llmgate_requests_total: { type: "COUNTER", labels: [...CALL, "status"] },
  llmgate_request_duration_seconds: { type: "HISTOGRAM", labels: [...CALL, "status"] },
  llmgate_upstream_duration_seconds: { type: "HISTOGRAM", labels: CALL },
  llmgate_overhead_duration_seconds: { type: "HISTOGRAM", labels: CALL },
  llmgate_time_to_first_token_seconds: { type: "HISTOGRAM", labels: CALL },
  llmgate_tokens_total: { type: "COUNTER", labels: [...CALL, "type"] },
  llmgate_spend_usd_total: { type: "COUNTER", labels: CALL },
  llmgate_in_flight_requests: { type: "GAUGE", labels: ["route"] },
  llmgate_deployment_state: { type: "GAUGE", labels: ["model_group", "deployment", "provider"] },
  llmgate_deployment_failures_total: {
    type: "COUNTER",
    labels: ["model_group", "deployment", "provider", "status"],
  },
  llmgate_retries_total: { type: "COUNTER", labels: ["model_group", "route"] },
  llmgate_fallbacks_total: { type: "COUNTER", labels: ["model_group", "fallback_model_group"] },
  llmgate_rate_limited_total: { type: "COUNTER", labels: ["reason", "scope", "key_alias", "team"] },
  llmgate_key_remaining_budget_usd: { type: "GAUGE", labels: ["key_alias", "team"] },
  llmgate_team_remaining_budget_usd: { type: "GAUGE", labels: ["team"] },
  llmgate_spend_queue_rows: { type: "GAUGE", labels: [] },
  llmgate_spend_rows_dropped: { type: "GAUGE", labels: [] },
  llmgate_callback_events_dropped: { type: "COUNTER", labels: ["callback", "reason"] },
};

const PROCESS_DEFAULTS = [
  "process_cpu_user_seconds_total",
  "process_resident_memory_bytes",
  "nodejs_heap_size_used_bytes",
  "nodejs_eventloop_lag_seconds",
  "nodejs_active_handles_total",
];

let upstream: FakeUpstream;
let dead: Awaited<ReturnType<typeof deadCollectors>>;
let gate: Gate;
let teamKey: NewKey;
let limitedKey: NewKey;
let plainKey: NewKey;
let team: string;
/** The scrape taken while a request was in flight, and the one after all the traffic. */
let during: ParsedMetrics;
let after: ParsedMetrics;

function chat(key: string, model: string, text = "hello metrics") {
  return gate.client(key).chat.completions.create({ model, messages: [{ role: "user", content: text }] });
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  dead = await deadCollectors();
  const config = observedConfig({
    upstreamBaseUrl: upstream.baseUrl,
    litellm: { success_callback: ["generic_api"], failure_callback: ["generic_api"] },
    router: { fallbacks: [{ other: ["priced"] }], cooldown_time: 300 },
    // Spend rows stay queued for the whole test, so llmgate_spend_queue_rows counts them.
    general: { proxy_batch_write_at: 300 },
  });
  gate = gateOf(
    await startProxy({ config, env: { GENERIC_LOGGER_ENDPOINT: dead.refusedUrl, REDIS_URL: "" } }),
  );
  team = `platform-${Date.now()}`;
  const created = await gate.api("POST", "/team/new", { team_alias: team, max_budget: 5 });
  expect(created.status).toBe(200);
  const teamId = String(at(created.body, "team_id"));
  teamKey = await gate.newKey({ key_alias: "team-key", team_id: teamId, max_budget: 3 });
  limitedKey = await gate.newKey({ key_alias: "limited-key", team_id: teamId, rpm_limit: 1 });
  plainKey = await gate.newKey({});

  await chat(teamKey.key, "priced");
  await chat(plainKey.key, "mini");
  const stream = await gate.client(teamKey.key).chat.completions.create({
    model: "mini",
    messages: [{ role: "user", content: "stream me" }],
    stream: true,
  });
  for await (const _chunk of stream) {
    // read to the end
  }
  upstream.script({ kind: "error", status: 400 });
  expect((await apiErrorOf(chat(teamKey.key, "priced"))).status).toBe(400);
  // A 500 on "other" (its only deployment: failing, not cooled down) falls back to "priced".
  upstream.script({ kind: "error", status: 500 });
  await chat(teamKey.key, "other");
  // A 429 cools one "flaky" deployment down at once; the retry goes to the other.
  upstream.script({ kind: "error", status: 429 });
  await gate.client(teamKey.key).chat.completions.create({
    model: "flaky",
    messages: [{ role: "user", content: "again" }],
    num_retries: 1,
  } as never);
  await awayFromMinuteEnd(5);
  await chat(limitedKey.key, "priced");
  expect((await apiErrorOf(chat(limitedKey.key, "priced"))).status).toBe(429);
  // A request held upstream for a while: scraped while it is in flight.
  upstream.script({ kind: "slow-first-byte", delayMs: 1500 });
  const slow = chat(teamKey.key, "priced");
  await upstream.waitForRequests(upstream.requests.length + 1);
  during = await scrape(gate.url);
  await slow;
  // Every generic_api event so far is dropped once its retries against the refused port are over.
  after = await eventually(async () => {
    const families = await scrape(gate.url);
    return total(families, "llmgate_callback_events_dropped") >= 8 ? families : undefined;
  }, 20_000);
}, 90_000);

afterAll(async () => {
  await gate?.stop();
  await upstream?.close();
  await dead?.close();
});

describe("/metrics after traffic that moves every metric", () => {
  it("has each named family with its type and exactly its labels", () => {
    for (const [name, expected] of Object.entries(CATALOG)) {
      expect(after.get(name)?.type, name).toBe(expected.type);
      const lines = (after.lines ?? []).filter(
        (line) => line.name === name || line.name.startsWith(`${name}_`),
      );
      expect(lines.length, name).toBeGreaterThan(0);
      for (const line of lines) {
        const names = Object.keys(line.labels).filter((label) => label !== "le");
        expect(names.sort(), line.name).toEqual([...expected.labels].sort());
      }
    }
    for (const name of PROCESS_DEFAULTS) expect(after.has(name), name).toBe(true);
  });

  it("never holds a key in a label: aliases, or the key's hash prefix", () => {
    const keys = [teamKey.key, limitedKey.key, plainKey.key, MASTER_KEY, "sk-upstream"];
    for (const line of after.lines ?? [])
      for (const value of Object.values(line.labels))
        for (const key of keys) expect(value, line.name).not.toContain(key);
    const prefix = plainKey.token.slice(0, 12);
    expect(prefix).toMatch(/^[0-9a-f]{12}$/);
    expect(
      total(after, "llmgate_requests_total", {
        key_alias: prefix,
        team: "",
        model_group: "mini",
        deployment: "mini-deployment",
        provider: "openai",
        route: CHAT,
        status: "200",
      }),
    ).toBe(1);
  });

  it("counts requests by model group, deployment, provider, key, team, route and status", () => {
    const byTeamKey = { key_alias: "team-key", team, provider: "openai", route: CHAT };
    const priced = { ...byTeamKey, model_group: "priced", deployment: "priced-deployment" };
    // Three successes (one held in flight, one a fallback from "other") and one 400.
    expect(total(after, "llmgate_requests_total", { ...priced, status: "200" })).toBe(3);
    expect(total(after, "llmgate_requests_total", { ...priced, status: "400" })).toBe(1);
    expect(total(after, "llmgate_request_duration_seconds", { ...priced, status: "400" })).toBe(1);
    expect(total(after, "llmgate_requests_total", { ...byTeamKey, model_group: "mini" })).toBe(1);
    // A fallback's answer is counted under the group and deployment that gave it.
    expect(total(after, "llmgate_requests_total", { model_group: "other" })).toBe(0);
    expect(total(after, "llmgate_requests_total", { model_group: "flaky", status: "200" })).toBe(1);
    expect(total(after, "llmgate_requests_total", { key_alias: "limited-key", status: "200" })).toBe(1);
    // A request refused by a limit never reached a deployment.
    expect(
      total(after, "llmgate_requests_total", {
        key_alias: "limited-key",
        team,
        model_group: "priced",
        deployment: "",
        provider: "",
        status: "429",
      }),
    ).toBe(1);
  });

  it("times whole requests, upstream calls, the proxy's overhead and a stream's first token", () => {
    const mini = { model_group: "mini", key_alias: "team-key", team, provider: "openai", route: CHAT };
    expect(total(after, "llmgate_time_to_first_token_seconds", mini)).toBe(1);
    // Only the stream has a first-token time.
    expect(total(after, "llmgate_time_to_first_token_seconds")).toBe(1);
    const priced = { model_group: "priced", key_alias: "team-key", team, route: CHAT };
    // Three successes and the 400; the held request alone took over 1.5 s, all of it upstream.
    const slowBucket = (name: string) =>
      (after.lines ?? [])
        .filter(
          (line) => line.name === `${name}_bucket` && line.labels.le === "1" && matches(line.labels, priced),
        )
        .reduce((sum, line) => sum + line.value, 0);
    const count = (name: string) => total(after, name, priced);
    expect(count("llmgate_request_duration_seconds")).toBe(4);
    expect(count("llmgate_upstream_duration_seconds")).toBe(4);
    expect(count("llmgate_overhead_duration_seconds")).toBe(4);
    expect(count("llmgate_request_duration_seconds") - slowBucket("llmgate_request_duration_seconds")).toBe(
      1,
    );
    expect(count("llmgate_upstream_duration_seconds") - slowBucket("llmgate_upstream_duration_seconds")).toBe(
      1,
    );
  });

  it("counts prompt and completion tokens and spend", () => {
    const labels = { model_group: "priced", key_alias: "team-key", team };
    expect(total(after, "llmgate_tokens_total", { ...labels, type: "prompt" })).toBeGreaterThan(0);
    expect(total(after, "llmgate_tokens_total", { ...labels, type: "completion" })).toBeGreaterThan(0);
    expect(total(after, "llmgate_spend_usd_total", labels)).toBeGreaterThan(0);
    const types = new Set(
      (after.lines ?? [])
        .filter((line) => line.name === "llmgate_tokens_total")
        .map((line) => line.labels.type),
    );
    expect([...types].sort()).toEqual(["completion", "prompt"]);
  });

  it("shows a request in flight while it is, and none after", () => {
    expect(total(during, "llmgate_in_flight_requests", { route: CHAT })).toBe(1);
    expect(total(after, "llmgate_in_flight_requests", { route: CHAT })).toBe(0);
  });

  it("shows each deployment's state: 0 healthy, 1 failing, 2 cooling down", () => {
    const state = (deployment: string) => total(after, "llmgate_deployment_state", { deployment });
    expect(state("priced-deployment")).toBe(0);
    expect(state("mini-deployment")).toBe(0);
    expect(state("other-deployment")).toBe(1);
    const cooled = (after.lines ?? []).find(
      (line) => line.name === "llmgate_deployment_failures_total" && line.labels.status === "429",
    )?.labels.deployment;
    expect(["flaky-a", "flaky-b"]).toContain(cooled);
    expect(state(cooled as string)).toBe(2);
    expect(state(cooled === "flaky-a" ? "flaky-b" : "flaky-a")).toBe(0);
    expect(
      total(after, "llmgate_deployment_state", {
        model_group: "flaky",
        deployment: cooled as string,
        provider: "openai",
      }),
    ).toBe(2);
  });

  it("counts deployment failures, retries and fallbacks", () => {
    expect(
      total(after, "llmgate_deployment_failures_total", {
        model_group: "other",
        deployment: "other-deployment",
        provider: "openai",
        status: "500",
      }),
    ).toBe(1);
    expect(
      total(after, "llmgate_deployment_failures_total", {
        model_group: "flaky",
        provider: "openai",
        status: "429",
      }),
    ).toBe(1);
    expect(total(after, "llmgate_deployment_failures_total", { status: "400" })).toBe(1);
    expect(total(after, "llmgate_retries_total", { model_group: "flaky", route: CHAT })).toBe(1);
    expect(total(after, "llmgate_retries_total")).toBe(1);
    expect(
      total(after, "llmgate_fallbacks_total", { model_group: "other", fallback_model_group: "priced" }),
    ).toBe(1);
    expect(total(after, "llmgate_fallbacks_total")).toBe(1);
  });

  it("counts a refused rate limit with which limit and whose key and team", () => {
    expect(
      total(after, "llmgate_rate_limited_total", {
        reason: "rpm",
        scope: "key",
        key_alias: "limited-key",
        team,
      }),
    ).toBe(1);
    expect(total(after, "llmgate_rate_limited_total")).toBe(1);
  });

  it("shows the key's and the team's remaining budget as of their last request", () => {
    const keySpend = total(after, "llmgate_spend_usd_total", { key_alias: "team-key" });
    const teamSpend = total(after, "llmgate_spend_usd_total", { team });
    expect(teamSpend).toBeGreaterThan(keySpend);
    expect(total(after, "llmgate_key_remaining_budget_usd", { key_alias: "team-key", team })).toBeCloseTo(
      3 - keySpend,
      9,
    );
    expect(total(after, "llmgate_team_remaining_budget_usd", { team })).toBeCloseTo(5 - teamSpend, 9);
    // Keys without a budget have no remaining-budget sample.
    expect(total(after, "llmgate_key_remaining_budget_usd", { key_alias: "limited-key" })).toBe(0);
    expect(
      (after.lines ?? []).filter(
        (line) => line.name === "llmgate_key_remaining_budget_usd" && line.labels.key_alias === "limited-key",
      ),
    ).toHaveLength(0);
  });

  it("shows the spend rows queued and none dropped", () => {
    // Nine answered or refused-upstream calls so far, none written yet (proxy_batch_write_at 300 s).
    expect(total(after, "llmgate_spend_queue_rows")).toBeGreaterThanOrEqual(8);
    expect(total(after, "llmgate_spend_rows_dropped")).toBe(0);
  });

  it("counts callback events dropped after their collector refused every try", () => {
    expect(
      total(after, "llmgate_callback_events_dropped", { callback: "generic_api", reason: "send_failed" }),
    ).toBeGreaterThanOrEqual(8);
  });
});

function matches(labels: Record<string, string>, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([name, value]) => labels[name] === value);
}
