import { describe, expect, it } from "vitest";
import type { ChatCompletionChunk } from "../../openai/types.js";
import type { CallContext } from "../../sdk/call.js";
import type { CallParams, CallResult, ChunkStream } from "../../sdk/types.js";
import { CLIENT_HEADERS, callMessages, type MessagesParams } from "./call.js";
import type { StreamEvent } from "./wire.js";

interface Seen {
  params: Record<string, unknown>;
  context: CallContext | undefined;
}

function streamOf<Chunk>(chunks: Chunk[]): ChunkStream<Chunk> {
  return {
    async *[Symbol.asyncIterator]() {
      yield* chunks;
    },
    abort() {},
  };
}

function recordingCall(result: CallResult<"chat">, seen: Seen[]) {
  return async (_operation: "chat", params: CallParams<"chat">, context?: CallContext) => {
    seen.push({ params: params as Record<string, unknown>, context });
    return result;
  };
}

const origin = { headers: {}, providerId: "p", model: "m" };
const request: MessagesParams = { model: "", max_tokens: 5, messages: [{ role: "user", content: "hi" }] };

describe("callMessages", () => {
  it("translates for an OpenAI-compatible model, keeping routing fields as call options", async () => {
    const seen: Seen[] = [];
    const chat = recordingCall(
      {
        ...origin,
        kind: "response",
        data: {
          id: "chatcmpl-1",
          object: "chat.completion",
          created: 1,
          model: "gpt",
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: "yo" },
              finish_reason: "stop",
              logprobs: null,
            },
          ],
        },
      },
      seen,
    );
    const result = await callMessages(
      { ...request, model: "openai/gpt", api_base: "http://x/v1", timeout: 3 },
      {},
      chat,
    );
    expect(seen[0]?.params).toEqual({
      model: "openai/gpt",
      max_tokens: 5,
      messages: [{ role: "user", content: "hi" }],
      api_base: "http://x/v1",
      timeout: 3,
    });
    expect(seen[0]?.context?.provider).toBeUndefined();
    expect(result.kind === "response" && result.data.content).toEqual([{ type: "text", text: "yo" }]);
  });

  it("passes an anthropic/ model natively: the body as is, the client's anthropic headers, the native operation", async () => {
    const seen: Seen[] = [];
    const message = {
      id: "msg_1",
      type: "message",
      usage: { input_tokens: 3, output_tokens: 2, cache_read_input_tokens: 4 },
    };
    const chat = recordingCall(
      { ...origin, kind: "response", data: message as never, rawBody: "{raw}" },
      seen,
    );
    const params: MessagesParams = {
      ...request,
      model: "anthropic/claude-x",
      output_config: { effort: "low" },
      extra_headers: { "x-team": "a" },
      drop_params: true,
      [CLIENT_HEADERS]: { "anthropic-beta": "b1,b2" },
    };
    const result = await callMessages(params, {}, chat);
    expect(seen[0]?.params).toEqual({
      model: "anthropic/claude-x",
      max_tokens: 5,
      messages: [{ role: "user", content: "hi" }],
      output_config: { effort: "low" },
      extra_headers: { "x-team": "a", "anthropic-beta": "b1,b2" },
    });
    const provider = seen[0]?.context?.provider;
    expect(provider?.id).toBe("anthropic");
    const body = { model: "claude-x", anything: 1 };
    expect(
      provider?.operations.chat?.toRequest(body as never, { supportsSystemMessage: true, dropParams: false }),
    ).toBe(body);
    expect(result).toMatchObject({
      kind: "response",
      rawBody: "{raw}",
      summary: { id: "msg_1", usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 } },
    });
  });

  it("passes vertex_ai/ Claude natively (anthropic_version in the body), and translates Gemini and Bedrock's other models", async () => {
    const seen: Seen[] = [];
    const message = { id: "msg_2", type: "message", usage: { input_tokens: 1, output_tokens: 1 } };
    const chat = recordingCall({ ...origin, kind: "response", data: message as never }, seen);
    const headers = { "anthropic-beta": "b1", "anthropic-version": "2023-06-01" };
    await callMessages(
      { ...request, model: "vertex_ai/claude-sonnet-4-5@20250929", [CLIENT_HEADERS]: headers },
      {},
      chat,
    );
    const provider = seen[0]?.context?.provider;
    expect(provider?.id).toBe("vertex_ai");
    expect(seen[0]?.params.extra_headers).toEqual({ "anthropic-beta": "b1" });
    const sent = provider?.operations.chat?.toRequest(
      { model: "claude-sonnet-4-5@20250929", messages: [] },
      {
        supportsSystemMessage: true,
        dropParams: false,
      },
    );
    expect(sent).toEqual({ messages: [], anthropic_version: "vertex-2023-10-16" });
    for (const model of [
      "vertex_ai/gemini-2.5-pro",
      "bedrock/amazon.nova-pro-v1:0",
      "bedrock/meta.llama3-70b",
    ]) {
      const translated: Seen[] = [];
      const answer = { id: "c", object: "chat.completion", created: 1, model: "m", choices: [] };
      await callMessages(
        { ...request, model },
        {},
        recordingCall({ ...origin, kind: "response", data: answer as never }, translated),
      );
      expect(translated[0]?.context?.provider).toBeUndefined();
      expect(translated[0]?.params.messages).toEqual([{ role: "user", content: "hi" }]);
    }
  });

  it("passes bedrock/ Claude natively (InvokeModel): betas and version in the body, no model or stream", async () => {
    for (const model of [
      "bedrock/anthropic.claude-sonnet-4-5-v1:0",
      "bedrock/converse/us.anthropic.claude-3-5-sonnet-20241022-v2:0",
      "bedrock/arn:aws:bedrock:us-east-1:123:inference-profile/us.anthropic.claude-sonnet-4-5-v1:0",
    ]) {
      const seen: Seen[] = [];
      const message = { id: "msg_3", type: "message", usage: { input_tokens: 2, output_tokens: 3 } };
      const chat = recordingCall({ ...origin, kind: "response", data: message as never }, seen);
      const headers = { "anthropic-beta": "b1, b2", "anthropic-version": "2023-06-01" };
      const result = await callMessages(
        { ...request, model, anthropic_beta: ["b0", "b1"], [CLIENT_HEADERS]: headers } as MessagesParams,
        {},
        chat,
      );
      const provider = seen[0]?.context?.provider;
      expect(provider?.id).toBe("bedrock");
      expect(seen[0]?.params.extra_headers).toEqual({});
      expect(seen[0]?.params.anthropic_beta).toEqual(["b0", "b1", "b2"]);
      expect(result).toMatchObject({
        kind: "response",
        summary: { id: "msg_3", usage: { total_tokens: 5 } },
      });
      const operation = provider?.operations.chat;
      const sent = operation?.toRequest(
        { model: "x", stream: true, messages: [], anthropic_beta: ["b1"] } as never,
        { supportsSystemMessage: true, dropParams: false },
      );
      expect(sent).toEqual({ messages: [], anthropic_beta: ["b1"], anthropic_version: "bedrock-2023-05-31" });
      expect(operation?.streamFraming).toBe("aws-eventstream");
    }
  });

  it("turns a chat stream into Anthropic events", async () => {
    const chunk = (delta: Record<string, unknown>, finish: string | null): ChatCompletionChunk => ({
      id: "c",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
    const chat = recordingCall(
      { ...origin, kind: "stream", stream: streamOf([chunk({ content: "a" }, null), chunk({}, "stop")]) },
      [],
    );
    const result = await callMessages({ ...request, model: "hosted_vllm/llama", stream: true }, {}, chat);
    if (result.kind !== "stream") throw new Error("expected a stream");
    const types: string[] = [];
    for await (const event of result.stream as ChunkStream<StreamEvent>) types.push(event.type);
    expect(types).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
  });
});
