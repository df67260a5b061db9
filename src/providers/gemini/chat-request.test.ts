import { describe, expect, it } from "vitest";
import { BadRequestError, UnsupportedParamsError } from "../../errors/index.js";
import type { ChatCompletionRequest } from "../../openai/types.js";
import { toGeminiRequest } from "./chat-request.js";
import { INCLUDE_STREAM_USAGE } from "./wire.js";

const settings = { supportsSystemMessage: true, dropParams: false };

function build(request: Partial<ChatCompletionRequest>, overrides = settings) {
  return toGeminiRequest(
    { model: "gemini-2.5-flash", messages: [{ role: "user", content: "Hi" }], ...request },
    overrides,
  );
}

describe("toGeminiRequest", () => {
  it("puts system and developer messages in system_instruction and maps roles to user/model", () => {
    const body = build({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
        { role: "user", content: "Hello" },
        { role: "assistant", content: "Bonjour" },
        { role: "user", content: "Capital of France?" },
      ],
    });
    expect(body.system_instruction).toEqual({
      parts: [{ text: "Be brief." }, { text: "Answer in French." }],
    });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "Hello" }] },
      { role: "model", parts: [{ text: "Bonjour" }] },
      { role: "user", parts: [{ text: "Capital of France?" }] },
    ]);
  });

  it("turns system messages into user turns when the model takes no system message", () => {
    const body = build(
      {
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Hello" },
        ],
      },
      { supportsSystemMessage: false, dropParams: false },
    );
    expect(body.system_instruction).toBeUndefined();
    expect(body.contents).toEqual([{ role: "user", parts: [{ text: "Be brief." }, { text: "Hello" }] }]);
  });

  it("merges consecutive messages of one role", () => {
    const body = build({
      messages: [
        { role: "user", content: "One" },
        { role: "user", content: "Two" },
        { role: "assistant", content: "A" },
        { role: "assistant", content: "B" },
      ],
    });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "One" }, { text: "Two" }] },
      { role: "model", parts: [{ text: "A" }, { text: "B" }] },
    ]);
  });

  it("maps a data URL image to inline_data and an http URL to file_data with its MIME type", () => {
    const body = build({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Compare" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.webp?size=2" } },
            { type: "image_url", image_url: { url: "https://example.com/render", format: "image/gif" } },
            { type: "input_audio", input_audio: { data: "UklGRg==", format: "mp3" } },
          ],
        },
      ],
    });
    expect(body.contents[0]?.parts).toEqual([
      { text: "Compare" },
      { inline_data: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
      { file_data: { mimeType: "image/webp", fileUri: "https://example.com/cat.webp?size=2" } },
      { file_data: { mimeType: "image/gif", fileUri: "https://example.com/render" } },
      { inline_data: { mimeType: "audio/mp3", data: "UklGRg==" } },
    ]);
  });

  it("sends assistant tool calls as functionCall parts and tool results as functionResponse parts named by the call", () => {
    const body = build({
      messages: [
        { role: "user", content: "Weather and time in Paris?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_a__thought__c2lnLTE=",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Paris"}' },
            },
            { id: "call_b", type: "function", function: { name: "get_time", arguments: "" } },
          ],
        },
        { role: "tool", tool_call_id: "call_a", content: '{"temperature": 21}' },
        { role: "tool", tool_call_id: "call_b", content: "12:00" },
        { role: "user", content: "Thanks" },
      ],
    });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "Weather and time in Paris?" }] },
      {
        role: "model",
        parts: [
          { functionCall: { name: "get_weather", args: { city: "Paris" } }, thoughtSignature: "c2lnLTE=" },
          { functionCall: { name: "get_time", args: {} } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "get_weather", response: { temperature: 21 } } },
          { functionResponse: { name: "get_time", response: { content: "12:00" } } },
          { text: "Thanks" },
        ],
      },
    ]);
  });

  it("refuses a tool result that answers no earlier tool call", () => {
    expect(() =>
      build({
        messages: [
          { role: "user", content: "x" },
          { role: "tool", tool_call_id: "call_missing", content: "1" },
        ],
      }),
    ).toThrow(BadRequestError);
  });

  it("maps tools to functionDeclarations with a cleaned schema, and tool_choice to functionCallingConfig", () => {
    const body = build({
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Weather of a city",
            strict: true,
            parameters: {
              $schema: "http://json-schema.org/draft-07/schema#",
              type: "object",
              additionalProperties: false,
              properties: {
                city: { type: "string", title: "City" },
                unit: { type: "string", enum: ["c", "f"] },
              },
              required: ["city"],
            },
          },
        },
        { type: "function", function: { name: "now", parameters: { type: "object", properties: {} } } },
      ],
      tool_choice: { type: "function", function: { name: "get_weather" } },
    });
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: "get_weather",
            description: "Weather of a city",
            parameters: {
              type: "object",
              properties: { city: { type: "string" }, unit: { type: "string", enum: ["c", "f"] } },
              required: ["city"],
            },
          },
          { name: "now" },
        ],
      },
    ]);
    expect(body.toolConfig).toEqual({
      functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_weather"] },
    });
    expect(build({ tool_choice: "auto" }).toolConfig).toEqual({ functionCallingConfig: { mode: "AUTO" } });
    expect(build({ tool_choice: "none" }).toolConfig).toEqual({ functionCallingConfig: { mode: "NONE" } });
    expect(build({ tool_choice: "required" }).toolConfig).toEqual({ functionCallingConfig: { mode: "ANY" } });
  });

  it("maps sampling parameters to generationConfig", () => {
    const body = build({
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      max_tokens: 100,
      max_completion_tokens: 200,
      stop: "END",
      n: 2,
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: 0.25,
      logprobs: true,
      top_logprobs: 3,
      user: "user-1",
      parallel_tool_calls: true,
    });
    expect(body.generationConfig).toEqual({
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 200,
      stopSequences: ["END"],
      candidateCount: 2,
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: 0.25,
      responseLogprobs: true,
      logprobs: 3,
    });
    expect(Object.keys(body)).toEqual(["contents", "generationConfig"]);
  });

  it("maps response_format to responseMimeType and a cleaned responseSchema", () => {
    expect(build({ response_format: { type: "json_object" } }).generationConfig).toEqual({
      responseMimeType: "application/json",
    });
    const body = build({
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "person",
          strict: true,
          schema: {
            type: "object",
            properties: { name: { type: "string" }, age: { anyOf: [{ type: "integer" }, { type: "null" }] } },
            required: ["name", "age"],
            additionalProperties: false,
          },
        },
      },
    });
    expect(body.generationConfig).toEqual({
      responseMimeType: "application/json",
      responseSchema: {
        type: "object",
        properties: { name: { type: "string" }, age: { type: "integer", nullable: true } },
        required: ["name", "age"],
      },
    });
  });

  it("maps reasoning_effort to a thinking budget that includes thoughts, and none to 0", () => {
    expect(build({ reasoning_effort: "low" }).generationConfig).toEqual({
      thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
    });
    expect(build({ reasoning_effort: "high" }).generationConfig?.thinkingConfig?.thinkingBudget).toBe(4096);
    expect(build({ reasoning_effort: "none" }).generationConfig).toEqual({
      thinkingConfig: { thinkingBudget: 0 },
    });
    expect(build({ thinking: { type: "enabled", budget_tokens: 5000 } }).generationConfig).toEqual({
      thinkingConfig: { thinkingBudget: 5000, includeThoughts: true },
    });
    expect(() => build({ reasoning_effort: "extreme" })).toThrow(BadRequestError);
  });

  it("passes safetySettings and Gemini's own fields through", () => {
    const safetySettings = [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }];
    const body = build({
      safety_settings: safetySettings,
      cachedContent: "cachedContents/abc",
      labels: { team: "a" },
    });
    expect(body.safetySettings).toEqual(safetySettings);
    expect(body.cachedContent).toBe("cachedContents/abc");
    expect(body.labels).toEqual({ team: "a" });
  });

  it("refuses a parameter Gemini cannot take, naming it, unless drop_params", () => {
    const error = (() => {
      try {
        build({ logit_bias: { "1": 5 } });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UnsupportedParamsError);
    expect((error as UnsupportedParamsError).param).toBe("logit_bias");
    const body = build({ logit_bias: { "1": 5 } }, { supportsSystemMessage: true, dropParams: true });
    expect(body.logit_bias).toBeUndefined();
  });

  it("marks a stream's include_usage without sending stream fields", () => {
    const body = build({ stream: true, stream_options: { include_usage: true } });
    expect(body[INCLUDE_STREAM_USAGE]).toBe(true);
    expect(JSON.parse(JSON.stringify(body))).toEqual({
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
    });
  });
});
