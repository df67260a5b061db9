import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  Completion,
  CompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
} from "../openai/types.js";
import { callThroughCache } from "./cached-call.js";
import type { CallContext } from "./call.js";
import type { CallOptions, ChunkStream } from "./types.js";

export type CompletionParams = ChatCompletionRequest & CallOptions;
export type TextCompletionParams = CompletionRequest & CallOptions;
export type EmbeddingParams = EmbeddingRequest & CallOptions;

type Streaming = { stream: true };
type NotStreaming = { stream?: false | null | undefined };

/** A chat completion, from any provider, in OpenAI's format. `stream: true` gives chunks. */
export function completion(
  params: CompletionParams & Streaming,
  context?: CallContext,
): Promise<ChunkStream<ChatCompletionChunk>>;
export function completion(
  params: CompletionParams & NotStreaming,
  context?: CallContext,
): Promise<ChatCompletion>;
export function completion(
  params: CompletionParams,
  context?: CallContext,
): Promise<ChatCompletion | ChunkStream<ChatCompletionChunk>>;
export async function completion(
  params: CompletionParams,
  context?: CallContext,
): Promise<ChatCompletion | ChunkStream<ChatCompletionChunk>> {
  return callThroughCache("chat", params, context);
}

/** A text completion (the `/completions` endpoint). */
export function textCompletion(
  params: TextCompletionParams & Streaming,
  context?: CallContext,
): Promise<ChunkStream<Completion>>;
export function textCompletion(
  params: TextCompletionParams & NotStreaming,
  context?: CallContext,
): Promise<Completion>;
export function textCompletion(
  params: TextCompletionParams,
  context?: CallContext,
): Promise<Completion | ChunkStream<Completion>>;
export async function textCompletion(
  params: TextCompletionParams,
  context?: CallContext,
): Promise<Completion | ChunkStream<Completion>> {
  return callThroughCache("completions", params, context);
}

export async function embedding(params: EmbeddingParams, context?: CallContext): Promise<EmbeddingResponse> {
  return callThroughCache("embeddings", params, context) as Promise<EmbeddingResponse>;
}
