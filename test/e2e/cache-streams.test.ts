/**
 * Streams and the response cache, through the real CLI and the official openai client: a cached
 * answer asked for with `stream: true` is replayed as a well-formed stream (chunks valid against
 * OpenAI's spec, usage when asked, `[DONE]`), a completed stream is stored, a broken one is not.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { assertMatchesOpenAISchema } from "../spec/openai-schemas.js";
import { chat, isHit, startCacheGate, upstreamCount } from "./cache-helpers.js";
import { at, type Gate, MASTER_KEY, sseData } from "./keys-helpers.js";

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
  await gate.api("POST", "/cache/flushall");
  upstream.clear();
});

const chatCalls = () => upstreamCount(upstream, "/chat/completions");
const messages = (text: string) => [{ role: "user" as const, content: text }];

describe("stream replay", () => {
  it("replays a cached answer as a stream the official client reads, with usage when asked", async () => {
    const client = gate.client(MASTER_KEY);
    const stored = await client.chat.completions.create({ model: "mini", messages: messages("replay me") });
    const stream = await client.chat.completions.create({
      model: "mini",
      messages: messages("replay me"),
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = "";
    let finishReason: string | null | undefined;
    let usage: unknown;
    for await (const chunk of stream) {
      assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", chunk);
      expect(chunk.id).toBe(stored.id);
      content += chunk.choices[0]?.delta.content ?? "";
      finishReason ??= chunk.choices[0]?.finish_reason;
      if (chunk.usage !== null && chunk.usage !== undefined) usage = chunk.usage;
    }
    expect(content).toBe(stored.choices[0]?.message.content);
    expect(finishReason).toBe("stop");
    expect(usage).toEqual(stored.usage);
    // The stream helper assembles the same message.
    const runner = client.chat.completions.stream({ model: "mini", messages: messages("replay me") });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe(stored.choices[0]?.message.content);
    expect(chatCalls()).toBe(1);
  });

  it("sends SSE with the cache headers and [DONE], and no usage chunk unless asked", async () => {
    await chat(gate, { messages: messages("raw replay") });
    const answer = await chat(gate, { messages: messages("raw replay"), stream: true });
    expect(answer.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(isHit(answer)).toBe(true);
    const data = sseData(String(answer.body));
    expect(data.at(-1)).toBe("[DONE]");
    const chunks = data.slice(0, -1).map((text) => JSON.parse(text) as Record<string, unknown>);
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    for (const chunk of chunks) {
      expect(chunk.object).toBe("chat.completion.chunk");
      expect(chunk.usage).toBeUndefined();
    }
  });

  it("replays tool calls so the client assembles them", async () => {
    const answer = {
      id: "chatcmpl-tools",
      object: "chat.completion",
      created: 1_700_000_000,
      model: "gpt-4o-mini",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q":"a"}' } },
              { id: "call_2", type: "function", function: { name: "lookup", arguments: '{"q":"b"}' } },
            ],
          },
          finish_reason: "tool_calls",
        },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
    };
    upstream.script({ kind: "json", body: answer });
    const client = gate.client(MASTER_KEY);
    const tools = [
      { type: "function" as const, function: { name: "lookup", parameters: { type: "object" } } },
    ];
    await client.chat.completions.create({ model: "mini", messages: messages("use tools"), tools });
    const runner = client.chat.completions.stream({ model: "mini", messages: messages("use tools"), tools });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
    expect(final.choices[0]?.message.tool_calls).toEqual(
      answer.choices[0]?.message.tool_calls.map((call) => expect.objectContaining(call)),
    );
    expect(chatCalls()).toBe(1);
  });
});

describe("streams stored", () => {
  it("stores a stream that completed and answers it later, streamed or not", async () => {
    const client = gate.client(MASTER_KEY);
    const stream = await client.chat.completions.create({
      model: "mini",
      messages: messages("stream me to the cache"),
      stream: true,
    });
    let streamed = "";
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? "";
    expect(streamed).toBe("echo: stream me to the cache");
    const later = await chat(gate, { messages: messages("stream me to the cache") });
    expect(isHit(later)).toBe(true);
    assertMatchesOpenAISchema("CreateChatCompletionResponse", later.body);
    expect(at(later.body, "choices", 0, "message", "content")).toBe(streamed);
    // The proxy asked the upstream for usage: the stored answer has it.
    expect(at(later.body, "usage", "total_tokens")).toBeGreaterThan(0);
    const again = await chat(gate, { messages: messages("stream me to the cache"), stream: true });
    expect(isHit(again)).toBe(true);
    expect(chatCalls()).toBe(1);
  });

  it("assembles streamed tool calls into the stored answer", async () => {
    const base = { id: "chatcmpl-s", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini" };
    const delta = (value: Record<string, unknown>, finish: string | null = null) => ({
      ...base,
      choices: [{ index: 0, delta: value, finish_reason: finish }],
    });
    upstream.script({
      kind: "stream",
      chunks: [
        delta({ role: "assistant", content: null }),
        delta({
          tool_calls: [{ index: 0, id: "call_9", type: "function", function: { name: "go", arguments: "" } }],
        }),
        delta({ tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }),
        delta({ tool_calls: [{ index: 0, function: { arguments: "1}" } }] }),
        delta({}, "tool_calls"),
      ],
    });
    await chat(gate, { messages: messages("stream tools"), stream: true });
    const later = await chat(gate, { messages: messages("stream tools") });
    expect(isHit(later)).toBe(true);
    expect(at(later.body, "choices", 0, "message", "tool_calls")).toEqual([
      { id: "call_9", type: "function", function: { name: "go", arguments: '{"a":1}' } },
    ]);
    expect(at(later.body, "choices", 0, "finish_reason")).toBe("tool_calls");
  });

  it("does not store a stream that broke off", async () => {
    const base = { id: "chatcmpl-b", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini" };
    upstream.script({
      kind: "stream",
      chunks: [
        {
          ...base,
          choices: [{ index: 0, delta: { role: "assistant", content: "half" }, finish_reason: null }],
        },
        { ...base, choices: [{ index: 0, delta: { content: " more" }, finish_reason: null }] },
      ],
      dieAfter: 2,
    });
    await chat(gate, { messages: messages("broken stream"), stream: true });
    const later = await chat(gate, { messages: messages("broken stream") });
    expect(isHit(later)).toBe(false);
    expect(chatCalls()).toBe(2);
  });
});
