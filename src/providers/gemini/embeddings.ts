import { BadRequestError, InternalServerError } from "../../errors/index.js";
import type { Embedding, EmbeddingRequest, EmbeddingResponse } from "../../openai/types.js";
import type { RepairContext, UpstreamTarget } from "../types.js";
import { countOf, ENCODING_FORMAT, isRecord } from "./wire.js";

/** The inputs of an embeddings request as texts (Gemini takes no token lists). */
export function embeddingInputsOf(request: EmbeddingRequest): string[] {
  const input = request.input;
  const inputs = typeof input === "string" ? [input] : Array.isArray(input) ? input : [];
  if (inputs.length === 0 || !inputs.every((item) => typeof item === "string")) {
    throw new BadRequestError({
      message: "input must be a string or a list of strings (Google's embedding models take no token lists)",
      param: "input",
      model: request.model,
    });
  }
  return inputs as string[];
}

/** The task type a caller gave (`task_type`, LiteLLM's name, or Google's `taskType`). */
export function taskTypeOf(request: EmbeddingRequest): string | undefined {
  const value = request.task_type ?? request.taskType;
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** One vector in OpenAI's shape: floats, or little-endian float32 base64 when that was asked. */
export function toOpenAIEmbedding(
  values: unknown,
  index: number,
  sent: Record<string | symbol, unknown>,
): Embedding {
  const floats = Array.isArray(values) ? values.map(Number) : [];
  if (sent[ENCODING_FORMAT] !== "base64") return { object: "embedding", index, embedding: floats };
  const array = Float32Array.from(floats);
  const base64 = Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString("base64");
  return { object: "embedding", index, embedding: base64 };
}

export function notEmbeddings(target: UpstreamTarget, what: string): InternalServerError {
  return new InternalServerError({
    message: `${target.providerId} answered with ${what}, not embeddings`,
    provider: target.providerId,
    model: target.model,
  });
}

/** OpenAI embeddings -> `batchEmbedContents` (`requests: [{model: "models/<m>", content: {parts: [{text}]}}]`). */
export function toGeminiEmbeddingsRequest(request: EmbeddingRequest): Record<string | symbol, unknown> {
  const model = request.model.startsWith("models/") ? request.model : `models/${request.model}`;
  const taskType = taskTypeOf(request);
  const requests = embeddingInputsOf(request).map((text) => {
    const item: Record<string, unknown> = { model, content: { parts: [{ text }] } };
    if (typeof request.dimensions === "number") item.outputDimensionality = request.dimensions;
    if (taskType !== undefined) item.taskType = taskType;
    if (typeof request.title === "string") item.title = request.title;
    return item;
  });
  return { requests, [ENCODING_FORMAT]: request.encoding_format };
}

/** Roughly four characters a token: batchEmbedContents reports no token count. */
function estimateTokens(sent: Record<string, unknown>): number {
  let characters = 0;
  for (const item of Array.isArray(sent.requests) ? sent.requests : []) {
    const parts =
      isRecord(item) && isRecord(item.content) && Array.isArray(item.content.parts) ? item.content.parts : [];
    for (const part of parts)
      if (isRecord(part) && typeof part.text === "string") characters += part.text.length;
  }
  return Math.ceil(characters / 4);
}

/** `{embeddings: [{values}]}` -> OpenAI's list; usage from `usageMetadata` when sent, else estimated. */
export function fromGeminiEmbeddingsResponse(body: unknown, call: RepairContext): EmbeddingResponse {
  const { target, sent } = call;
  if (!isRecord(body) || !Array.isArray(body.embeddings)) throw notEmbeddings(target, "no embeddings list");
  const data = body.embeddings.map((item, index) =>
    toOpenAIEmbedding(isRecord(item) ? item.values : undefined, index, sent),
  );
  const reported = isRecord(body.usageMetadata) ? countOf(body.usageMetadata.promptTokenCount) : 0;
  const tokens = reported > 0 ? reported : estimateTokens(sent);
  return {
    object: "list",
    data,
    model: target.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
