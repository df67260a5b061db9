import type { Operation, OperationTypes } from "../providers/types.js";
import { countMessageTokens, countTokens } from "../spend/tokens.js";

function textOf(value: unknown, parts: string[]): void {
  if (typeof value === "string") parts.push(value);
  else if (Array.isArray(value)) for (const item of value) textOf(item, parts);
  else if (typeof value === "object" && value !== null && "text" in value) textOf(value.text, parts);
}

/**
 * Counts a request's prompt tokens for pre-call checks, the way spend estimates count them
 * (spend/tokens: the tokenizer is loaded on first use, so the SDK stays light for everyone else).
 */
export class TokenCounter {
  async count(request: OperationTypes[Operation]["request"]): Promise<number> {
    const options = { model: request.model };
    if ("messages" in request && Array.isArray(request.messages)) {
      return countMessageTokens(request.messages, options);
    }
    const parts: string[] = [];
    textOf("prompt" in request ? request.prompt : "input" in request ? request.input : undefined, parts);
    let tokens = 0;
    for (const part of parts) tokens += await countTokens(part, options);
    return tokens;
  }
}
