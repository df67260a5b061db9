/**
 * The fake upstream's default answers: well-formed OpenAI bodies, built as pure functions of the
 * request so tests can predict them. Chat content is `"echo: " + last user message text`, usage counts
 * words, embeddings are deterministic unit vectors derived from the input text.
 */

type JsonObject = Record<string, unknown>;

export interface AnswerContext {
  /** A unique id suffix for this answer (the server's request counter). */
  sequence: number;
  /** Unix seconds. */
  created: number;
}

export interface UsageNumbers {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export const ECHO_PREFIX = "echo: ";
export const DEFAULT_EMBEDDING_DIMENSIONS = 8;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Words in a text: the fake's stand-in for tokens. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

/** The text of a message's content: a string, or the `text` parts of a list. */
export function messageText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const texts: string[] = [];
  for (const part of content) {
    if (isObject(part) && part.type === "text" && typeof part.text === "string") texts.push(part.text);
  }
  return texts.join(" ");
}

function chatMessages(body: JsonObject): JsonObject[] {
  return Array.isArray(body.messages) ? body.messages.filter(isObject) : [];
}

function modelOf(body: JsonObject): string {
  return typeof body.model === "string" ? body.model : "unknown";
}

function includesUsage(body: JsonObject): boolean {
  return isObject(body.stream_options) && body.stream_options.include_usage === true;
}

function usageFor(promptText: string, completionText: string): UsageNumbers {
  const promptTokens = countWords(promptText);
  const completionTokens = countWords(completionText);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

/** The content the default chat answer carries for this request body. */
export function chatEchoContent(body: JsonObject): string {
  const userMessages = chatMessages(body).filter((message) => message.role === "user");
  const last = userMessages[userMessages.length - 1];
  return ECHO_PREFIX + (last === undefined ? "" : messageText(last.content));
}

function chatUsage(body: JsonObject, content: string): UsageNumbers {
  const prompt = chatMessages(body)
    .map((message) => messageText(message.content))
    .join(" ");
  return usageFor(prompt, content);
}

export function chatCompletionAnswer(body: JsonObject, context: AnswerContext): JsonObject {
  const content = chatEchoContent(body);
  return {
    id: `chatcmpl-fake-${context.sequence}`,
    object: "chat.completion",
    created: context.created,
    model: modelOf(body),
    system_fingerprint: "fp_fake",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content, refusal: null },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: chatUsage(body, content),
  };
}

/** Splits a text into stream pieces: each word keeps its trailing whitespace, so pieces join back. */
export function splitIntoPieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

export function chatCompletionChunks(body: JsonObject, context: AnswerContext): JsonObject[] {
  const content = chatEchoContent(body);
  const withUsage = includesUsage(body);
  const base = {
    id: `chatcmpl-fake-${context.sequence}`,
    object: "chat.completion.chunk",
    created: context.created,
    model: modelOf(body),
    system_fingerprint: "fp_fake",
  };
  const chunk = (delta: JsonObject, finishReason: string | null): JsonObject => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(withUsage ? { usage: null } : {}),
  });
  const chunks = [chunk({ role: "assistant", content: "", refusal: null }, null)];
  for (const piece of splitIntoPieces(content)) chunks.push(chunk({ content: piece }, null));
  chunks.push(chunk({}, "stop"));
  if (withUsage) chunks.push({ ...base, choices: [], usage: chatUsage(body, content) });
  return chunks;
}

function promptText(prompt: unknown): string {
  if (typeof prompt === "string") return prompt;
  if (Array.isArray(prompt)) return prompt.map((item) => (typeof item === "string" ? item : "")).join(" ");
  return "";
}

export function textCompletionEchoText(body: JsonObject): string {
  return ECHO_PREFIX + promptText(body.prompt);
}

export function textCompletionAnswer(body: JsonObject, context: AnswerContext): JsonObject {
  const text = textCompletionEchoText(body);
  return {
    id: `cmpl-fake-${context.sequence}`,
    object: "text_completion",
    created: context.created,
    model: modelOf(body),
    choices: [{ text, index: 0, logprobs: null, finish_reason: "stop" }],
    usage: usageFor(promptText(body.prompt), text),
  };
}

export function textCompletionChunks(body: JsonObject, context: AnswerContext): JsonObject[] {
  const text = textCompletionEchoText(body);
  const base = {
    id: `cmpl-fake-${context.sequence}`,
    object: "text_completion",
    created: context.created,
    model: modelOf(body),
  };
  const chunk = (piece: string, finishReason: string | null): JsonObject => ({
    ...base,
    choices: [{ text: piece, index: 0, logprobs: null, finish_reason: finishReason }],
  });
  const chunks = splitIntoPieces(text).map((piece) => chunk(piece, null));
  chunks.push(chunk("", "stop"));
  if (includesUsage(body)) {
    chunks.push({ ...base, choices: [], usage: usageFor(promptText(body.prompt), text) });
  }
  return chunks;
}

function embeddingInputs(input: unknown): string[] {
  if (typeof input === "string") return [input];
  if (!Array.isArray(input)) return [];
  // number[] is one tokenized input; number[][] and string[] are several.
  if (input.every((item) => typeof item === "number")) return [input.join(",")];
  return input.map((item) => (Array.isArray(item) ? item.join(",") : String(item)));
}

/** FNV-1a over the text, then a xorshift stream: the same text always gives the same unit vector. */
export function embeddingVector(text: string, dimensions: number): number[] {
  let state = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    state ^= text.charCodeAt(index);
    state = Math.imul(state, 0x01000193) >>> 0;
  }
  const values: number[] = [];
  for (let index = 0; index < dimensions; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    values.push((state / 0xffffffff) * 2 - 1);
  }
  const norm = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0)) || 1;
  // Rounded through float32 so the base64 and float encodings carry exactly the same numbers.
  return values.map((value) => Math.fround(value / norm));
}

function encodeBase64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString("base64");
}

export function embeddingsAnswer(body: JsonObject): JsonObject {
  const dimensions =
    typeof body.dimensions === "number" && body.dimensions > 0
      ? body.dimensions
      : DEFAULT_EMBEDDING_DIMENSIONS;
  const isBase64 = body.encoding_format === "base64";
  const inputs = embeddingInputs(body.input);
  const promptTokens = inputs.reduce((sum, text) => sum + Math.max(1, countWords(text)), 0);
  return {
    object: "list",
    data: inputs.map((text, index) => {
      const vector = embeddingVector(text, dimensions);
      return { object: "embedding", index, embedding: isBase64 ? encodeBase64(vector) : vector };
    }),
    model: modelOf(body),
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

export function modelsAnswer(models: readonly string[], created: number): JsonObject {
  return {
    object: "list",
    data: models.map((id) => ({ id, object: "model", created, owned_by: "fake-upstream" })),
  };
}

const errorKinds: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: "invalid_request_error", code: null, message: "Bad request" },
  401: { type: "invalid_request_error", code: "invalid_api_key", message: "Incorrect API key provided." },
  403: { type: "permission_error", code: null, message: "Permission denied" },
  404: { type: "invalid_request_error", code: null, message: "Not Found" },
  408: { type: "timeout", code: null, message: "Request timed out" },
  422: { type: "invalid_request_error", code: null, message: "Unprocessable entity" },
  429: { type: "requests", code: "rate_limit_exceeded", message: "Rate limit reached. Please try again." },
  500: {
    type: "server_error",
    code: null,
    message: "The server had an error while processing your request.",
  },
  502: { type: "server_error", code: null, message: "Bad gateway" },
  503: { type: "server_error", code: null, message: "The engine is currently overloaded." },
};

/** An OpenAI-style error body for a status: `{"error": {"message", "type", "param", "code"}}`. */
export function errorBody(status: number, message?: string): JsonObject {
  const kind = errorKinds[status] ?? { type: "server_error", code: null, message: `Error ${status}` };
  return { error: { message: message ?? kind.message, type: kind.type, param: null, code: kind.code } };
}
