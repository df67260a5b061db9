import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assertMatchesOpenAISchema } from "../../../test/spec/openai-schemas.js";
import { InternalServerError } from "../../errors/index.js";
import type { RepairContext } from "../types.js";
import { resolveOllamaTarget } from "./api.js";
import { fromOllamaChatResponse, splitThinkTags } from "./chat-response.js";

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
}

const call: RepairContext = { target: resolveOllamaTarget("ollama_chat")("llama3.2", {}, {}), sent: {} };

describe("fromOllamaChatResponse", () => {
  it("maps an /api/chat answer: content, stop, usage from the eval counts, created_at", () => {
    const response = fromOllamaChatResponse(fixture("ollama-chat.json"), call);
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    expect(response).toMatchObject({
      object: "chat.completion",
      created: Math.floor(Date.parse("2023-12-12T14:13:43.416799Z") / 1000),
      model: "llama3.2",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Hello! How are you today?" },
          finish_reason: "stop",
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 26, completion_tokens: 298, total_tokens: 324 },
    });
    expect(response.id).toMatch(/^chatcmpl-/);
  });

  it("maps tool calls: arguments as JSON text, Ollama's id kept or one made, finish_reason tool_calls", () => {
    const response = fromOllamaChatResponse(fixture("ollama-chat-tools.json"), call);
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    const choice = response.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBeNull();
    const [first, second] = choice?.message.tool_calls ?? [];
    expect(first?.id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(first?.type).toBe("function");
    expect(first?.function.name).toBe("get_current_weather");
    expect(JSON.parse(first?.function.arguments ?? "")).toEqual({ format: "celsius", location: "Paris, FR" });
    expect(second).toEqual({
      id: "call_abc123",
      type: "function",
      function: { name: "get_time", arguments: "{}" },
    });
  });

  it("maps thinking to reasoning_content and done_reason length to length", () => {
    const response = fromOllamaChatResponse(fixture("ollama-chat-thinking.json"), call);
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    expect(response.choices[0]?.finish_reason).toBe("length");
    expect(response.choices[0]?.message.reasoning_content).toMatch(/^First, the question is/);
    expect(response.choices[0]?.message.content).toMatch(/three/);
    expect(response.model).toBe("deepseek-r1");
  });

  it("splits inline <think> reasoning off the content when Ollama gave no thinking field", () => {
    const body = {
      model: "deepseek-r1",
      message: { role: "assistant", content: "<think>\nHmm.\n</think>\n\nYes." },
      done: true,
    };
    const response = fromOllamaChatResponse(body, call);
    expect(response.choices[0]?.message).toMatchObject({ content: "Yes.", reasoning_content: "Hmm." });
    expect(splitThinkTags("no tags")).toEqual({ content: "no tags", reasoning: undefined });
  });

  it("maps an /api/generate answer (ollama/) the same way, from `response`", () => {
    const response = fromOllamaChatResponse(fixture("ollama-generate.json"), call);
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    expect(response.choices[0]?.message.content).toBe("The sky is blue because it is the color of the sky.");
    expect(response.usage).toMatchObject({ prompt_tokens: 26, completion_tokens: 290, total_tokens: 316 });
  });

  it("counts 0 where Ollama leaves a count out (a cached prompt) and uses the target's model", () => {
    const response = fromOllamaChatResponse(
      { message: { role: "assistant", content: "x" }, done: true },
      call,
    );
    expect(response.usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
    expect(response.model).toBe("llama3.2");
  });

  it("refuses a body that is no Ollama answer", () => {
    expect(() => fromOllamaChatResponse({ hello: 1 }, call)).toThrow(InternalServerError);
    expect(() => fromOllamaChatResponse("text", call)).toThrow(InternalServerError);
  });
});
