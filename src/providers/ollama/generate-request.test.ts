import { describe, expect, it } from "vitest";
import { BadRequestError, UnsupportedParamsError } from "../../errors/index.js";
import type { TransformSettings } from "../types.js";
import { toOllamaPrompt } from "./generate-prompt.js";
import { toOllamaCompletionRequest, toOllamaGenerateRequest } from "./generate-request.js";

const settings: TransformSettings = { supportsSystemMessage: true, dropParams: false };

describe("toOllamaPrompt (LiteLLM's ollama_pt)", () => {
  it("writes ### sections in order, each followed by a blank line", () => {
    const { prompt, images } = toOllamaPrompt(
      [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello!" },
        { role: "user", content: "Why is the sky blue?" },
      ],
      "llama3.2",
    );
    expect(prompt).toBe(
      "### System:\nBe brief.\n\n### User:\nHi\n\n### Assistant:\nHello!\n\n### User:\nWhy is the sky blue?\n\n",
    );
    expect(images).toEqual([]);
  });

  it("merges runs of one kind (tool results count as the user's), texts joined as they are", () => {
    const { prompt } = toOllamaPrompt(
      [
        { role: "system", content: "A." },
        { role: "developer", content: "B." },
        {
          role: "user",
          content: [
            { type: "text", text: "one " },
            { type: "text", text: "two" },
          ],
        },
        { role: "tool", tool_call_id: "c", content: "18C" },
      ],
      "m",
    );
    expect(prompt).toBe("### System:\nA.B.\n\n### User:\none two18C\n\n");
  });

  it("writes an assistant's tool calls after its text, as indented JSON with object arguments", () => {
    const { prompt } = toOllamaPrompt(
      [
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: '{"x":1}' } }],
        },
      ],
      "m",
    );
    const calls = [{ id: "call_1", type: "function", function: { name: "f", arguments: { x: 1 } } }];
    expect(prompt).toBe(`### Assistant:\nTool Calls: ${JSON.stringify(calls, null, 2)}\n\n`);
  });

  it("collects images apart, as base64 without the data: prefix", () => {
    const { prompt, images } = toOllamaPrompt(
      [
        {
          role: "user",
          content: [
            { type: "text", text: "What is in this picture?" },
            { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/4AAQ" } },
          ],
        },
      ],
      "llava",
    );
    expect(prompt).toBe("### User:\nWhat is in this picture?\n\n");
    expect(images).toEqual(["/9j/4AAQ"]);
  });
});

describe("toOllamaGenerateRequest", () => {
  it("builds an /api/generate body: prompt, images, options, format, stream false", () => {
    const body = toOllamaGenerateRequest(
      {
        model: "llava",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "Describe" },
              { type: "image_url", image_url: "data:image/png;base64,AAAA" },
            ],
          },
        ],
        max_tokens: 20,
        response_format: { type: "json_object" },
        system: "You are a poet.",
      },
      settings,
    );
    expect(body).toEqual({
      model: "llava",
      prompt: "### User:\nDescribe\n\n",
      images: ["AAAA"],
      stream: false,
      format: "json",
      system: "You are a poet.",
      options: { num_predict: 20 },
    });
  });

  it("refuses tools (use ollama_chat/), or drops them with drop_params", () => {
    const request = {
      model: "llama3.2",
      messages: [{ role: "user" as const, content: "x" }],
      tools: [{ type: "function", function: { name: "f", parameters: {} } }],
    };
    expect(() => toOllamaGenerateRequest(request, settings)).toThrow(UnsupportedParamsError);
    expect(() => toOllamaGenerateRequest(request, settings)).toThrow(/ollama_chat\//);
    expect(toOllamaGenerateRequest(request, { ...settings, dropParams: true })).not.toHaveProperty("tools");
  });
});

describe("toOllamaCompletionRequest", () => {
  it("sends the prompt as given, with suffix and options", () => {
    expect(
      toOllamaCompletionRequest(
        { model: "codellama", prompt: "def add(", suffix: "return x", max_tokens: 5, stream: true },
        settings,
      ),
    ).toMatchObject({
      model: "codellama",
      prompt: "def add(",
      suffix: "return x",
      stream: true,
      options: { num_predict: 5 },
    });
    expect(toOllamaCompletionRequest({ model: "m", prompt: ["only one"] }, settings).prompt).toBe("only one");
  });

  it("refuses several prompts or token ids, echo and best_of", () => {
    expect(() => toOllamaCompletionRequest({ model: "m", prompt: ["a", "b"] }, settings)).toThrow(
      BadRequestError,
    );
    expect(() => toOllamaCompletionRequest({ model: "m", prompt: [1, 2] }, settings)).toThrow(/token ids/);
    expect(() => toOllamaCompletionRequest({ model: "m", prompt: "a", echo: true }, settings)).toThrow(
      /echo/,
    );
    expect(() => toOllamaCompletionRequest({ model: "m", prompt: "a", best_of: 3 }, settings)).toThrow(
      /best_of/,
    );
  });
});
