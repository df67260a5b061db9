/**
 * Metrics, callbacks and logs through the real CLI: `/metrics` read with a real Prometheus text
 * parser, a fake Langfuse ingestion endpoint, a fake OTLP/HTTP collector and a fake webhook on
 * loopback, driven by the official openai client with a virtual key.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeCollector, startFakeCollector } from "../fakes/collector.js";
import { startProxy } from "../fakes/proxy-process.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { at, costOf, echoUsage, type Gate, gateOf, MASTER_KEY, PRICED } from "./keys-helpers.js";
import { callbackEnv, histogramSum, observedConfig, scrape, total } from "./observability-helpers.js";

let upstream: FakeUpstream;
let collector: FakeCollector;
let gate: Gate;
let key: string;
const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_SPAN = "00f067aa0ba902b7";

beforeAll(async () => {
  upstream = await startFakeUpstream();
  collector = await startFakeCollector();
  const config = observedConfig({
    upstreamBaseUrl: upstream.baseUrl,
    litellm: {
      callbacks: ["langfuse", "otel"],
      success_callback: ["generic_api", "prometheus"],
      failure_callback: ["generic_api"],
    },
    general: { require_auth_for_metrics_endpoint: true },
  });
  gate = gateOf(await startProxy({ config, env: { ...callbackEnv(collector.url), REDIS_URL: "" } }));
  key = (await gate.newKey({ key_alias: "alice-key", max_budget: 10 })).key;
}, 30_000);

afterAll(async () => {
  await gate?.stop();
  await upstream?.close();
  await collector?.close();
});

type Json = Record<string, unknown>;

function generations(): Json[] {
  return collector
    .postsTo("/langfuse")
    .flatMap((post) => (at(post.body, "batch") as Json[] | undefined) ?? [])
    .filter((event) => event.type === "generation-create")
    .map((event) => event.body as Json);
}

function spans(): Json[] {
  return collector
    .postsTo("/otel")
    .flatMap(
      (post) => (at(post.body, "resourceSpans", 0, "scopeSpans", 0, "spans") as Json[] | undefined) ?? [],
    );
}

function attribute(span: Json, name: string): unknown {
  const found = (span.attributes as { key: string; value: Json }[]).find((entry) => entry.key === name);
  if (found === undefined) return undefined;
  const value = found.value;
  return (
    value.stringValue ??
    (value.intValue === undefined ? undefined : Number(value.intValue)) ??
    value.doubleValue ??
    value.boolValue
  );
}

function webhookPayloads(): Json[] {
  return collector.postsTo("/generic").map((post) => post.body as Json);
}

describe("/metrics", () => {
  it("needs the master key with require_auth_for_metrics_endpoint", async () => {
    expect((await fetch(`${gate.url}/metrics`)).status).toBe(401);
    const withVirtualKey = await fetch(`${gate.url}/metrics`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(withVirtualKey.status).toBeGreaterThanOrEqual(401);
    expect(withVirtualKey.status).toBeLessThanOrEqual(403);
    const families = await scrape(gate.url, MASTER_KEY);
    expect(families.get("process_cpu_user_seconds_total")?.type).toBe("COUNTER");
    expect(families.get("llmgate_deployment_state")?.type).toBe("GAUGE");
    expect(total(families, "llmgate_deployment_state", { deployment: "priced-deployment" })).toBe(0);
  });
});

describe("a successful chat with a virtual key", () => {
  const text = "count these five words";
  let callId: string;
  beforeAll(async () => {
    const client = gate.client(key);
    const { response } = await client.chat.completions
      .create(
        {
          model: "priced",
          messages: [{ role: "user", content: text }],
          metadata: { project: "apollo", tags: ["blue", "green"] } as never,
        },
        { headers: { traceparent: `00-${TRACE_ID}-${PARENT_SPAN}-01` } },
      )
      .withResponse();
    callId = response.headers.get("x-llmgate-call-id") ?? "";
    expect(callId).not.toBe("");
  });

  it("is counted with its labels, tokens, spend and remaining budget", async () => {
    const usage = echoUsage(text);
    const families = await scrape(gate.url);
    const labels = { model_group: "priced", key_alias: "alice-key", route: "/chat/completions" };
    expect(
      total(families, "llmgate_requests_total", {
        ...labels,
        status: "200",
        deployment: "priced-deployment",
        provider: "openai",
      }),
    ).toBe(1);
    expect(total(families, "llmgate_tokens_total", { ...labels, type: "prompt" })).toBe(usage.prompt);
    expect(total(families, "llmgate_tokens_total", { ...labels, type: "completion" })).toBe(usage.completion);
    expect(total(families, "llmgate_spend_usd_total", labels)).toBeCloseTo(costOf(usage, PRICED), 12);
    expect(total(families, "llmgate_request_duration_seconds", labels)).toBe(1);
    expect(total(families, "llmgate_upstream_duration_seconds", labels)).toBe(1);
    expect(total(families, "llmgate_overhead_duration_seconds", labels)).toBe(1);
    const duration = histogramSum(families, "llmgate_request_duration_seconds", labels, "_sum");
    const upstreamTime = histogramSum(families, "llmgate_upstream_duration_seconds", labels, "_sum");
    expect(upstreamTime).toBeGreaterThan(0);
    expect(upstreamTime).toBeLessThanOrEqual(duration);
    expect(total(families, "llmgate_key_remaining_budget_usd", { key_alias: "alice-key" })).toBeCloseTo(
      10 - costOf(usage, PRICED),
      9,
    );
    expect(total(families, "llmgate_in_flight_requests")).toBe(0);
    // Never the key itself in a label.
    for (const line of families.lines ?? []) expect(JSON.stringify(line.labels)).not.toContain(key);
  });

  it("reaches Langfuse as a trace and a generation with the numbers, basic auth, metadata and tags", async () => {
    await collector.waitFor(() => generations().some((generation) => generation.id === callId));
    const usage = echoUsage(text);
    const generation = generations().find((entry) => entry.id === callId) as Json;
    expect(generation.model).toBe("priced-upstream");
    expect(at(generation, "usage", "input")).toBe(usage.prompt);
    expect(at(generation, "usage", "output")).toBe(usage.completion);
    expect(at(generation, "costDetails", "total")).toBeCloseTo(costOf(usage, PRICED), 12);
    expect(at(generation, "input", "messages", 0, "content")).toBe(text);
    expect(at(generation, "output", "choices", 0, "message", "content")).toBe(`echo: ${text}`);
    expect(at(generation, "metadata", "key_alias")).toBe("alice-key");
    expect(at(generation, "metadata", "project")).toBe("apollo");
    expect(typeof at(generation, "metadata", "latency_ms")).toBe("number");
    const post = collector.postsTo("/langfuse/api/public/ingestion")[0];
    expect(post?.headers.authorization).toBe(
      `Basic ${Buffer.from("pk-lf-e2e:sk-lf-e2e-secret").toString("base64")}`,
    );
    const trace = collector
      .postsTo("/langfuse")
      .flatMap((entry) => (at(entry.body, "batch") as Json[]) ?? [])
      .find((event) => event.type === "trace-create" && at(event, "body", "id") === generation.traceId);
    expect(at(trace, "body", "tags")).toEqual(["blue", "green"]);
  });

  it("reaches the OTLP collector as a server span continuing the traceparent, with a child span per attempt", async () => {
    await collector.waitFor(() => spans().some((span) => attribute(span, "llmgate.call_id") === callId));
    const root = spans().find((span) => attribute(span, "llmgate.call_id") === callId) as Json;
    expect(root.traceId).toBe(TRACE_ID);
    expect(root.parentSpanId).toBe(PARENT_SPAN);
    expect(root.kind).toBe(2);
    expect(attribute(root, "gen_ai.request.model")).toBe("priced");
    expect(attribute(root, "gen_ai.usage.input_tokens")).toBe(echoUsage(text).prompt);
    expect(attribute(root, "gen_ai.usage.output_tokens")).toBe(echoUsage(text).completion);
    const children = spans().filter((span) => span.parentSpanId === root.spanId);
    expect(children).toHaveLength(1);
    expect(children[0]?.traceId).toBe(TRACE_ID);
    expect(attribute(children[0] as Json, "gen_ai.request.model")).toBe("openai/priced-upstream");
    expect(BigInt(String(children[0]?.startTimeUnixNano))).toBeGreaterThanOrEqual(
      BigInt(String(root.startTimeUnixNano)),
    );
    expect(collector.postsTo("/otel/v1/traces")[0]?.headers["x-otel-token"]).toBe("otel-e2e-token");
  });

  it("reaches the webhook as one standard payload with the headers", async () => {
    await collector.waitFor(() => webhookPayloads().some((payload) => payload.id === callId));
    const payload = webhookPayloads().find((entry) => entry.id === callId) as Json;
    expect(payload).toMatchObject({
      status: "success",
      model_group: "priced",
      model_id: "priced-deployment",
      custom_llm_provider: "openai",
      api_key_alias: "alice-key",
      prompt_tokens: echoUsage(text).prompt,
      completion_tokens: echoUsage(text).completion,
      request_tags: ["blue", "green"],
    });
    expect(payload.response_cost).toBeCloseTo(costOf(echoUsage(text), PRICED), 12);
    expect(
      collector.postsTo("/generic").find((post) => (post.body as Json).id === callId)?.headers[
        "x-webhook-token"
      ],
    ).toBe("webhook-e2e-token");
  });
});

describe("retries, failures and streams", () => {
  it("counts a retry, a deployment failure and both attempts as child spans", async () => {
    upstream.script({ kind: "error", status: 500 });
    const { response } = await gate
      .client(key)
      .chat.completions.create({
        model: "flaky",
        messages: [{ role: "user", content: "try again" }],
        num_retries: 1,
      } as never)
      .withResponse();
    const callId = response.headers.get("x-llmgate-call-id");
    const families = await scrape(gate.url);
    expect(total(families, "llmgate_retries_total", { model_group: "flaky" })).toBe(1);
    expect(
      total(families, "llmgate_deployment_failures_total", { model_group: "flaky", status: "500" }),
    ).toBe(1);
    expect(total(families, "llmgate_requests_total", { model_group: "flaky", status: "200" })).toBe(1);
    await collector.waitFor(() => spans().some((span) => attribute(span, "llmgate.call_id") === callId));
    const root = spans().find((span) => attribute(span, "llmgate.call_id") === callId) as Json;
    const children = spans().filter((span) => span.parentSpanId === root.spanId);
    expect(children.map((span) => at(span, "status", "code"))).toEqual([2, 1]);
  });

  it("sends a failure to failure_callback and Langfuse with its error", async () => {
    upstream.script({
      kind: "error",
      status: 400,
      body: { error: { message: "bad thing in request", type: "invalid_request_error" } },
    });
    const answer = await gate.api(
      "POST",
      "/v1/chat/completions",
      { model: "priced", messages: [{ role: "user", content: "x" }] },
      key,
    );
    expect(answer.status).toBe(400);
    const callId = answer.headers.get("x-llmgate-call-id");
    await collector.waitFor(() => webhookPayloads().some((payload) => payload.id === callId));
    const payload = webhookPayloads().find((entry) => entry.id === callId) as Json;
    expect(payload.status).toBe("failure");
    expect(payload.status_code).toBe(400);
    expect(String(payload.error_str)).toContain("bad thing in request");
    await collector.waitFor(() => generations().some((generation) => generation.id === callId));
    const generation = generations().find((entry) => entry.id === callId) as Json;
    expect(generation.level).toBe("ERROR");
    expect(String(generation.statusMessage)).toContain("bad thing in request");
  });

  it("times a stream's first token", async () => {
    const stream = await gate.client(key).chat.completions.create({
      model: "mini",
      messages: [{ role: "user", content: "stream me" }],
      stream: true,
    });
    for await (const _chunk of stream) {
      // read to the end
    }
    const families = await scrape(gate.url);
    expect(total(families, "llmgate_time_to_first_token_seconds", { model_group: "mini" })).toBe(1);
    expect(total(families, "llmgate_requests_total", { model_group: "mini", status: "200" })).toBe(1);
  });

  it("keeps messages out of callbacks with metadata.no_log, keeping the numbers", async () => {
    const secretText = "my private diary entry";
    const { response } = await gate
      .client(key)
      .chat.completions.create({
        model: "priced",
        messages: [{ role: "user", content: secretText }],
        metadata: { no_log: true } as never,
      })
      .withResponse();
    const callId = response.headers.get("x-llmgate-call-id");
    await collector.waitFor(
      () =>
        webhookPayloads().some((payload) => payload.id === callId) &&
        generations().some((generation) => generation.id === callId),
    );
    const payload = webhookPayloads().find((entry) => entry.id === callId) as Json;
    expect(payload.messages).toBeNull();
    expect(payload.response).toBeNull();
    expect(payload.prompt_tokens).toBe(echoUsage(secretText).prompt);
    for (const post of collector.posts) expect(post.rawBody).not.toContain("diary");
  });

  it("never shows a key or upstream secret to a collector or in the logs", () => {
    const secrets = [key, MASTER_KEY, "sk-upstream", "sk-lf-e2e-secret"];
    for (const post of collector.posts)
      for (const secret of secrets) expect(post.rawBody, post.path).not.toContain(secret);
    const logs = gate.proxy.stdout() + gate.proxy.stderr();
    for (const secret of [key, MASTER_KEY, "sk-upstream"]) expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/FSTDEP|DeprecationWarning|FastifyWarning/);
  });
});
