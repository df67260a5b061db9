import { describe, expect, it } from "vitest";
import type { ChatCompletionRequest } from "../../openai/types.js";
import {
  chatViaCompletions,
  createCompletionToChatTransformer,
  fromCompletionToChat,
  toPromptRequest,
} from "./chat-via-completions.js";

describe("toPromptRequest", () => {
  it("joins the messages' text into one prompt and keeps every other field", () => {
    const request: ChatCompletionRequest = {
      model: "gpt-3.5-turbo-instruct",
      messages: [
        { role: "system", content: "Be brief." },
        {
          role: "user",
          content: [
            { type: "text", text: "Say" },
            { type: "image_url", image_url: {} },
            { type: "text", text: "hi" },
          ],
        },
      ],
      temperature: 0,
      stop: ["\n"],
      stream: true,
      unknown_field: 1,
    };
    expect(toPromptRequest(request)).toEqual({
      model: "gpt-3.5-turbo-instruct",
      prompt: "Be brief.\nSay hi",
      temperature: 0,
      stop: ["\n"],
      stream: true,
      unknown_field: 1,
    });
  });

  it("maps max_completion_tokens to max_tokens unless max_tokens is set", () => {
    expect(toPromptRequest({ model: "m", messages: [], max_completion_tokens: 5 })).toEqual({
      model: "m",
      prompt: "",
      max_tokens: 5,
    });
    expect(toPromptRequest({ model: "m", messages: [], max_completion_tokens: 5, max_tokens: 3 })).toEqual({
      model: "m",
      prompt: "",
      max_tokens: 3,
    });
  });

  it("goes to /completions", () => {
    expect(chatViaCompletions.path).toBe("/completions");
  });
});

describe("fromCompletionToChat", () => {
  it("turns a text completion into a chat.completion", () => {
    const usage = { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 };
    expect(
      fromCompletionToChat({
        id: "cmpl-1",
        object: "text_completion",
        created: 1700000000,
        model: "m",
        choices: [
          { index: 0, text: "Hi", finish_reason: "stop", logprobs: null },
          { index: 1, text: "Yo", finish_reason: "length", logprobs: null },
        ],
        usage,
      }),
    ).toEqual({
      id: "cmpl-1",
      object: "chat.completion",
      created: 1700000000,
      model: "m",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Hi", refusal: null },
          finish_reason: "stop",
          logprobs: null,
        },
        {
          index: 1,
          message: { role: "assistant", content: "Yo", refusal: null },
          finish_reason: "length",
          logprobs: null,
        },
      ],
      usage,
    });
  });

  it("survives a body without choices or usage", () => {
    const chat = fromCompletionToChat({ id: "x" });
    expect(chat.choices).toEqual([]);
    expect(chat.usage).toBeUndefined();
    expect(chat.object).toBe("chat.completion");
  });
});

describe("createCompletionToChatTransformer", () => {
  const event = (text: string, finish: string | null, index = 0) => ({
    id: "cmpl-1",
    object: "text_completion",
    created: 1700000000,
    model: "m",
    choices: [{ index, text, finish_reason: finish, logprobs: null }],
  });

  it("turns text completion events into chat chunks, the role on each choice's first delta", () => {
    const transformer = createCompletionToChatTransformer();
    const chunks = [
      ...transformer.push(event("Hel", null)),
      ...transformer.push(event("lo", null)),
      ...transformer.push(event("", "stop")),
      ...transformer.flush(),
    ];
    expect(chunks.map((chunk) => chunk.object)).toEqual([
      "chat.completion.chunk",
      "chat.completion.chunk",
      "chat.completion.chunk",
    ]);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: "assistant", content: "Hel" },
      { content: "lo" },
      { content: "" },
    ]);
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason)).toEqual([null, null, "stop"]);
    expect(chunks[0]).toMatchObject({ id: "cmpl-1", created: 1700000000, model: "m" });
  });

  it("tracks the role per choice index (n > 1)", () => {
    const transformer = createCompletionToChatTransformer();
    transformer.push(event("a", null, 0));
    const [second] = transformer.push(event("b", null, 1));
    expect(second?.choices[0]?.delta).toEqual({ role: "assistant", content: "b" });
  });

  it("passes the usage chunk (no choices) through", () => {
    const usage = { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 };
    const [chunk] = createCompletionToChatTransformer().push({ ...event("", null), choices: [], usage });
    expect(chunk?.choices).toEqual([]);
    expect(chunk?.usage).toEqual(usage);
  });
});
