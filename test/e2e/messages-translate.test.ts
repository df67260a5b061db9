/**
 * /v1/messages through the real CLI toward OpenAI-compatible deployments (translated to chat
 * completions and back), driven with the official @anthropic-ai/sdk client.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { assertAnthropicShape, assertEventSequence } from "../spec/anthropic-shapes.js";
import {
  chatAnswer,
  chatChunk,
  type MessagesGate,
  parseNamedSse,
  startMessagesGate,
  usageChunk,
} from "./messages-helpers.js";

let upstream: FakeUpstream;
let gate: MessagesGate;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  const deployment = (name: string, model: string) => ({
    model_name: name,
    litellm_params: { model, api_base: upstream.baseUrl, api_key: "sk-upstream" },
  });
  gate = await startMessagesGate({
    model_list: [deployment("gpt", "openai/gpt-upstream"), deployment("vllm", "hosted_vllm/llama-upstream")],
    router_settings: { num_retries: 0 },
  });
}, 30_000);

afterAll(async () => {
  await gate?.stop();
  await upstream?.close();
});

beforeEach(() => {
  upstream.clear();
  upstream.setDefault({ kind: "default" });
});

function lastChatBody(): Record<string, unknown> {
  const request = upstream.requests.filter((entry) => entry.method === "POST").at(-1);
  if (request === undefined) throw new Error("the upstream got no request");
  expect(request.path).toBe("/v1/chat/completions");
  return request.body as Record<string, unknown>;
}

describe("messages.create", () => {
  it("answers an Anthropic message, with the system prompt sent as a chat system message", async () => {
    const message = await gate.client().messages.create({
      model: "gpt",
      max_tokens: 100,
      system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
      messages: [{ role: "user", content: "hello" }],
    });
    assertAnthropicShape("message", message);
    expect(message.content).toEqual([{ type: "text", text: "echo: hello" }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    const sent = lastChatBody();
    expect(sent.model).toBe("gpt-upstream");
    expect(sent.max_tokens).toBe(100);
    expect(sent.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "hello" },
    ]);
  });

  it("honours the body's own fallbacks, as chat completions do", async () => {
    upstream.script({
      kind: "error",
      status: 500,
      body: { error: { message: "down", type: "server_error" } },
    });
    const response = await gate.post("/v1/messages", {
      model: "gpt",
      max_tokens: 10,
      messages: [{ role: "user", content: "hi" }],
      fallbacks: ["vllm"],
    });
    expect(response.status).toBe(200);
    const models = upstream.requests.map((request) => (request.body as { model?: string }).model);
    expect(models).toEqual(["gpt-upstream", "llama-upstream"]);
    // The routing field is the router's, never sent upstream.
    expect(lastChatBody()).not.toHaveProperty("fallbacks");
  });

  it("accepts the key as authToken (Bearer) and as x-api-key", async () => {
    const message = await gate.bearerClient().messages.create({
      model: "vllm",
      max_tokens: 10,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(message.content).toEqual([{ type: "text", text: "echo: hi" }]);
    const response = await gate.post("/v1/messages", {
      model: "gpt",
      max_tokens: 5,
      messages: [{ role: "user", content: "x" }],
    });
    expect(response.status).toBe(200);
    assertAnthropicShape("message", await response.json());
  });

  it("maps finish reasons, cached tokens and tool calls (input as an object)", async () => {
    upstream.script({
      kind: "json",
      body: {
        ...chatAnswer(
          {
            tool_calls: [
              {
                id: "call_1",
                type: "function",
                function: { name: "get_weather", arguments: '{"city":"Paris"}' },
              },
            ],
          },
          "tool_calls",
        ),
        usage: {
          prompt_tokens: 30,
          completion_tokens: 7,
          total_tokens: 37,
          prompt_tokens_details: { cached_tokens: 20 },
        },
      },
    });
    const message = await gate.client().messages.create({
      model: "gpt",
      max_tokens: 100,
      tools: [
        {
          name: "get_weather",
          description: "Weather",
          input_schema: { type: "object", properties: { city: { type: "string" } } },
        },
      ],
      tool_choice: { type: "any" },
      messages: [{ role: "user", content: "weather in Paris?" }],
    });
    assertAnthropicShape("message", message);
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content).toEqual([
      { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } },
    ]);
    expect(message.usage).toEqual({
      input_tokens: 10,
      output_tokens: 7,
      cache_read_input_tokens: 20,
      cache_creation_input_tokens: 0,
    });
    const sent = lastChatBody();
    expect(sent.tool_choice).toBe("required");
    expect(sent.tools).toEqual([
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "Weather",
          parameters: { type: "object", properties: { city: { type: "string" } } },
        },
      },
    ]);
  });

  it("sends a tool round trip as assistant tool_calls and a tool message", async () => {
    upstream.script({ kind: "json", body: chatAnswer({ content: "It is sunny." }, "stop") });
    const message = await gate.client().messages.create({
      model: "gpt",
      max_tokens: 100,
      messages: [
        { role: "user", content: "weather in Paris?" },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Let me look." },
            { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
          ],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "sunny, 21C" }] },
      ],
    });
    expect(message.content).toEqual([{ type: "text", text: "It is sunny." }]);
    expect(lastChatBody().messages).toEqual([
      { role: "user", content: "weather in Paris?" },
      {
        role: "assistant",
        content: "Let me look.",
        tool_calls: [
          {
            id: "toolu_1",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "toolu_1", content: "sunny, 21C" },
    ]);
  });

  it("maps length to max_tokens and reasoning to a thinking block", async () => {
    upstream.script({
      kind: "json",
      body: chatAnswer({ content: "Par", reasoning_content: "think first" }, "length"),
    });
    const message = await gate.client().messages.create({
      model: "gpt",
      max_tokens: 1,
      messages: [{ role: "user", content: "capital of France?" }],
    });
    assertAnthropicShape("message", message);
    expect(message.stop_reason).toBe("max_tokens");
    expect(message.content).toEqual([
      { type: "thinking", thinking: "think first", signature: "" },
      { type: "text", text: "Par" },
    ]);
  });

  it("sends images as image_url parts", async () => {
    await gate.client().messages.create({
      model: "gpt",
      max_tokens: 10,
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
            { type: "text", text: "what is this?" },
          ],
        },
      ],
    });
    expect(lastChatBody().messages).toEqual([
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          { type: "text", text: "what is this?" },
        ],
      },
    ]);
  });
});

describe("messages.stream", () => {
  it("streams Anthropic's event sequence, which the client accumulates into the message", async () => {
    const stream = gate.client().messages.stream({
      model: "gpt",
      max_tokens: 100,
      messages: [{ role: "user", content: "the quick brown fox" }],
    });
    const events: { event: string; data: { type: string } }[] = [];
    stream.on("streamEvent", (event) => events.push({ event: event.type, data: event }));
    const message = await stream.finalMessage();
    assertEventSequence(events);
    expect(message.content).toEqual([{ type: "text", text: "echo: the quick brown fox" }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(lastChatBody().stream_options).toEqual({ include_usage: true });
  });

  it("streams thinking, text and a tool call (input_json_delta) as three blocks", async () => {
    upstream.script({
      kind: "stream",
      chunks: [
        chatChunk({ role: "assistant", content: "" }),
        chatChunk({ reasoning_content: "The user " }),
        chatChunk({ reasoning_content: "wants weather." }),
        chatChunk({ content: "Checking." }),
        chatChunk({
          tool_calls: [
            { index: 0, id: "call_9", type: "function", function: { name: "get_weather", arguments: "" } },
          ],
        }),
        chatChunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
        chatChunk({ tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] }),
        chatChunk({}, "tool_calls"),
        usageChunk(12, 9, 4),
      ],
    });
    const response = await gate.post("/v1/messages", {
      model: "gpt",
      max_tokens: 100,
      stream: true,
      messages: [{ role: "user", content: "weather in Oslo?" }],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = parseNamedSse(await response.text());
    assertEventSequence(events);
    const types = events.map((event) => event.data.type);
    expect(types.filter((type) => type === "content_block_start")).toHaveLength(3);
    const deltas = events
      .filter((event) => event.data.type === "content_block_delta")
      .map((event) => event.data.delta);
    expect(deltas).toEqual([
      { type: "thinking_delta", thinking: "The user " },
      { type: "thinking_delta", thinking: "wants weather." },
      { type: "text_delta", text: "Checking." },
      { type: "input_json_delta", partial_json: '{"city":' },
      { type: "input_json_delta", partial_json: '"Oslo"}' },
    ]);
    const messageDelta = events.find((event) => event.data.type === "message_delta")?.data;
    expect(messageDelta).toMatchObject({
      delta: { stop_reason: "tool_use", stop_sequence: null },
      usage: { output_tokens: 9, input_tokens: 8, cache_read_input_tokens: 4 },
    });
  });

  it("gives the client the tool input as an object after accumulating partial_json", async () => {
    upstream.script({
      kind: "stream",
      chunks: [
        chatChunk({
          tool_calls: [
            { index: 0, id: "call_2", type: "function", function: { name: "add", arguments: '{"a":1,' } },
          ],
        }),
        chatChunk({ tool_calls: [{ index: 0, function: { arguments: '"b":2}' } }] }),
        chatChunk({}, "tool_calls"),
        usageChunk(5, 3),
      ],
    });
    const message = await gate
      .client()
      .messages.stream({
        model: "vllm",
        max_tokens: 50,
        tools: [{ name: "add", input_schema: { type: "object" } }],
        messages: [{ role: "user", content: "1+2" }],
      })
      .finalMessage();
    expect(message.content).toEqual([{ type: "tool_use", id: "call_2", name: "add", input: { a: 1, b: 2 } }]);
    expect(message.stop_reason).toBe("tool_use");
  });

  it("ends a stream that fails after it started with an Anthropic error event", async () => {
    upstream.script({
      kind: "stream",
      chunks: [chatChunk({ content: "partial " }), chatChunk({ content: "text" })],
      dieAfter: 2,
      done: false,
    });
    const response = await gate.post("/v1/messages", {
      model: "gpt",
      max_tokens: 100,
      stream: true,
      messages: [{ role: "user", content: "x" }],
    });
    const events = parseNamedSse(await response.text());
    const last = events.at(-1);
    expect(last?.event).toBe("error");
    assertAnthropicShape("error", last?.data);
    expect(events[0]?.data.type).toBe("message_start");
  });
});

describe("errors in Anthropic's shape", () => {
  it("401 for a wrong key, as the client's AuthenticationError", async () => {
    const error = await gate
      .client("sk-wrong")
      .messages.create({ model: "gpt", max_tokens: 5, messages: [{ role: "user", content: "x" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    const response = await gate.post("/v1/messages", {}, { "x-api-key": "sk-wrong" });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { type: string } };
    assertAnthropicShape("error", body);
    expect(body.error.type).toBe("authentication_error");
  });

  it.each([
    [400, "invalid_request_error", Anthropic.BadRequestError],
    [403, "permission_error", Anthropic.PermissionDeniedError],
    [404, "not_found_error", Anthropic.NotFoundError],
    [429, "rate_limit_error", Anthropic.RateLimitError],
    [500, "api_error", Anthropic.InternalServerError],
    [529, "overloaded_error", Anthropic.InternalServerError],
    [503, "overloaded_error", Anthropic.InternalServerError],
  ])("upstream %i -> %s", async (status, type, errorClass) => {
    upstream.script({ kind: "error", status, headers: status === 429 ? { "retry-after": "7" } : {} });
    const response = await gate.post("/v1/messages", {
      model: "gpt",
      max_tokens: 5,
      messages: [{ role: "user", content: "x" }],
    });
    // Anthropic's clients know "overloaded" as 529: a 503 is answered so.
    expect(response.status).toBe(status === 503 ? 529 : status);
    const body = (await response.json()) as { error: { type: string } };
    assertAnthropicShape("error", body);
    expect(body.error.type).toBe(type);
    if (status === 429) expect(response.headers.get("retry-after")).toBe("7");
    upstream.script({ kind: "error", status });
    const error = await gate
      .client()
      .messages.create({ model: "gpt", max_tokens: 5, messages: [{ role: "user", content: "x" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(errorClass);
  });

  it("400 for an unknown model group and for malformed JSON", async () => {
    const unknown = await gate.post("/v1/messages", {
      model: "nope",
      max_tokens: 5,
      messages: [{ role: "user", content: "x" }],
    });
    expect(unknown.status).toBe(400);
    assertAnthropicShape("error", await unknown.json());
    const malformed = await fetch(`${gate.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "sk-messages-e2e-master", "content-type": "application/json" },
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { type: string } }).error.type).toBe(
      "invalid_request_error",
    );
  });
});

describe("count_tokens", () => {
  it("answers {input_tokens} through the client's countTokens", async () => {
    const short = await gate
      .client()
      .messages.countTokens({ model: "gpt", messages: [{ role: "user", content: "hi" }] });
    const long = await gate.client().messages.countTokens({
      model: "gpt",
      system: "You are a helpful assistant with a long system prompt.",
      tools: [
        { name: "get_weather", input_schema: { type: "object", properties: { city: { type: "string" } } } },
      ],
      messages: [{ role: "user", content: "hi there, how are you doing today?" }],
    });
    expect(short.input_tokens).toBeGreaterThan(0);
    expect(long.input_tokens).toBeGreaterThan(short.input_tokens + 10);
    expect(upstream.requests.filter((entry) => entry.method === "POST")).toHaveLength(0);
  });
});
