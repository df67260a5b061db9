import type { Operation, OperationTypes } from "../providers/types.js";

type CountTokens = (text: string) => number;

/** Tokens a chat message costs beyond its text (role, separators), as OpenAI counts them. */
const TOKENS_PER_MESSAGE = 4;

function textOf(value: unknown, parts: string[]): void {
  if (typeof value === "string") parts.push(value);
  else if (Array.isArray(value)) for (const item of value) textOf(item, parts);
  else if (typeof value === "object" && value !== null && "text" in value) textOf(value.text, parts);
}

/**
 * Counts a request's prompt tokens with gpt-tokenizer, loaded on first use (so the SDK stays light
 * for everyone not using pre-call checks). An estimate: the o200k encoding for every model.
 */
export class TokenCounter {
  private encoder: Promise<CountTokens> | undefined;

  private load(): Promise<CountTokens> {
    this.encoder ??= import("gpt-tokenizer").then((module) => module.countTokens);
    return this.encoder;
  }

  async count(request: OperationTypes[Operation]["request"]): Promise<number> {
    const countTokens = await this.load();
    const parts: string[] = [];
    let overhead = 0;
    if ("messages" in request && Array.isArray(request.messages)) {
      for (const message of request.messages) {
        overhead += TOKENS_PER_MESSAGE;
        textOf(message.content, parts);
        if (message.tool_calls !== undefined) textOf(JSON.stringify(message.tool_calls), parts);
      }
    } else if ("prompt" in request) {
      textOf(request.prompt, parts);
    } else if ("input" in request) {
      textOf(request.input, parts);
    }
    let tokens = overhead;
    for (const part of parts) tokens += countTokens(part);
    return tokens;
  }
}
