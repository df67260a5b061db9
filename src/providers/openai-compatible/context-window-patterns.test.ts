import { describe, expect, it } from "vitest";
import { CONTEXT_WINDOW_PATTERNS, isContextWindowMessage } from "./context-window-patterns.js";

/** One realistic full message per pattern, in the table's order. */
const EXAMPLES: readonly string[] = [
  "This model's maximum context length is 16384 tokens. However, you requested 19591 tokens (9591 in the messages, 10000 in the completion). Please reduce the length of the messages or completion.",
  "Please reduce the length of the messages or completion.",
  "The input (61709 tokens) is longer than the model's context length (40960 tokens).",
  "Requested token count exceeds the model's maximum context length of 131072 tokens. You requested a total of 140000 tokens: 131000 tokens from the input messages and 9000 tokens for the completion. Please reduce the number of tokens in the input messages or the completion to fit within the limit.",
  "The decoder prompt (length 8825) is longer than the maximum model length of 8192. Make sure that `max_model_len` is no smaller than the number of text tokens.",
  "the request exceeds the available context size. try increasing the context size or enable context shift",
  "Context size has been exceeded.",
  "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 32768. Given: 33000 `inputs` tokens and 1024 `max_new_tokens`",
  "Input validation error: `inputs` must have less than 2048 tokens. Given: 2222",
  "Prompt contains 40466 tokens and 0 draft tokens, too large for model with 32768 maximum context length",
  "prompt is too long: 209353 tokens > 199999 maximum",
  "prompt too long; exceeded max context length by 812 tokens",
  "the input length exceeds the context length",
  "The input token count (1196265) exceeds the maximum number of tokens allowed (1048575).",
  "Your request exceeded model token limit: 262144 (requested: 300000)",
  "Your input exceeds the context window of this model",
  "Context window exceeded",
  "The input or output tokens must be reduced in order to run successfully. Please reduce the length of your prompt.",
  "input length and `max_tokens` exceed context limit: 199000 + 21333 > 204658, decrease input length or `max_tokens` and try again",
  "Input prompt (5000 tokens) is too long and exceeds limit of 4096",
  "Invalid 'messages[0].content': string too long. Expected a string with maximum length 1048576, but got a string with length 2000000 instead.",
  "Trying to keep the first 5000 tokens when context the overflows. However, the model is loaded with context length of only 4096 tokens, which is not enough. Try to load the model with a larger context length, or provide a shorter input",
  "Error code: context_length_exceeded",
];

function matches(pattern: string | RegExp, message: string): boolean {
  const text = message.toLowerCase();
  return typeof pattern === "string" ? text.includes(pattern) : pattern.test(text);
}

describe("CONTEXT_WINDOW_PATTERNS", () => {
  it("has one example per pattern", () => {
    expect(EXAMPLES).toHaveLength(CONTEXT_WINDOW_PATTERNS.length);
  });

  it("keeps string patterns lowercase (they are matched against the lowercased message)", () => {
    for (const { match } of CONTEXT_WINDOW_PATTERNS) {
      if (typeof match === "string") expect(match).toBe(match.toLowerCase());
    }
  });

  it.each(
    CONTEXT_WINDOW_PATTERNS.map((pattern, index) => [pattern.seenIn, pattern.match, EXAMPLES[index] ?? ""]),
  )("recognises the %s wording (%s)", (_seenIn, match, example) => {
    expect(matches(match, example)).toBe(true);
    expect(isContextWindowMessage(example)).toBe(true);
  });

  it.each([
    "This model's maximum context length is 8192 tokens, however you requested 8977 tokens (8977 in your prompt; 0 for the completion). Please reduce your prompt; or completion length.",
    'This endpoint\'s maximum context length is 131072 tokens. However, you requested about 138956 tokens (7884 of text input, 131072 in the output). Please reduce the length of either one, or use the "middle-out" transform to compress your prompt automatically.',
    "This model's maximum context length is 128000 tokens. However, you requested 65535 output tokens and your prompt contains at least 62466 input tokens, for a total of at least 128001 tokens.",
    "request (4390 tokens) exceeds the available context size (4096 tokens), try increasing it",
    "Input length (265330) exceeds model's maximum context length (262144).",
    "maximum context length exceeded",
    "Request exceeds maximum context length of 4096 tokens",
    "context length exceeded",
  ])("recognises the variant %j", (message) => {
    expect(isContextWindowMessage(message)).toBe(true);
  });

  it.each([
    "Invalid API key provided",
    "max_tokens: 10000 > 4096, which is the maximum allowed number of output tokens for claude-3-5-sonnet",
    "The model `gpt-5` does not exist or you do not have access to it.",
    "Rate limit reached for requests",
    "context window",
  ])("does not match the unrelated message %j", (message) => {
    expect(isContextWindowMessage(message)).toBe(false);
  });
});
