import { describe, expect, it } from "vitest";
import { BadRequestError, UnsupportedParamsError } from "../../errors/index.js";
import type { ChatCompletionRequest } from "../../openai/types.js";
import type { TransformSettings } from "../types.js";
import { toAnthropicRequest } from "./chat-request.js";
import { INCLUDE_STREAM_USAGE } from "./wire.js";

const settings: TransformSettings = { supportsSystemMessage: true, dropParams: false };
const dropping: TransformSettings = { supportsSystemMessage: true, dropParams: true };

function request(fields: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest {
  return { model: "claude-sonnet-4-5", messages: [{ role: "user", content: "Hi" }], ...fields };
}

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("toAnthropicRequest: parameters", () => {
  it("builds the minimal body with the default max_tokens of 4096", () => {
    const body = toAnthropicRequest(request(), settings);
    expect(JSON.parse(JSON.stringify(body))).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 4096,
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
    });
  });

  it("takes max_completion_tokens over max_tokens, and max_tokens when alone", () => {
    expect(
      toAnthropicRequest(request({ max_tokens: 10, max_completion_tokens: 20 }), settings).max_tokens,
    ).toBe(20);
    expect(toAnthropicRequest(request({ max_tokens: 10 }), settings).max_tokens).toBe(10);
  });

  it("maps temperature, top_p, stop and user, and passes top_k and other Anthropic params through", () => {
    const body = toAnthropicRequest(
      request({ temperature: 0.2, top_p: 0.9, stop: "END", user: "user-7", top_k: 5, service_tier: "auto" }),
      settings,
    );
    expect(body).toMatchObject({
      temperature: 0.2,
      top_p: 0.9,
      stop_sequences: ["END"],
      metadata: { user_id: "user-7" },
      top_k: 5,
      service_tier: "auto",
    });
    expect(body).not.toHaveProperty("user");
    expect(body).not.toHaveProperty("stop");
    expect(toAnthropicRequest(request({ stop: ["a", "b"] }), settings).stop_sequences).toEqual(["a", "b"]);
  });

  it("leaves out null parameters, OpenAI's metadata, n = 1 and logprobs = false", () => {
    const body = toAnthropicRequest(
      request({ temperature: null, top_k: null, metadata: { tag: "x" }, n: 1, logprobs: false, seed: null }),
      settings,
    );
    expect(Object.keys(body).sort()).toEqual(["max_tokens", "messages", "model"]);
  });

  it("refuses a parameter Anthropic cannot take, naming it", () => {
    const error = errorOf(() => toAnthropicRequest(request({ frequency_penalty: 0.5 }), settings));
    expect(error).toBeInstanceOf(UnsupportedParamsError);
    expect(error).toMatchObject({ status: 400, param: "frequency_penalty", code: "unsupported_params" });
    expect((error as Error).message).toMatch(/drop_params/);
    expect(errorOf(() => toAnthropicRequest(request({ n: 2 }), settings))).toMatchObject({ param: "n" });
    expect(errorOf(() => toAnthropicRequest(request({ logprobs: true }), settings))).toMatchObject({
      param: "logprobs",
    });
  });

  it("drops the unsupported parameters with drop_params, and whitespace-only stop sequences", () => {
    const body = toAnthropicRequest(
      request({ n: 3, seed: 1, logprobs: true, top_logprobs: 2, presence_penalty: 1, stop: ["\n", "END"] }),
      dropping,
    );
    expect(Object.keys(body).sort()).toEqual(["max_tokens", "messages", "model", "stop_sequences"]);
    expect(body.stop_sequences).toEqual(["END"]);
  });

  it("asks for a stream and remembers include_usage without sending it", () => {
    const body = toAnthropicRequest(
      request({ stream: true, stream_options: { include_usage: true } }),
      settings,
    );
    expect(body.stream).toBe(true);
    expect(body[INCLUDE_STREAM_USAGE]).toBe(true);
    expect({ ...body }[INCLUDE_STREAM_USAGE]).toBe(true);
    expect(JSON.parse(JSON.stringify(body))).not.toHaveProperty("stream_options");
    expect(toAnthropicRequest(request({ stream: true }), settings)[INCLUDE_STREAM_USAGE]).toBe(false);
    expect(toAnthropicRequest(request({ stream: false }), settings)).not.toHaveProperty("stream");
  });
});

describe("toAnthropicRequest: thinking", () => {
  it.each([
    ["low", 1024],
    ["medium", 2048],
    ["high", 4096],
  ])("maps reasoning_effort %s to a thinking budget of %i tokens", (effort, budget) => {
    const body = toAnthropicRequest(request({ reasoning_effort: effort }), settings);
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: budget });
    expect(body.max_tokens).toBeGreaterThan(budget);
  });

  it("keeps an explicit max_tokens with a thinking budget, and an explicit thinking over reasoning_effort", () => {
    const thinking = { type: "enabled", budget_tokens: 3000 };
    const body = toAnthropicRequest(
      request({ reasoning_effort: "high", thinking, max_tokens: 5000 }),
      settings,
    );
    expect(body.thinking).toEqual(thinking);
    expect(body.max_tokens).toBe(5000);
  });

  it("sends no thinking for reasoning_effort none, and refuses an unknown effort", () => {
    expect(toAnthropicRequest(request({ reasoning_effort: "none" }), settings)).not.toHaveProperty(
      "thinking",
    );
    const error = errorOf(() => toAnthropicRequest(request({ reasoning_effort: "extreme" }), settings));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ param: "reasoning_effort" });
  });
});

const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather of a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

describe("toAnthropicRequest: tools", () => {
  it("maps function tools to input_schema tools, keeping cache_control", () => {
    const body = toAnthropicRequest(
      request({ tools: [{ ...weatherTool, cache_control: { type: "ephemeral" } }] }),
      settings,
    );
    expect(body.tools).toEqual([
      {
        name: "get_weather",
        description: "Weather of a city",
        input_schema: weatherTool.function.parameters,
        cache_control: { type: "ephemeral" },
      },
    ]);
    expect(body).not.toHaveProperty("tool_choice");
  });

  it.each([
    ["auto", { type: "auto" }],
    ["none", { type: "none" }],
    ["required", { type: "any" }],
    [
      { type: "function", function: { name: "get_weather" } },
      { type: "tool", name: "get_weather" },
    ],
  ])("maps tool_choice %j to %j", (choice, expected) => {
    expect(
      toAnthropicRequest(request({ tools: [weatherTool], tool_choice: choice }), settings).tool_choice,
    ).toEqual(expected);
  });

  it("maps parallel_tool_calls false to disable_parallel_tool_use", () => {
    expect(
      toAnthropicRequest(request({ tools: [weatherTool], parallel_tool_calls: false }), settings).tool_choice,
    ).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(
      toAnthropicRequest(
        request({ tools: [weatherTool], tool_choice: "required", parallel_tool_calls: false }),
        settings,
      ).tool_choice,
    ).toEqual({ type: "any", disable_parallel_tool_use: true });
  });

  it("passes tools already in Anthropic's shape untouched", () => {
    const tools = [
      { type: "web_search_20250305", name: "web_search", max_uses: 3 },
      { name: "native", input_schema: { type: "object" } },
    ];
    expect(toAnthropicRequest(request({ tools }), settings).tools).toEqual(tools);
  });

  it("turns response_format json_schema into a forced json_tool_call tool", () => {
    const schema = { type: "object", properties: { name: { type: "string" } }, required: ["name"] };
    const body = toAnthropicRequest(
      request({ response_format: { type: "json_schema", json_schema: { name: "person", schema } } }),
      settings,
    );
    expect(body.tools).toEqual([{ name: "json_tool_call", input_schema: schema }]);
    expect(body.tool_choice).toEqual({ type: "tool", name: "json_tool_call" });
    expect(body).not.toHaveProperty("response_format");
  });

  it("turns json_object into an open object tool; with thinking on the tool is not forced", () => {
    const body = toAnthropicRequest(request({ response_format: { type: "json_object" } }), settings);
    expect(body.tools).toEqual([
      { name: "json_tool_call", input_schema: { type: "object", additionalProperties: true } },
    ]);
    const thinking = toAnthropicRequest(
      request({ response_format: { type: "json_object" }, reasoning_effort: "low" }),
      settings,
    );
    expect(thinking.tool_choice).toEqual({ type: "auto" });
    expect(toAnthropicRequest(request({ response_format: { type: "text" } }), settings)).not.toHaveProperty(
      "tools",
    );
  });

  it("adds the json tool beside the caller's tools without forcing it", () => {
    const body = toAnthropicRequest(
      request({ tools: [weatherTool], tool_choice: "auto", response_format: { type: "json_object" } }),
      settings,
    );
    expect(body.tools?.map((tool) => tool.name)).toEqual(["get_weather", "json_tool_call"]);
    expect(body.tool_choice).toEqual({ type: "auto" });
  });

  it("maps web_search_options to Anthropic's web search tool", () => {
    const body = toAnthropicRequest(
      request({
        web_search_options: { user_location: { type: "approximate", approximate: { city: "Paris" } } },
      }),
      settings,
    );
    expect(body.tools).toEqual([
      {
        type: "web_search_20250305",
        name: "web_search",
        user_location: { type: "approximate", city: "Paris" },
      },
    ]);
  });
});
