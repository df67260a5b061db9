import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BadRequestError, UnsupportedParamsError } from "../../errors/index.js";
import type { ChatCompletionRequest, ChatMessage } from "../../openai/types.js";
import { BEDROCK_CALL, callStateOf, toConverseRequest } from "./chat-request.js";

const settings = { supportsSystemMessage: true, dropParams: false };
const dropping = { supportsSystemMessage: true, dropParams: true };
const CLAUDE = "us.anthropic.claude-3-7-sonnet-20250219-v1:0";
const user = (content: ChatMessage["content"]): ChatMessage => ({ role: "user", content });

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
}

function convert(request: Partial<ChatCompletionRequest>, options = settings) {
  return toConverseRequest({ model: CLAUDE, messages: [user("hi")], ...request }, options);
}

function failure(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe("toConverseRequest", () => {
  it("translates a whole conversation as the golden fixture says (system, images, tools, results, cache points)", () => {
    const request = fixture("bedrock-request-conversation.openai.json") as ChatCompletionRequest;
    const body = toConverseRequest(request, settings);
    expect(JSON.parse(JSON.stringify(body))).toEqual(fixture("bedrock-request-conversation.converse.json"));
    expect(callStateOf(body)).toEqual({ includeUsage: true, jsonToolName: undefined });
  });

  it("keeps its call state out of the JSON but through the SDK's extra_body spread", () => {
    const body = convert({ stream_options: { include_usage: true } });
    expect(JSON.stringify(body)).not.toContain("include_usage");
    expect(callStateOf({ ...body, extra: 1 }).includeUsage).toBe(true);
    expect(BEDROCK_CALL in { ...body }).toBe(true);
  });

  it("uses max_tokens when max_completion_tokens is absent, and a string stop", () => {
    expect(convert({ max_tokens: 10, stop: "\n\n" }).inferenceConfig).toEqual({
      maxTokens: 10,
      stopSequences: ["\n\n"],
    });
    expect(convert({}).inferenceConfig).toBeUndefined();
  });

  it("turns system messages into user text where the model takes no system prompt", () => {
    const body = toConverseRequest(
      { model: CLAUDE, messages: [{ role: "system", content: "rules" }, user("hi")] },
      { supportsSystemMessage: false, dropParams: false },
    );
    expect(body.system).toBeUndefined();
    expect(body.messages).toEqual([{ role: "user", content: [{ text: "rules" }, { text: "hi" }] }]);
  });

  it("merges consecutive turns and leaves out empty text", () => {
    const body = convert({
      messages: [
        user("a"),
        user(""),
        { role: "assistant", content: "b" },
        { role: "assistant", content: "c" },
        user("d"),
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: [{ text: "a" }] },
      { role: "assistant", content: [{ text: "b" }, { text: "c" }] },
      { role: "user", content: [{ text: "d" }] },
    ]);
  });

  it("maps jpeg/webp data URLs, s3 URIs and PDF files; refuses http image URLs (Converse cannot fetch)", () => {
    const body = convert({
      messages: [
        user([
          { type: "image_url", image_url: { url: "data:image/jpg;base64,AAAA" } },
          { type: "image_url", image_url: "data:image/webp;base64,BBBB" },
          { type: "image_url", image_url: { url: "s3://bucket/cat.JPEG" } },
          {
            type: "file",
            file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "report.v2.pdf" },
          },
        ]),
      ],
    });
    expect(body.messages[0]?.content).toEqual([
      { image: { format: "jpeg", source: { bytes: "AAAA" } } },
      { image: { format: "webp", source: { bytes: "BBBB" } } },
      { image: { format: "jpeg", source: { s3Location: { uri: "s3://bucket/cat.JPEG" } } } },
      { document: { format: "pdf", name: "report-v2", source: { bytes: "JVBERi0=" } } },
    ]);
    const refused = failure(() =>
      convert({
        messages: [user([{ type: "image_url", image_url: { url: "https://example.com/cat.png" } }])],
      }),
    );
    expect(refused).toBeInstanceOf(BadRequestError);
    expect((refused as BadRequestError).message).toMatch(
      /cannot fetch an image URL: send the image as a data URL/,
    );
    expect(
      failure(() => convert({ messages: [user([{ type: "input_audio", input_audio: {} }])] })),
    ).toBeInstanceOf(BadRequestError);
  });

  it("refuses tool calls whose arguments are not JSON, and a tool message without its id", () => {
    const call = { id: "t1", type: "function" as const, function: { name: "f", arguments: "{oops" } };
    expect(
      failure(() =>
        convert({ messages: [user("x"), { role: "assistant", content: null, tool_calls: [call] }] }),
      ),
    ).toBeInstanceOf(BadRequestError);
    expect(failure(() => convert({ messages: [user("x"), { role: "tool", content: "r" }] }))).toBeInstanceOf(
      BadRequestError,
    );
  });

  it("sends thinking_blocks of an assistant turn back as reasoning blocks before its tool use", () => {
    const body = convert({
      messages: [
        user("x"),
        {
          role: "assistant",
          content: null,
          thinking_blocks: [
            { type: "thinking", thinking: "hmm", signature: "sig" },
            { type: "redacted_thinking", data: "zz" },
          ],
          tool_calls: [{ id: "t1", type: "function", function: { name: "f", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "t1", content: "" },
      ],
      tools: [{ type: "function", function: { name: "f" } }],
    });
    expect(body.messages[1]?.content).toEqual([
      { reasoningContent: { reasoningText: { text: "hmm", signature: "sig" } } },
      { reasoningContent: { redactedContent: "zz" } },
      { toolUse: { toolUseId: "t1", name: "f", input: {} } },
    ]);
    expect(body.messages[2]?.content).toEqual([
      { toolResult: { toolUseId: "t1", content: [{ text: "(no output)" }] } },
    ]);
  });

  it("maps tool_choice required and a named function; none leaves the tools out", () => {
    const tools = [{ type: "function", function: { name: "f" } }];
    expect(convert({ tools, tool_choice: "required" }).toolConfig?.toolChoice).toEqual({ any: {} });
    expect(
      convert({ tools, tool_choice: { type: "function", function: { name: "f" } } }).toolConfig?.toolChoice,
    ).toEqual({
      tool: { name: "f" },
    });
    expect(convert({ tools, tool_choice: "none" }).toolConfig).toBeUndefined();
  });

  it('refuses tool_choice "none" where the conversation holds tool calls, unless drop_params', () => {
    const messages: ChatMessage[] = [
      user("x"),
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "t1", type: "function", function: { name: "f", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "t1", content: "ok" },
    ];
    const tools = [{ type: "function", function: { name: "f" } }];
    const refused = failure(() => convert({ messages, tools, tool_choice: "none" }));
    expect(refused).toBeInstanceOf(UnsupportedParamsError);
    expect((refused as UnsupportedParamsError).param).toBe("tool_choice");
    expect(convert({ messages, tools, tool_choice: "none" }, dropping).toolConfig).toEqual({
      tools: [{ toolSpec: { name: "f", inputSchema: { json: { type: "object", properties: {} } } } }],
    });
  });

  it("makes response_format a forced tool: json_object with an open schema, json_schema with its own", () => {
    const object = convert({ response_format: { type: "json_object" } });
    expect(object.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: "json_tool_call",
            inputSchema: { json: { type: "object", additionalProperties: true, properties: {} } },
          },
        },
      ],
      toolChoice: { tool: { name: "json_tool_call" } },
    });
    expect(callStateOf(object).jsonToolName).toBe("json_tool_call");
    const schema = { type: "object", properties: { n: { type: "number" } } };
    const named = convert({
      response_format: {
        type: "json_schema",
        json_schema: { name: "answer", description: "The answer", schema },
      },
    });
    expect(named.toolConfig?.tools).toEqual([
      { toolSpec: { name: "answer", description: "The answer", inputSchema: { json: schema } } },
    ]);
    expect(convert({ response_format: { type: "text" } }).toolConfig).toBeUndefined();
  });

  it("maps reasoning_effort to Claude's thinking budget, with room for the answer", () => {
    const body = convert({ reasoning_effort: "medium" });
    expect(body.additionalModelRequestFields).toEqual({ thinking: { type: "enabled", budget_tokens: 2048 } });
    expect(body.inferenceConfig).toEqual({ maxTokens: 2048 + 4096 });
    expect(convert({ reasoning_effort: "high", max_tokens: 9000 }).inferenceConfig).toEqual({
      maxTokens: 9000,
    });
    expect(
      convert({ thinking: { type: "enabled", budget_tokens: 1500 } }).additionalModelRequestFields,
    ).toEqual({
      thinking: { type: "enabled", budget_tokens: 1500 },
    });
    expect(
      convert({ model: "openai.gpt-oss-120b-1:0", reasoning_effort: "low" }).additionalModelRequestFields,
    ).toEqual({
      reasoning_effort: "low",
    });
    expect(
      failure(() => convert({ model: "meta.llama3-1-70b-instruct-v1:0", reasoning_effort: "low" })),
    ).toBeInstanceOf(UnsupportedParamsError);
    expect(convert({ reasoning_effort: "none" }).additionalModelRequestFields).toBeUndefined();
  });

  it("refuses a forced tool with thinking, and forces no response_format tool then", () => {
    const tools = [{ type: "function", function: { name: "f" } }];
    expect(
      failure(() => convert({ reasoning_effort: "low", tools, tool_choice: "required" })),
    ).toBeInstanceOf(UnsupportedParamsError);
    expect(
      convert({ reasoning_effort: "low", response_format: { type: "json_object" } }).toolConfig?.toolChoice,
    ).toBeUndefined();
  });

  it("puts top_k where the model family wants it", () => {
    expect(convert({ top_k: 5 }).additionalModelRequestFields).toEqual({ top_k: 5 });
    expect(convert({ model: "amazon.nova-pro-v1:0", top_k: 5 }).additionalModelRequestFields).toEqual({
      inferenceConfig: { topK: 5 },
    });
  });

  it("refuses OpenAI parameters Converse has nothing for, naming them, unless drop_params", () => {
    for (const [param, value] of [
      ["seed", 3],
      ["frequency_penalty", 0.5],
      ["logit_bias", { "1": 2 }],
      ["user", "u-1"],
      ["n", 2],
      ["parallel_tool_calls", false],
      ["logprobs", true],
    ] as const) {
      const refused = failure(() => convert({ [param]: value }));
      expect(refused).toBeInstanceOf(UnsupportedParamsError);
      expect((refused as UnsupportedParamsError).param).toBe(param);
      expect(convert({ [param]: value }, dropping).additionalModelRequestFields).toBeUndefined();
    }
    expect(convert({ n: 1, logprobs: false, seed: null }).additionalModelRequestFields).toBeUndefined();
  });

  it("refuses a non-function tool unless drop_params, and checks number types", () => {
    const tools = [{ type: "web_search" }, { type: "function", function: { name: "f" } }];
    expect(failure(() => convert({ tools }))).toBeInstanceOf(UnsupportedParamsError);
    expect(convert({ tools }, dropping).toolConfig?.tools).toHaveLength(1);
    expect(failure(() => convert({ temperature: "hot" }))).toBeInstanceOf(BadRequestError);
  });

  it("strips LiteLLM's converse/ route from the model id it reads", () => {
    expect(
      convert({ model: `converse/amazon.nova-lite-v1:0`, top_k: 2 }).additionalModelRequestFields,
    ).toEqual({
      inferenceConfig: { topK: 2 },
    });
  });
});
