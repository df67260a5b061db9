import { describe, expect, it } from "vitest";
import { BadRequestError, UnsupportedParamsError } from "../../errors/index.js";
import type { ChatCompletionRequest } from "../../openai/types.js";
import type { TransformSettings } from "../types.js";
import { toOllamaChatRequest } from "./chat-request.js";
import { INCLUDE_STREAM_USAGE } from "./wire.js";

const settings: TransformSettings = { supportsSystemMessage: true, dropParams: false };
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk";

function request(fields: Partial<ChatCompletionRequest>): ChatCompletionRequest {
  return { model: "llama3.2", messages: [{ role: "user", content: "Hi" }], ...fields };
}

const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather of a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

describe("toOllamaChatRequest", () => {
  it("sends the messages and stream: false (Ollama streams when stream is absent)", () => {
    expect(toOllamaChatRequest(request({}), settings)).toEqual({
      model: "llama3.2",
      messages: [{ role: "user", content: "Hi" }],
      stream: false,
    });
  });

  it("maps OpenAI sampling parameters into options", () => {
    const body = toOllamaChatRequest(
      request({
        max_tokens: 50,
        temperature: 0.2,
        top_p: 0.9,
        seed: 7,
        stop: "END",
        frequency_penalty: 0.5,
        presence_penalty: 0.1,
      }),
      settings,
    );
    expect(body.options).toEqual({
      num_predict: 50,
      temperature: 0.2,
      top_p: 0.9,
      seed: 7,
      stop: ["END"],
      frequency_penalty: 0.5,
      presence_penalty: 0.1,
    });
    expect(
      toOllamaChatRequest(request({ max_completion_tokens: 9, max_tokens: 50 }), settings).options,
    ).toEqual({
      num_predict: 9,
    });
  });

  it("passes Ollama's own options into options, its top-level fields as they are", () => {
    const body = toOllamaChatRequest(
      request({
        top_k: 40,
        num_ctx: 8192,
        repeat_penalty: 1.1,
        mirostat: 1,
        options: { min_p: 0.05 },
        keep_alive: "10m",
        user: "end-user-1",
      }),
      settings,
    );
    expect(body.options).toEqual({ top_k: 40, num_ctx: 8192, repeat_penalty: 1.1, mirostat: 1, min_p: 0.05 });
    expect(body.keep_alive).toBe("10m");
    expect(body).not.toHaveProperty("user");
    expect(body).not.toHaveProperty("top_k");
  });

  it("maps response_format to format: json, or the JSON schema", () => {
    expect(toOllamaChatRequest(request({ response_format: { type: "json_object" } }), settings).format).toBe(
      "json",
    );
    const schema = { type: "object", properties: { name: { type: "string" } } };
    const body = toOllamaChatRequest(
      request({ response_format: { type: "json_schema", json_schema: { name: "person", schema } } }),
      settings,
    );
    expect(body.format).toEqual(schema);
    expect(toOllamaChatRequest(request({ response_format: { type: "text" } }), settings)).not.toHaveProperty(
      "format",
    );
  });

  it("maps reasoning_effort to think: on/off, or the level for gpt-oss; think given is kept", () => {
    expect(toOllamaChatRequest(request({ reasoning_effort: "high" }), settings).think).toBe(true);
    expect(toOllamaChatRequest(request({ reasoning_effort: "none" }), settings).think).toBe(false);
    expect(
      toOllamaChatRequest(request({ model: "gpt-oss:20b", reasoning_effort: "medium" }), settings).think,
    ).toBe("medium");
    expect(
      toOllamaChatRequest(request({ model: "gpt-oss:20b", reasoning_effort: "minimal" }), settings).think,
    ).toBe("low");
    expect(toOllamaChatRequest(request({ think: false, reasoning_effort: "high" }), settings).think).toBe(
      false,
    );
    expect(() => toOllamaChatRequest(request({ reasoning_effort: "max" }), settings)).toThrow(
      BadRequestError,
    );
  });

  it("maps system, developer, images, tool calls and tool results", () => {
    const body = toOllamaChatRequest(
      request({
        messages: [
          { role: "system", content: "Be brief." },
          { role: "developer", content: "Use metric units." },
          {
            role: "user",
            content: [
              { type: "text", text: "What is this" },
              { type: "text", text: "and the weather in Paris?" },
              { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
            ],
          },
          {
            role: "assistant",
            content: null,
            reasoning_content: "I should call the tool.",
            tool_calls: [
              {
                id: "call_1",
                type: "function",
                function: { name: "get_weather", arguments: '{"city":"Paris"}' },
              },
            ],
          },
          { role: "tool", tool_call_id: "call_1", content: "18C" },
        ],
        tools: [weatherTool],
      }),
      settings,
    );
    expect(body.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "system", content: "Use metric units." },
      { role: "user", content: "What is this\nand the weather in Paris?", images: [PNG] },
      {
        role: "assistant",
        content: "",
        thinking: "I should call the tool.",
        tool_calls: [{ id: "call_1", function: { name: "get_weather", arguments: { city: "Paris" } } }],
      },
      { role: "tool", content: "18C", tool_name: "get_weather" },
    ]);
    expect(body.tools).toEqual([weatherTool]);
  });

  it("sends system messages as user ones where the model takes none", () => {
    const body = toOllamaChatRequest(request({ messages: [{ role: "system", content: "S" }] }), {
      ...settings,
      supportsSystemMessage: false,
    });
    expect(body.messages).toEqual([{ role: "user", content: "S" }]);
  });

  it("refuses an http image URL (Ollama takes images inline) and unknown content parts", () => {
    const withUrl = request({
      messages: [
        { role: "user", content: [{ type: "image_url", image_url: { url: "https://x.test/a.png" } }] },
      ],
    });
    expect(() => toOllamaChatRequest(withUrl, settings)).toThrow(/base64 data URL/);
    const withAudio = request({
      messages: [{ role: "user", content: [{ type: "input_audio", input_audio: {} }] }],
    });
    expect(() => toOllamaChatRequest(withAudio, settings)).toThrow(BadRequestError);
  });

  it("keeps tool_choice none by sending no tools; refuses a choice Ollama cannot force", () => {
    expect(
      toOllamaChatRequest(request({ tools: [weatherTool], tool_choice: "none" }), settings),
    ).not.toHaveProperty("tools");
    expect(
      toOllamaChatRequest(request({ tools: [weatherTool], tool_choice: "auto" }), settings).tools,
    ).toHaveLength(1);
    const forced = request({ tools: [weatherTool], tool_choice: "required" });
    const error = (() => {
      try {
        toOllamaChatRequest(forced, settings);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(UnsupportedParamsError);
    expect((error as UnsupportedParamsError).param).toBe("tool_choice");
    const dropped = toOllamaChatRequest(forced, { ...settings, dropParams: true });
    expect(dropped.tools).toHaveLength(1);
    expect(dropped).not.toHaveProperty("tool_choice");
  });

  it("refuses parameters Ollama cannot take, naming them; drops them with drop_params", () => {
    expect(() => toOllamaChatRequest(request({ logit_bias: { 1: 2 } }), settings)).toThrow(/logit_bias/);
    expect(() => toOllamaChatRequest(request({ n: 2 }), settings)).toThrow(UnsupportedParamsError);
    expect(() => toOllamaChatRequest(request({ logprobs: true }), settings)).toThrow(/logprobs/);
    const body = toOllamaChatRequest(request({ n: 2, logit_bias: { 1: 2 } }), {
      ...settings,
      dropParams: true,
    });
    expect(body).toEqual({ model: "llama3.2", messages: [{ role: "user", content: "Hi" }], stream: false });
    expect(toOllamaChatRequest(request({ n: 1 }), settings)).not.toHaveProperty("n");
  });

  it("marks a stream that asked for usage, outside the serialized body", () => {
    const body = toOllamaChatRequest(
      request({ stream: true, stream_options: { include_usage: true } }),
      settings,
    );
    expect(body.stream).toBe(true);
    expect(body[INCLUDE_STREAM_USAGE]).toBe(true);
    expect(JSON.parse(JSON.stringify(body))).not.toHaveProperty("stream_options");
    expect(toOllamaChatRequest(request({ stream: true }), settings)[INCLUDE_STREAM_USAGE]).toBe(false);
  });

  it("refuses tool call arguments that are not JSON", () => {
    const bad = request({
      messages: [
        {
          role: "assistant",
          content: "",
          tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{not json" } }],
        },
      ],
    });
    expect(() => toOllamaChatRequest(bad, settings)).toThrow(/not JSON/);
  });
});
