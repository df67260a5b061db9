import type { ChatMessage } from "../openai/types.js";

/**
 * Token counting with gpt-tokenizer, for streams that end without a usage chunk and for pre-call
 * checks. The tokenizer is loaded on first use (a dynamic import: about 400 ms and 100 MB for the
 * o200k ranks), so importing this module, and the SDK, stays light. Node's module cache makes every
 * later call cheap, with no state of our own.
 */

interface Tokenizer {
  countTokens(text: string): number;
}

export interface CountTokensOptions {
  /** Picks the encoding: cl100k for gpt-3.5/gpt-4/gpt-4-turbo/ada-002 and text-embedding-3, else o200k. */
  model?: string;
}

const cl100kModels = /(^|\/)(gpt-3\.5|gpt-4(?!o|\.)|text-embedding-|text-davinci)/i;

/** Tokens added per message by the chat format, and for priming the reply (OpenAI's cookbook). */
const tokensPerMessage = 3;
const tokensPerName = 1;
const replyPrimingTokens = 3;
/** A low-detail image costs a flat 85 tokens; used as the estimate for any non-text part. */
const tokensPerNonTextPart = 85;

async function loadTokenizer(model: string | undefined): Promise<Tokenizer> {
  if (model !== undefined && cl100kModels.test(model)) {
    return import("gpt-tokenizer/encoding/cl100k_base");
  }
  return import("gpt-tokenizer/encoding/o200k_base");
}

/** The number of tokens of a text. */
export async function countTokens(text: string, options: CountTokensOptions = {}): Promise<number> {
  const tokenizer = await loadTokenizer(options.model);
  return tokenizer.countTokens(text);
}

function countContentTokens(tokenizer: Tokenizer, content: ChatMessage["content"]): number {
  if (content === undefined || content === null) return 0;
  if (typeof content === "string") return tokenizer.countTokens(content);
  let total = 0;
  for (const part of content) {
    if (part.type === "text" && typeof part.text === "string") total += tokenizer.countTokens(part.text);
    else total += tokensPerNonTextPart;
  }
  return total;
}

/** An estimate of the prompt tokens of a chat request's messages, as OpenAI counts them. */
export async function countMessageTokens(
  messages: readonly ChatMessage[],
  options: CountTokensOptions = {},
): Promise<number> {
  const tokenizer = await loadTokenizer(options.model);
  let total = replyPrimingTokens;
  for (const message of messages) {
    total += tokensPerMessage + tokenizer.countTokens(message.role);
    total += countContentTokens(tokenizer, message.content);
    if (typeof message.name === "string") total += tokensPerName + tokenizer.countTokens(message.name);
    for (const call of message.tool_calls ?? []) {
      total += tokenizer.countTokens(call.function.name) + tokenizer.countTokens(call.function.arguments);
    }
  }
  return total;
}
