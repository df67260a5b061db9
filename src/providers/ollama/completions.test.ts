import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assertMatchesOpenAISchema } from "../../../test/spec/openai-schemas.js";
import { NdjsonDecoder } from "../../http/ndjson/decoder.js";
import type { Completion } from "../../openai/types.js";
import { resolveOllamaTarget } from "./api.js";
import { createOllamaCompletionStreamTransformer, fromOllamaCompletionResponse } from "./completions.js";
import { INCLUDE_STREAM_USAGE } from "./wire.js";

const target = resolveOllamaTarget("ollama")("llama3.2", {}, {});
const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url));

describe("text completions from /api/generate", () => {
  it("maps an answer to a text_completion with usage", () => {
    const completion = fromOllamaCompletionResponse(JSON.parse(fixture("ollama-generate.json").toString()), {
      target,
      sent: {},
    });
    assertMatchesOpenAISchema("CreateCompletionResponse", completion);
    expect(completion).toMatchObject({
      object: "text_completion",
      model: "llama3.2",
      choices: [
        { index: 0, text: "The sky is blue because it is the color of the sky.", finish_reason: "stop" },
      ],
      usage: { prompt_tokens: 26, completion_tokens: 290, total_tokens: 316 },
    });
    expect(completion.id).toMatch(/^cmpl-/);
  });

  it("streams pieces, the finish reason, and usage only when asked", () => {
    for (const includeUsage of [false, true]) {
      const transformer = createOllamaCompletionStreamTransformer({
        target,
        sent: { [INCLUDE_STREAM_USAGE]: includeUsage },
      });
      const decoder = new NdjsonDecoder();
      const chunks: Completion[] = [];
      for (const event of [...decoder.push(fixture("ollama-generate.ndjson")), ...decoder.flush()])
        chunks.push(...transformer.push(JSON.parse(event.data)));
      chunks.push(...transformer.flush());
      // The spec has no stream schema for completions: its one (that of an answer) wants a finish reason.
      for (const chunk of chunks.filter(
        (item) => item.choices[0]?.finish_reason !== null && item.choices.length > 0,
      ))
        assertMatchesOpenAISchema("CreateCompletionResponse", chunk);
      expect(chunks.map((chunk) => chunk.choices[0]?.text ?? "").join("")).toBe("The sky");
      const finish = chunks.find(
        (chunk) => chunk.choices[0]?.finish_reason !== null && chunk.choices.length > 0,
      );
      expect(finish?.choices[0]?.finish_reason).toBe("length");
      expect(chunks.at(-1)?.usage ?? undefined).toEqual(
        includeUsage ? { prompt_tokens: 26, completion_tokens: 259, total_tokens: 285 } : undefined,
      );
    }
  });

  it("throws an error line and refuses a stream cut before done", () => {
    const transformer = createOllamaCompletionStreamTransformer({ target, sent: {} });
    expect(transformer.push({ response: "a", done: false })).toHaveLength(1);
    expect(() => transformer.flush()).toThrow(/incomplete/);
    expect(() => transformer.push({ error: "model crashed" })).toThrow(/model crashed/);
  });
});
