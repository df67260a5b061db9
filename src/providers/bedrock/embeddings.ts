import { BadRequestError, InternalServerError, UnsupportedParamsError } from "../../errors/index.js";
import type { Embedding, EmbeddingRequest, EmbeddingResponse } from "../../openai/types.js";
import type { OperationDefinition, RepairContext, TransformSettings } from "../types.js";
import { BEDROCK_PROVIDER_ID, invokePath } from "./api.js";
import { baseModelOf, type EmbeddingFamily, embeddingFamilyOf, toBedrockModelId } from "./model-family.js";
import { asCount, isRecord } from "./wire.js";

const EMBEDDING_CALL: unique symbol = Symbol.for("llmgate.bedrock.embedding");

interface EmbeddingCallState {
  family: EmbeddingFamily;
  isBase64: boolean;
  /** Cohere answers no token count: estimated from the texts. */
  estimatedTokens: number;
}

/** OpenAI fields read here; the others that are OpenAI's are refused, the rest passed on. */
const HANDLED = new Set(["model", "input", "encoding_format", "dimensions"]);
const UNSUPPORTED = new Set(["user"]);

function refuse(message: string, param: string): BadRequestError {
  return new BadRequestError({ message, param, provider: BEDROCK_PROVIDER_ID });
}

function unsupported(param: string, value: unknown, model: string): UnsupportedParamsError {
  return new UnsupportedParamsError({
    message: `bedrock/${model} does not support ${param}=${JSON.stringify(value)} (drop_params: true drops it)`,
    param,
    provider: BEDROCK_PROVIDER_ID,
    model,
  });
}

function textsOf(input: EmbeddingRequest["input"]): string[] {
  const list = typeof input === "string" ? [input] : input;
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === "string"))
    throw refuse("bedrock embeddings take a string or a list of strings (not token ids)", "input");
  return list as string[];
}

/** Roughly four characters a token: Cohere on Bedrock reports no count in its body. */
function estimateTokens(texts: readonly string[]): number {
  return texts.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
}

function extrasOf(
  request: EmbeddingRequest,
  model: string,
  settings: TransformSettings,
): Record<string, unknown> {
  const extras: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request)) {
    if (HANDLED.has(key) || value === undefined || value === null) continue;
    if (UNSUPPORTED.has(key)) {
      if (!settings.dropParams) throw unsupported(key, value, model);
      continue;
    }
    extras[key] = value;
  }
  return extras;
}

function dimensionsField(
  family: EmbeddingFamily,
  modelId: string,
  dimensions: unknown,
  settings: TransformSettings,
): Record<string, unknown> {
  if (dimensions === undefined || dimensions === null) return {};
  if (family === "titan") return { dimensions };
  if (family === "cohere" && baseModelOf(modelId).startsWith("cohere.embed-v4"))
    return { output_dimension: dimensions };
  if (!settings.dropParams) throw unsupported("dimensions", dimensions, modelId);
  return {};
}

/**
 * An OpenAI embeddings request -> an InvokeModel body: Titan `{inputText, dimensions, normalize}`
 * (one text a call), Cohere `{texts, input_type}` (`input_type` defaults to "search_document").
 */
function toBedrockEmbeddingRequest(
  request: EmbeddingRequest,
  settings: TransformSettings,
): Record<string, unknown> {
  const modelId = toBedrockModelId(request.model);
  const family = embeddingFamilyOf(modelId);
  if (family === undefined)
    throw refuse(
      `bedrock/${modelId} is not an embedding model llmgate knows (amazon.titan-embed-*, cohere.embed-*)`,
      "model",
    );
  const texts = textsOf(request.input);
  const extras = extrasOf(request, modelId, settings);
  const dimensions = dimensionsField(family, modelId, request.dimensions, settings);
  let body: Record<string, unknown>;
  if (family === "cohere") {
    body = { texts, input_type: "search_document", ...dimensions, ...extras };
  } else {
    if (texts.length > 1)
      throw refuse(
        `bedrock/${modelId} embeds one input a call (splitTitanRequest sends each alone)`,
        "input",
      );
    body = { inputText: texts[0], ...dimensions, ...extras };
  }
  const state: EmbeddingCallState = {
    family,
    isBase64: request.encoding_format === "base64",
    estimatedTokens: estimateTokens(texts),
  };
  Object.defineProperty(body, EMBEDDING_CALL, { value: state, enumerable: true });
  return body;
}

function isVector(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((item) => typeof item === "number");
}

function encode(vector: number[], isBase64: boolean): number[] | string {
  if (!isBase64) return vector;
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString("base64");
}

function vectorsOf(body: Record<string, unknown>, family: EmbeddingFamily): number[][] | undefined {
  if (family !== "cohere") return isVector(body.embedding) ? [body.embedding] : undefined;
  const embeddings = isRecord(body.embeddings) ? body.embeddings.float : body.embeddings;
  return Array.isArray(embeddings) && embeddings.every(isVector) ? embeddings : undefined;
}

/** Titan `{embedding, inputTextTokenCount}` / Cohere `{embeddings}` -> OpenAI's list, float or base64. */
function fromBedrockEmbeddingResponse(body: unknown, { target, sent }: RepairContext): EmbeddingResponse {
  const state = (sent as { [EMBEDDING_CALL]?: EmbeddingCallState })[EMBEDDING_CALL] ?? {
    family: embeddingFamilyOf(target.model) ?? "titan",
    isBase64: false,
    estimatedTokens: 0,
  };
  const answer = isRecord(body) ? body : {};
  const vectors = vectorsOf(answer, state.family);
  if (vectors === undefined)
    throw new InternalServerError({
      message: `bedrock answered an embeddings call without embeddings: ${JSON.stringify(body).slice(0, 300)}`,
      provider: target.providerId,
      model: target.model,
      body,
    });
  const tokens = state.family === "cohere" ? state.estimatedTokens : asCount(answer.inputTextTokenCount);
  const data: Embedding[] = vectors.map((vector, index) => ({
    object: "embedding",
    index,
    embedding: encode(vector, state.isBase64),
  }));
  return {
    object: "list",
    data,
    model: target.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

/** Titan embeds one text a call: a request of several is sent as one call per text. */
function splitTitanRequest(request: EmbeddingRequest): EmbeddingRequest[] | undefined {
  const modelId = toBedrockModelId(request.model);
  if (embeddingFamilyOf(modelId) !== "titan" || !Array.isArray(request.input)) return undefined;
  const texts = request.input;
  if (texts.length < 2 || !texts.every((text) => typeof text === "string")) return undefined;
  return texts.map((text) => ({ ...request, input: text as string }));
}

/** The answers of the calls of one split request, as one list in the request's order. */
function joinEmbeddingResponses(responses: EmbeddingResponse[]): EmbeddingResponse {
  const data: Embedding[] = [];
  let tokens = 0;
  for (const response of responses) {
    for (const item of response.data) data.push({ ...item, index: data.length });
    tokens += response.usage?.prompt_tokens ?? 0;
  }
  return {
    object: "list",
    data,
    model: responses[0]?.model ?? "",
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

export const bedrockEmbeddings: OperationDefinition<"embeddings"> = {
  path: invokePath,
  toRequest: toBedrockEmbeddingRequest,
  fromResponse: fromBedrockEmbeddingResponse,
  splitRequest: splitTitanRequest,
  joinResponses: joinEmbeddingResponses,
};
