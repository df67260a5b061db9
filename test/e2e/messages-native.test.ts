/**
 * /v1/messages through the real CLI toward an `anthropic/` deployment: the body goes natively
 * (only `model` replaced, anthropic-version and anthropic-beta forwarded), the answer and the event
 * stream come back as the fake Anthropic API sent them. Driven with the official @anthropic-ai/sdk.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAnthropic, startFakeAnthropic } from "../fakes/anthropic-upstream.js";
import { assertAnthropicShape, assertEventSequence } from "../spec/anthropic-shapes.js";
import { type MessagesGate, parseNamedSse, startMessagesGate } from "./messages-helpers.js";

const UPSTREAM_KEY = "sk-ant-upstream-secret";
let fake: FakeAnthropic;
let gate: MessagesGate;

beforeAll(async () => {
  fake = await startFakeAnthropic({ apiKey: UPSTREAM_KEY });
  gate = await startMessagesGate({
    model_list: [
      {
        model_name: "claude",
        litellm_params: { model: "anthropic/claude-sonnet-4-5", api_base: fake.url, api_key: UPSTREAM_KEY },
      },
    ],
    router_settings: { num_retries: 0 },
  });
}, 30_000);

afterAll(async () => {
  await gate?.stop();
  await fake?.close();
});

beforeEach(() => fake.clear());

function lastRequest() {
  const request = fake.requests.at(-1);
  if (request === undefined) throw new Error("the fake Anthropic API got no request");
  return request;
}

describe("native passthrough", () => {
  it("sends the body as it came, only model replaced, with the client's anthropic headers", async () => {
    const body = {
      model: "claude",
      max_tokens: 64,
      system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
      messages: [
        { role: "user", content: [{ type: "text", text: "hello", cache_control: { type: "ephemeral" } }] },
      ],
      metadata: { user_id: "u-1" },
      top_k: 5,
    };
    const response = await gate.post("/v1/messages?beta=true", body, {
      "anthropic-version": "2023-06-01",
      "anthropic-beta": "prompt-caching-2024-07-31,interleaved-thinking-2025-05-14",
    });
    expect(response.status).toBe(200);
    const message = (await response.json()) as { id: string; content: unknown };
    assertAnthropicShape("message", message);
    expect(message.id).toMatch(/^msg_fake_/);
    expect(message.content).toEqual([{ type: "text", text: "echo: hello" }]);
    const sent = lastRequest();
    expect(sent.path).toBe("/v1/messages");
    expect(sent.body).toEqual({ ...body, model: "claude-sonnet-4-5" });
    expect(sent.headers["anthropic-beta"]).toBe("prompt-caching-2024-07-31,interleaved-thinking-2025-05-14");
    expect(sent.headers["anthropic-version"]).toBe("2023-06-01");
    expect(sent.headers["x-api-key"]).toBe(UPSTREAM_KEY);
  });

  it("relays the event stream as it came (thinking with its signature, text), which the client accumulates", async () => {
    const stream = gate.bearerClient().messages.stream({
      model: "claude",
      max_tokens: 2048,
      thinking: { type: "enabled", budget_tokens: 1024 },
      messages: [{ role: "user", content: "why is the sky blue" }],
    });
    const events: { event: string; data: { type: string } }[] = [];
    stream.on("streamEvent", (event) => events.push({ event: event.type, data: event }));
    const message = await stream.finalMessage();
    assertEventSequence(events);
    expect(message.content[0]).toMatchObject({ type: "thinking", signature: expect.stringMatching(/^sig-/) });
    expect(message.content[1]).toEqual({ type: "text", text: "echo: why is the sky blue" });
    expect(lastRequest().body.thinking).toEqual({ type: "enabled", budget_tokens: 1024 });
  });

  it("keeps the SSE event names and data of the upstream", async () => {
    const response = await gate.post("/v1/messages", {
      model: "claude",
      max_tokens: 50,
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    const events = parseNamedSse(await response.text());
    assertEventSequence(events);
    expect(events.map((event) => event.data.type)).toContain("ping");
    const start = events[0]?.data as unknown as { message: { id: string; model: string } };
    expect(start.message.id).toMatch(/^msg_fake_/);
    expect(start.message.model).toBe("claude-sonnet-4-5");
  });

  it("runs a tool round trip (the fake checks tool_result ids)", async () => {
    const client = gate.client();
    const tools = [
      {
        name: "get_weather",
        input_schema: { type: "object" as const, properties: { city: { type: "string" } } },
      },
    ];
    const first = await client.messages.create({
      model: "claude",
      max_tokens: 100,
      tools,
      messages: [{ role: "user", content: "weather?" }],
    });
    expect(first.stop_reason).toBe("tool_use");
    const toolUse = first.content.find((block) => block.type === "tool_use");
    if (toolUse?.type !== "tool_use") throw new Error("no tool_use block");
    expect(toolUse.input).toEqual({ city: "example" });
    const second = await client.messages.create({
      model: "claude",
      max_tokens: 100,
      tools,
      messages: [
        { role: "user", content: "weather?" },
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "sunny" }] },
      ],
    });
    expect(second.content).toEqual([{ type: "text", text: 'tool results: "sunny"' }]);
  });

  it("keeps the upstream's error type and status: 529 overloaded_error, 429 with retry-after", async () => {
    fake.enqueue({ kind: "error", status: 529, type: "overloaded_error", message: "Overloaded" });
    const overloaded = await gate.post("/v1/messages", {
      model: "claude",
      max_tokens: 5,
      messages: [{ role: "user", content: "x" }],
    });
    expect(overloaded.status).toBe(529);
    const body = (await overloaded.json()) as { error: { type: string } };
    assertAnthropicShape("error", body);
    expect(body.error.type).toBe("overloaded_error");
    fake.enqueue({
      kind: "error",
      status: 429,
      type: "rate_limit_error",
      message: "slow down",
      headers: { "retry-after": "3" },
    });
    const error = await gate
      .client()
      .messages.create({ model: "claude", max_tokens: 5, messages: [{ role: "user", content: "x" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect((error as InstanceType<typeof Anthropic.RateLimitError>).headers.get("retry-after")).toBe("3");
  });

  it("ends with an Anthropic error event when the upstream fails mid-stream", async () => {
    fake.enqueue({ kind: "stream-error", text: "partial", type: "overloaded_error", message: "Overloaded" });
    const response = await gate.post("/v1/messages", {
      model: "claude",
      max_tokens: 50,
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    const events = parseNamedSse(await response.text());
    const last = events.at(-1);
    expect(last?.event).toBe("error");
    assertAnthropicShape("error", last?.data);
    expect(last?.data).toMatchObject({ error: { type: "overloaded_error" } });
  });

  it("never shows the upstream key in an error", async () => {
    fake.enqueue({
      kind: "error",
      status: 401,
      type: "authentication_error",
      message: `invalid x-api-key ${UPSTREAM_KEY}`,
    });
    const response = await gate.post("/v1/messages", {
      model: "claude",
      max_tokens: 5,
      messages: [{ role: "user", content: "x" }],
    });
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain(UPSTREAM_KEY);
  });
});
