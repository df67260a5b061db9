import { describe, expect, it } from "vitest";
import { assertMatchesOpenAISchema } from "../../../test/spec/openai-schemas.js";
import type { ChatCompletionChunk } from "../../openai/types.js";
import { createAzureStreamTransformer } from "./stream.js";

// As Azure streams them (asynchronous content filtering on): annotations around the content.
const promptAnnotation = {
  id: "",
  object: "",
  created: 0,
  model: "",
  choices: [],
  prompt_filter_results: [
    { prompt_index: 0, content_filter_results: { hate: { filtered: false, severity: "safe" } } },
  ],
};
const content = {
  id: "chatcmpl-az",
  object: "chat.completion.chunk",
  created: 1_700_000_000,
  model: "gpt-4o-2024-08-06",
  choices: [{ index: 0, delta: { role: "assistant", content: "Hi" }, finish_reason: null, logprobs: null }],
};
const contentAnnotation = {
  id: "",
  object: "",
  created: 0,
  model: "",
  choices: [
    {
      index: 0,
      finish_reason: null,
      content_filter_results: { hate: { filtered: false } },
      content_filter_offsets: { start_offset: 0, end_offset: 2 },
    },
  ],
};
const finish = { ...content, choices: [{ index: 0, delta: {}, finish_reason: "stop", logprobs: null }] };

describe("createAzureStreamTransformer", () => {
  it("leaves out Azure's annotation chunks and passes real chunks unchanged", () => {
    const transformer = createAzureStreamTransformer<ChatCompletionChunk>("chat.completion.chunk");
    const out = [promptAnnotation, content, contentAnnotation, finish].flatMap((chunk) =>
      transformer.push(chunk),
    );
    expect(out).toEqual([content, finish]);
    expect(out[0]).toBe(content);
    for (const chunk of out) assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", chunk);
  });

  it("keeps a usage chunk, filling what Azure left empty from the stream", () => {
    const transformer = createAzureStreamTransformer<ChatCompletionChunk>("chat.completion.chunk");
    transformer.push(content);
    const usage = {
      id: "",
      object: "",
      created: 0,
      model: "",
      choices: [],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    };
    expect(transformer.push(usage)).toEqual([
      {
        ...usage,
        id: "chatcmpl-az",
        object: "chat.completion.chunk",
        created: 1_700_000_000,
        model: "gpt-4o-2024-08-06",
      },
    ]);
  });
});
