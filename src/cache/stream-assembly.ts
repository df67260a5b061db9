/**
 * A stream's chunks put back together as the answer a request without `stream` would have had,
 * to be stored. Pure; undefined when the stream did not complete (a choice without finish reason).
 */

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

interface ToolCallParts {
  id?: unknown;
  type?: unknown;
  name: string;
  arguments: string;
}

interface ChoiceParts {
  role: string;
  content: string | undefined;
  refusal: string | undefined;
  reasoning: string | undefined;
  toolCalls: Map<number, ToolCallParts>;
  finishReason: unknown;
  logprobs: unknown[] | undefined;
  text: string;
}

function newChoice(): ChoiceParts {
  return {
    role: "assistant",
    content: undefined,
    refusal: undefined,
    reasoning: undefined,
    toolCalls: new Map(),
    finishReason: null,
    logprobs: undefined,
    text: "",
  };
}

function append(current: string | undefined, piece: unknown): string | undefined {
  return typeof piece === "string" ? (current ?? "") + piece : current;
}

function addDelta(parts: ChoiceParts, delta: JsonObject): void {
  if (typeof delta.role === "string") parts.role = delta.role;
  parts.content = append(parts.content, delta.content);
  parts.refusal = append(parts.refusal, delta.refusal);
  parts.reasoning = append(parts.reasoning, delta.reasoning_content);
  if (Array.isArray(delta.tool_calls)) {
    for (const call of delta.tool_calls.filter(isObject)) {
      const index = typeof call.index === "number" ? call.index : parts.toolCalls.size;
      let tool = parts.toolCalls.get(index);
      if (tool === undefined) {
        tool = { name: "", arguments: "" };
        parts.toolCalls.set(index, tool);
      }
      if (call.id !== undefined && call.id !== null) tool.id = call.id;
      if (call.type !== undefined && call.type !== null) tool.type = call.type;
      const fn = isObject(call.function) ? call.function : {};
      if (typeof fn.name === "string") tool.name += fn.name;
      if (typeof fn.arguments === "string") tool.arguments += fn.arguments;
    }
  }
}

interface Assembled {
  head: JsonObject;
  choices: Map<number, ChoiceParts>;
  usage: unknown;
}

function collect(chunks: readonly unknown[], isChat: boolean): Assembled | undefined {
  const head: JsonObject = {};
  const choices = new Map<number, ChoiceParts>();
  let usage: unknown;
  for (const chunk of chunks) {
    if (!isObject(chunk)) continue;
    for (const field of ["id", "created", "model", "system_fingerprint", "service_tier"]) {
      if (head[field] === undefined && chunk[field] !== undefined && chunk[field] !== null)
        head[field] = chunk[field];
    }
    if (isObject(chunk.usage)) usage = chunk.usage;
    if (!Array.isArray(chunk.choices)) continue;
    for (const choice of chunk.choices.filter(isObject)) {
      const index = typeof choice.index === "number" ? choice.index : 0;
      let parts = choices.get(index);
      if (parts === undefined) {
        parts = newChoice();
        choices.set(index, parts);
      }
      if (isChat && isObject(choice.delta)) addDelta(parts, choice.delta);
      if (!isChat && typeof choice.text === "string") parts.text += choice.text;
      if (isChat && isObject(choice.logprobs) && Array.isArray(choice.logprobs.content))
        parts.logprobs = [...(parts.logprobs ?? []), ...choice.logprobs.content];
      if (choice.finish_reason !== undefined && choice.finish_reason !== null)
        parts.finishReason = choice.finish_reason;
    }
  }
  if (choices.size === 0 || head.id === undefined) return undefined;
  for (const parts of choices.values()) if (parts.finishReason === null) return undefined;
  return { head, choices, usage };
}

function messageOf(parts: ChoiceParts): JsonObject {
  const message: JsonObject = {
    role: parts.role,
    content: parts.content ?? null,
    refusal: parts.refusal ?? null,
  };
  if (parts.reasoning !== undefined) message.reasoning_content = parts.reasoning;
  if (parts.toolCalls.size > 0) {
    message.tool_calls = [...parts.toolCalls.entries()]
      .sort(([left], [right]) => left - right)
      .map(([, tool]) => ({
        id: tool.id,
        type: tool.type ?? "function",
        function: { name: tool.name, arguments: tool.arguments },
      }));
  }
  return message;
}

/** The `chat.completion` of a completed stream of chunks. */
export function chatCompletionOfChunks(chunks: readonly unknown[]): JsonObject | undefined {
  const assembled = collect(chunks, true);
  if (assembled === undefined) return undefined;
  const { head, choices, usage } = assembled;
  const body: JsonObject = {
    id: head.id,
    object: "chat.completion",
    created: head.created,
    model: head.model,
    choices: [...choices.entries()]
      .sort(([left], [right]) => left - right)
      .map(([index, parts]) => ({
        index,
        message: messageOf(parts),
        logprobs: parts.logprobs === undefined ? null : { content: parts.logprobs },
        finish_reason: parts.finishReason,
      })),
  };
  if (head.system_fingerprint !== undefined) body.system_fingerprint = head.system_fingerprint;
  if (head.service_tier !== undefined) body.service_tier = head.service_tier;
  if (usage !== undefined) body.usage = usage;
  return body;
}

/** The `text_completion` of a completed stream of chunks. */
export function textCompletionOfChunks(chunks: readonly unknown[]): JsonObject | undefined {
  const assembled = collect(chunks, false);
  if (assembled === undefined) return undefined;
  const { head, choices, usage } = assembled;
  const body: JsonObject = {
    id: head.id,
    object: "text_completion",
    created: head.created,
    model: head.model,
    choices: [...choices.entries()]
      .sort(([left], [right]) => left - right)
      .map(([index, parts]) => ({
        index,
        text: parts.text,
        logprobs: null,
        finish_reason: parts.finishReason,
      })),
  };
  if (head.system_fingerprint !== undefined) body.system_fingerprint = head.system_fingerprint;
  if (usage !== undefined) body.usage = usage;
  return body;
}
