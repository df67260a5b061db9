import { describe, expect, it } from "vitest";
import { chatCompletionOfChunks, textCompletionOfChunks } from "./stream-assembly.js";
import { chatCompletionChunksOf, textCompletionChunksOf } from "./stream-replay.js";

const completion = {
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 7,
  model: "m",
  system_fingerprint: "fp",
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: "hello", refusal: null },
      logprobs: null,
      finish_reason: "stop",
    },
    {
      index: 1,
      message: {
        role: "assistant",
        content: null,
        refusal: null,
        tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }],
      },
      logprobs: null,
      finish_reason: "tool_calls",
    },
  ],
  usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
};

describe("chat replay and assembly", () => {
  it("replays each choice as a message chunk and a finish chunk, then usage when asked", () => {
    const chunks = chatCompletionChunksOf(completion, true);
    expect(chunks).toHaveLength(5);
    expect(chunks[0]).toMatchObject({
      id: "chatcmpl-1",
      object: "chat.completion.chunk",
      usage: null,
      choices: [{ index: 0, delta: { role: "assistant", content: "hello" }, finish_reason: null }],
    });
    expect(chunks[2]).toMatchObject({
      choices: [{ index: 1, delta: { tool_calls: [{ index: 0, id: "c1", function: { name: "f" } }] } }],
    });
    expect(chunks[4]).toEqual(expect.objectContaining({ choices: [], usage: completion.usage }));
    expect(chatCompletionChunksOf(completion, false).every((chunk) => !("usage" in chunk))).toBe(true);
  });

  it("assembles the replayed chunks back into the same answer", () => {
    expect(chatCompletionOfChunks(chatCompletionChunksOf(completion, true))).toEqual(completion);
  });

  it("assembles split content and tool-call arguments", () => {
    const head = { id: "x", created: 1, model: "m" };
    const assembled = chatCompletionOfChunks([
      { ...head, choices: [{ index: 0, delta: { role: "assistant", content: "he" } }] },
      { ...head, choices: [{ index: 0, delta: { content: "llo" } }] },
      {
        ...head,
        choices: [
          {
            index: 0,
            delta: { tool_calls: [{ index: 0, id: "t", function: { name: "g", arguments: '{"a"' } }] },
          },
        ],
      },
      {
        ...head,
        choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ":1}" } }] } }],
      },
      { ...head, choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] },
    ]);
    expect(assembled?.choices).toEqual([
      {
        index: 0,
        message: {
          role: "assistant",
          content: "hello",
          refusal: null,
          tool_calls: [{ id: "t", type: "function", function: { name: "g", arguments: '{"a":1}' } }],
        },
        logprobs: null,
        finish_reason: "tool_calls",
      },
    ]);
  });

  it("assembles nothing from a stream that did not finish", () => {
    expect(
      chatCompletionOfChunks([{ id: "x", choices: [{ index: 0, delta: { content: "half" } }] }]),
    ).toBeUndefined();
    expect(chatCompletionOfChunks([])).toBeUndefined();
  });
});

describe("text completion replay and assembly", () => {
  it("round-trips", () => {
    const text = {
      id: "cmpl-1",
      object: "text_completion",
      created: 2,
      model: "t",
      choices: [{ index: 0, text: "done", logprobs: null, finish_reason: "length" }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    };
    const chunks = textCompletionChunksOf(text, true);
    expect(chunks[0]).toMatchObject({
      object: "text_completion",
      choices: [{ text: "done", finish_reason: null }],
    });
    expect(textCompletionOfChunks(chunks)).toEqual(text);
  });
});
