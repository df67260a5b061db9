import { randomBytes } from "node:crypto";

/**
 * Gemini gives function calls no id (OpenAI's clients need one), and thinking models attach a
 * `thoughtSignature` that must come back with the call on the next turn. As LiteLLM does, the
 * signature rides in the id we make up (`call_<hex>__thought__<signature>`), so a client that sends
 * the assistant message back sends the signature too.
 */
const THOUGHT_SEPARATOR = "__thought__";

export function createToolCallId(thoughtSignature?: string): string {
  const id = `call_${randomBytes(12).toString("hex")}`;
  return thoughtSignature === undefined || thoughtSignature === ""
    ? id
    : `${id}${THOUGHT_SEPARATOR}${thoughtSignature}`;
}

/** The thought signature carried in a tool call id, when it carries one. */
export function readThoughtSignature(id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  const at = id.indexOf(THOUGHT_SEPARATOR);
  if (at < 0) return undefined;
  const signature = id.slice(at + THOUGHT_SEPARATOR.length);
  return signature === "" ? undefined : signature;
}

/** The id without the thought signature it may carry. */
export function withoutThoughtSignature(id: string): string {
  const at = id.indexOf(THOUGHT_SEPARATOR);
  return at < 0 ? id : id.slice(0, at);
}
