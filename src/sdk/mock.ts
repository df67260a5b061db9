import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  Completion,
  CompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
  Usage,
} from "../openai/types.js";
import type { Operation, OperationTypes } from "../providers/types.js";
import type { CallResult, ChunkStream } from "./types.js";

/** A rough token estimate (4 characters a token) for answers no upstream counted. */
function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function promptText(request: ChatCompletionRequest | CompletionRequest): string {
  if ("messages" in request && Array.isArray(request.messages)) {
    return request.messages
      .map((message) => (typeof message.content === "string" ? message.content : ""))
      .join(" ");
  }
  const prompt = (request as CompletionRequest).prompt;
  return typeof prompt === "string" ? prompt : JSON.stringify(prompt);
}

function usageOf(prompt: string, answer: string): Usage {
  const promptTokens = estimateTokens(prompt);
  const completionTokens = estimateTokens(answer);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

function mockId(prefix: string): string {
  return `${prefix}-mock-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}

function splitWords(text: string): string[] {
  const pieces = text.match(/\S+\s*|\s+/g);
  return pieces === null ? [text] : pieces;
}

function arrayStream<Chunk>(chunks: Chunk[]): ChunkStream<Chunk> {
  return {
    async *[Symbol.asyncIterator]() {
      yield* chunks;
    },
    abort() {},
  };
}

function mockChat(
  request: ChatCompletionRequest,
  text: string,
): ChatCompletion | ChunkStream<ChatCompletionChunk> {
  const id = mockId("chatcmpl");
  const created = Math.floor(Date.now() / 1000);
  const usage = usageOf(promptText(request), text);
  if (request.stream !== true) {
    return {
      id,
      object: "chat.completion",
      created,
      model: request.model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: text, refusal: null },
          finish_reason: "stop",
          logprobs: null,
        },
      ],
      usage,
    };
  }
  const chunk = (
    delta: ChatCompletionChunk["choices"][number]["delta"],
    finish: string | null,
  ): ChatCompletionChunk => ({
    id,
    object: "chat.completion.chunk",
    created,
    model: request.model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  });
  const chunks = [chunk({ role: "assistant", content: "" }, null)];
  for (const word of splitWords(text)) chunks.push(chunk({ content: word }, null));
  chunks.push(chunk({}, "stop"));
  if (request.stream_options?.include_usage === true) {
    chunks.push({ id, object: "chat.completion.chunk", created, model: request.model, choices: [], usage });
  }
  return arrayStream(chunks);
}

function mockCompletion(request: CompletionRequest, text: string): Completion | ChunkStream<Completion> {
  const id = mockId("cmpl");
  const created = Math.floor(Date.now() / 1000);
  const usage = usageOf(promptText(request), text);
  const completion = (piece: string, finish: string | null): Completion => ({
    id,
    object: "text_completion",
    created,
    model: request.model,
    choices: [{ index: 0, text: piece, finish_reason: finish, logprobs: null }],
  });
  if (request.stream !== true) return { ...completion(text, "stop"), usage };
  const chunks = splitWords(text).map((word) => completion(word, null));
  chunks.push(completion("", "stop"));
  if (request.stream_options?.include_usage === true)
    chunks.push({ ...completion("", null), choices: [], usage });
  return arrayStream(chunks);
}

/** The inputs of an embedding request: a string, a token list, or a list of either is one or several. */
function embeddingInputs(input: unknown): unknown[] {
  if (!Array.isArray(input) || input.length === 0) return [input];
  return typeof input[0] === "number" ? [input] : input;
}

/** A fixed vector of `dimensions` values (3 by default), as floats or as OpenAI's base64 float32. */
function mockVector(request: EmbeddingRequest): number[] | string {
  const size = typeof request.dimensions === "number" && request.dimensions > 0 ? request.dimensions : 3;
  const vector = Array.from({ length: size }, (_, index) => Math.round(((index % 9) + 1) * 10) / 100);
  if (request.encoding_format !== "base64") return vector;
  return Buffer.from(new Float32Array(vector).buffer).toString("base64");
}

function mockEmbedding(request: EmbeddingRequest): EmbeddingResponse {
  const inputs = embeddingInputs(request.input);
  const tokens = inputs.reduce<number>((sum, input) => sum + estimateTokens(JSON.stringify(input)), 0);
  const embedding = mockVector(request);
  return {
    object: "list",
    data: inputs.map((_, index) => ({ object: "embedding", index, embedding })),
    model: request.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

/** `mock_response`: a well-formed answer (or stream) built here, no upstream called. */
export function mockResult<K extends Operation>(
  operation: K,
  request: OperationTypes[K]["request"],
  text: string,
  providerId: string,
): CallResult<K> {
  const output =
    operation === "chat"
      ? mockChat(request as ChatCompletionRequest, text)
      : operation === "completions"
        ? mockCompletion(request as CompletionRequest, text)
        : mockEmbedding(request as EmbeddingRequest);
  const base = { headers: {}, providerId, model: request.model };
  if (Symbol.asyncIterator in output) {
    return { kind: "stream", stream: output as ChunkStream<OperationTypes[K]["chunk"]>, ...base };
  }
  return { kind: "response", data: output as OperationTypes[K]["response"], ...base };
}
