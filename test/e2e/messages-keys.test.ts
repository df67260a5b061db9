/**
 * /v1/messages under virtual keys, through the real CLI: the same rules as chat completions
 * (models, rpm, budgets, spend rows), the key in x-api-key or as Bearer; and the request Claude
 * Code sends (HEAD / first, ?beta=true, a long anthropic-beta list, adaptive thinking,
 * output_config, context_management, a system message in messages, two dozen tools).
 */
import { readFileSync } from "node:fs";
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { assertAnthropicShape, assertEventSequence } from "../spec/anthropic-shapes.js";
import { costOf, echoUsage, type Gate, numberAt, PRICED, spendLogOf, startGate } from "./keys-helpers.js";
import { parseNamedSse } from "./messages-helpers.js";

let upstream: FakeUpstream;
let gate: Gate;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gate = await startGate({ upstreamBaseUrl: upstream.baseUrl });
}, 30_000);

afterAll(async () => {
  await gate?.stop();
  await upstream?.close();
});

beforeEach(() => {
  upstream.clear();
  upstream.setDefault({ kind: "default" });
});

function messagesWith(key: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return fetch(`${gate.url}/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

const hello = (model: string, text = "hello there") => ({
  model,
  max_tokens: 20,
  messages: [{ role: "user", content: text }],
});

describe("virtual keys on /v1/messages", () => {
  it("refuses a model the key may not use, in Anthropic's shape", async () => {
    const { key } = await gate.newKey({ models: ["priced"] });
    const response = await messagesWith(key, hello("other"));
    expect(response.status).toBe(401);
    const body = await response.json();
    assertAnthropicShape("error", body);
    expect(body).toMatchObject({ error: { type: "authentication_error" } });
    expect((await messagesWith(key, hello("priced"))).status).toBe(200);
  });

  it("applies rpm_limit, with retry-after", async () => {
    const { key } = await gate.newKey({ rpm_limit: 1 });
    expect((await messagesWith(key, hello("priced"))).status).toBe(200);
    const refused = await messagesWith(key, hello("priced"));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
  });

  it("writes a spend row and counts the key's spend, for an answer and for a stream", async () => {
    const { key } = await gate.newKey({});
    const response = await messagesWith(key, hello("priced", "one two three"));
    expect(response.status).toBe(200);
    const expected = costOf(echoUsage("one two three"), PRICED);
    expect(Number(response.headers.get("x-llmgate-response-cost"))).toBeCloseTo(expected, 12);
    const row = await spendLogOf(gate, String(response.headers.get("x-llmgate-call-id")));
    expect(row).toMatchObject({
      status: "success",
      call_type: "anthropic_messages",
      model_group: "priced",
      prompt_tokens: 3,
      completion_tokens: 4,
    });
    const client = new Anthropic({ authToken: key, apiKey: null, baseURL: gate.url, maxRetries: 0 });
    const { response: streamed } = await client.messages
      .create({ ...hello("priced", "four five"), stream: true } as Anthropic.MessageCreateParamsStreaming)
      .withResponse();
    const streamedRow = await spendLogOf(gate, String(streamed.headers.get("x-llmgate-call-id")));
    expect(streamedRow).toMatchObject({ status: "success", prompt_tokens: 2, completion_tokens: 3 });
    const info = await gate.api("GET", `/key/info?key=${key}`);
    expect(numberAt(info.body, "info", "spend")).toBeCloseTo(
      expected + costOf(echoUsage("four five"), PRICED),
      12,
    );
  });

  it("refuses a key over its budget", async () => {
    const { key } = await gate.newKey({ max_budget: 0 });
    const response = await messagesWith(key, hello("priced"));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  });
});

describe("what Claude Code sends", () => {
  const request = JSON.parse(
    readFileSync(
      new URL("../../src/dialects/anthropic-messages/__fixtures__/claude-code-request.json", import.meta.url),
      "utf8",
    ),
  ) as Record<string, unknown> & { tools: Record<string, unknown>[] };
  const tools = Array.from({ length: 24 }, (_, index) => ({
    name: `Tool${index}`,
    description: `tool number ${index}`,
    input_schema: { type: "object", properties: { arg: { type: "string" } }, required: ["arg"] },
  }));
  const beta = [
    "claude-code-20250219",
    "oauth-2025-04-20",
    "interleaved-thinking-2025-05-14",
    "fine-grained-tool-streaming-2025-05-14",
    "context-management-2025-06-27",
    "prompt-caching-scope-2026-01-05",
  ].join(",");

  it("answers HEAD / with 200, without a key", async () => {
    const response = await fetch(`${gate.url}/`, { method: "HEAD" });
    expect(response.status).toBe(200);
  });

  it("streams an answer to its request, as Bearer, on /v1/messages?beta=true", async () => {
    const { key } = await gate.newKey({});
    const response = await fetch(`${gate.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${key}`,
        "content-type": "application/json",
        "anthropic-version": "2023-06-01",
        "anthropic-beta": beta,
        "x-app": "cli",
      },
      body: JSON.stringify({ ...request, model: "priced", tools: [...request.tools, ...tools] }),
    });
    expect(response.status).toBe(200);
    const events = parseNamedSse(await response.text());
    assertEventSequence(events);
    const text = events
      .flatMap((event) =>
        event.data.type === "content_block_delta" ? [event.data.delta as { text?: string }] : [],
      )
      .map((delta) => delta.text ?? "")
      .join("");
    expect(text).toBe("echo: and now?");
    const sent = upstream.requests.at(-1)?.body as {
      tools: unknown[];
      thinking?: unknown;
      context_management?: unknown;
    };
    expect(sent.tools).toHaveLength(26);
    expect(sent.thinking).toBeUndefined();
    expect(sent.context_management).toBeUndefined();
  });
});
