/**
 * Messages and answers kept out of every callback (Langfuse, OTLP, generic webhook) and every log
 * line, by `litellm_settings.turn_off_message_logging: true` for all requests and by a request's
 * `metadata.no_log`, on every model route (chat, a chat stream, text completions, embeddings,
 * Responses, Anthropic Messages), while the numbers (tokens, cost, status) still arrive. Keys never
 * appear in any payload or log line, redacted or not. The proxies log at `--detailed_debug`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeCollector, startFakeCollector } from "../fakes/collector.js";
import { startProxy } from "../fakes/proxy-process.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { at, type Gate, gateOf, MASTER_KEY } from "./keys-helpers.js";
import { callbackEnv, observedConfig } from "./observability-helpers.js";

type Json = Record<string, unknown>;

/** What one proxy and its collector saw. */
interface Observed {
  gate: Gate;
  collector: FakeCollector;
  key: string;
}

const CALLBACKS = { callbacks: ["langfuse", "otel", "generic_api"] };
/** Every secret a payload or log line could leak: keys of the caller, the proxy and its upstream. */
const FIXED_SECRETS = [MASTER_KEY, "sk-upstream", "sk-lf-e2e-secret"];

let upstream: FakeUpstream;
let redacted: Observed;
let perRequest: Observed;

async function observe(litellm: Json): Promise<Observed> {
  const collector = await startFakeCollector();
  const config = observedConfig({ upstreamBaseUrl: upstream.baseUrl, litellm: { ...CALLBACKS, ...litellm } });
  const gate = gateOf(
    await startProxy({
      config,
      args: ["--detailed_debug"],
      env: { ...callbackEnv(collector.url), REDIS_URL: "" },
    }),
  );
  const { key } = await gate.newKey({ key_alias: "private-key" });
  return { gate, collector, key };
}

/** One call per model route, each saying `phrase` (the fake upstream echoes it back). */
async function callEveryRoute(observed: Observed, phrase: (route: string) => string, metadata: Json) {
  const { gate, key } = observed;
  const chat = (text: string, extra: Json = {}) =>
    gate.api(
      "POST",
      "/v1/chat/completions",
      {
        model: "priced",
        messages: [{ role: "user", content: text }],
        metadata,
        ...extra,
      },
      key,
    );
  const answers = [
    await chat(phrase("chat")),
    await chat(phrase("stream"), { stream: true, stream_options: { include_usage: true } }),
    await gate.api(
      "POST",
      "/v1/completions",
      { model: "priced", prompt: phrase("completions"), metadata },
      key,
    ),
    await gate.api("POST", "/v1/embeddings", { model: "priced", input: phrase("embeddings"), metadata }, key),
    await gate.api("POST", "/v1/responses", { model: "priced", input: phrase("responses"), metadata }, key),
    await gate.api(
      "POST",
      "/v1/messages",
      {
        model: "priced",
        max_tokens: 64,
        messages: [{ role: "user", content: phrase("messages") }],
        metadata: { user_id: "someone" },
      },
      key,
    ),
  ];
  for (const answer of answers) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  // The answers did carry the phrases: a leak would be seen.
  expect(JSON.stringify(answers[0]?.body)).toContain(phrase("chat"));
  return answers.map((answer) => answer.headers.get("x-llmgate-call-id") ?? "");
}

function webhookOf(observed: Observed, callId: string): Json | undefined {
  return observed.collector
    .postsTo("/generic")
    .map((post) => post.body as Json)
    .find((payload) => payload.id === callId);
}

function generationOf(observed: Observed, callId: string): Json | undefined {
  return observed.collector
    .postsTo("/langfuse")
    .flatMap((post) => (at(post.body, "batch") as Json[] | undefined) ?? [])
    .find((event) => event.type === "generation-create" && at(event, "body", "id") === callId)?.body as
    | Json
    | undefined;
}

function rootSpanOf(observed: Observed, callId: string): Json | undefined {
  return observed.collector
    .postsTo("/otel")
    .flatMap(
      (post) => (at(post.body, "resourceSpans", 0, "scopeSpans", 0, "spans") as Json[] | undefined) ?? [],
    )
    .find((span) =>
      (span.attributes as { key: string; value: Json }[]).some(
        (entry) => entry.key === "llmgate.call_id" && entry.value.stringValue === callId,
      ),
    );
}

function spanAttribute(span: Json, name: string): unknown {
  const value = (span.attributes as { key: string; value: Json }[]).find(
    (entry) => entry.key === name,
  )?.value;
  return value?.intValue === undefined ? value?.stringValue : Number(value.intValue);
}

/** Waits until every call reached all three collectors. */
async function delivered(observed: Observed, callIds: string[]): Promise<void> {
  await observed.collector.waitFor(
    () =>
      callIds.every(
        (id) =>
          webhookOf(observed, id) !== undefined &&
          generationOf(observed, id) !== undefined &&
          rootSpanOf(observed, id) !== undefined,
      ),
    15_000,
  );
}

function everythingSeen(observed: Observed): string {
  return [
    ...observed.collector.posts.map((post) => post.rawBody),
    observed.gate.proxy.stdout(),
    observed.gate.proxy.stderr(),
  ].join("\n");
}

/** The numbers every payload keeps, whatever is redacted. */
function expectNumbersKept(observed: Observed, callId: string): void {
  const payload = webhookOf(observed, callId) as Json;
  expect(payload.status).toBe("success");
  expect(payload.prompt_tokens).toBeGreaterThan(0);
  expect(payload.total_tokens).toBe(Number(payload.prompt_tokens) + Number(payload.completion_tokens));
  expect(payload.response_cost).toBeGreaterThan(0);
  expect(payload.model_group).toBe("priced");
  expect(payload.api_key_alias).toBe("private-key");
  const generation = generationOf(observed, callId) as Json;
  expect(at(generation, "usage", "input")).toBe(payload.prompt_tokens);
  expect(at(generation, "usage", "output")).toBe(payload.completion_tokens);
  expect(at(generation, "costDetails", "total")).toBeCloseTo(Number(payload.response_cost), 12);
  const span = rootSpanOf(observed, callId) as Json;
  expect(spanAttribute(span, "gen_ai.usage.input_tokens")).toBe(payload.prompt_tokens);
  expect(spanAttribute(span, "gen_ai.usage.output_tokens")).toBe(payload.completion_tokens);
}

function expectRedacted(observed: Observed, callId: string): void {
  const payload = webhookOf(observed, callId) as Json;
  expect(payload.messages_redacted).toBe(true);
  expect(payload.messages).toBeNull();
  expect(payload.response).toBeNull();
  const generation = generationOf(observed, callId) as Json;
  expect(generation.input).toBeNull();
  expect(generation.output).toBeNull();
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  [redacted, perRequest] = await Promise.all([observe({ turn_off_message_logging: true }), observe({})]);
}, 30_000);

afterAll(async () => {
  for (const observed of [redacted, perRequest]) {
    await observed?.gate.stop();
    await observed?.collector.close();
  }
  await upstream?.close();
});

describe("litellm_settings.turn_off_message_logging: true", () => {
  const phrase = (route: string) => `turnoff secret words ${route}`;
  let callIds: string[];
  beforeAll(async () => {
    callIds = await callEveryRoute(redacted, phrase, { project: "apollo" });
    await delivered(redacted, callIds);
  }, 30_000);

  it("keeps every route's messages and answers out of all three callbacks and the logs", () => {
    for (const id of callIds) expectRedacted(redacted, id);
    const seen = everythingSeen(redacted);
    for (const route of ["chat", "stream", "completions", "embeddings", "responses", "messages"])
      expect(seen, route).not.toContain(phrase(route));
    expect(seen).not.toContain("turnoff secret");
  });

  it("keeps the numbers, the model, the key's alias and the request's metadata", () => {
    for (const id of callIds) expectNumbersKept(redacted, id);
    expect(at(webhookOf(redacted, callIds[0] as string), "metadata", "project")).toBe("apollo");
  });

  it("never shows a key", () => {
    const seen = everythingSeen(redacted);
    for (const secret of [redacted.key, ...FIXED_SECRETS]) expect(seen).not.toContain(secret);
  });
});

describe("metadata.no_log on one request", () => {
  const quiet = (route: string) => `nolog hidden words ${route}`;
  const loud = (route: string) => `logged open words ${route}`;
  let quietIds: string[];
  let loudIds: string[];
  beforeAll(async () => {
    quietIds = await callEveryRoute(perRequest, quiet, { no_log: true });
    loudIds = await callEveryRoute(perRequest, loud, {});
    await delivered(perRequest, [...quietIds, ...loudIds]);
  }, 30_000);

  it("keeps that request's messages and answers out of all three callbacks and the logs", () => {
    // The Anthropic Messages body has no free-form metadata: its call is not a no_log one.
    for (const id of quietIds.slice(0, 5)) expectRedacted(perRequest, id);
    const seen = everythingSeen(perRequest);
    for (const route of ["chat", "stream", "completions", "embeddings", "responses"])
      expect(seen, route).not.toContain(quiet(route));
  });

  it("keeps the numbers of that request", () => {
    for (const id of quietIds) expectNumbersKept(perRequest, id);
  });

  it("still sends the messages and answers of the other requests", () => {
    const chat = generationOf(perRequest, loudIds[0] as string) as Json;
    expect(at(chat, "input", "messages", 0, "content")).toBe(loud("chat"));
    expect(JSON.stringify(chat.output)).toContain(loud("chat"));
    const stream = webhookOf(perRequest, loudIds[1] as string) as Json;
    expect(stream.messages_redacted).toBe(false);
    expect(JSON.stringify(stream.messages)).toContain(loud("stream"));
    // A stream's answer is its chunks merged into one completion.
    expect(at(stream, "response", "choices", 0, "message", "content")).toBe(`echo: ${loud("stream")}`);
    const streamGeneration = generationOf(perRequest, loudIds[1] as string) as Json;
    expect(at(streamGeneration, "output", "choices", 0, "message", "content")).toBe(
      `echo: ${loud("stream")}`,
    );
    expect(JSON.stringify(webhookOf(perRequest, loudIds[3] as string)?.messages)).toContain(
      loud("embeddings"),
    );
  });

  it("never shows a key, in redacted payloads or in full ones", () => {
    const seen = everythingSeen(perRequest);
    for (const secret of [perRequest.key, ...FIXED_SECRETS]) expect(seen).not.toContain(secret);
  });
});
