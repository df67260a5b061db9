import { BadRequestError, InternalServerError } from "../../errors/index.js";
import type { EmbeddingRequest, EmbeddingResponse } from "../../openai/types.js";
import type { OperationDefinition, RepairContext, TransformSettings } from "../types.js";
import { refuseUnsupported } from "./params.js";
import { countOf, ENCODING_FORMAT, isRecord, OLLAMA_EMBED_PATH } from "./wire.js";

/** Fields of an embeddings request that /api/embed takes under the same name. */
const PASSED: readonly string[] = ["dimensions", "truncate", "keep_alive", "options"];
const IGNORED: ReadonlySet<string> = new Set(["model", "input", "encoding_format", "user", "metadata"]);

function inputOf(request: EmbeddingRequest, providerId: string): string | string[] {
  const { input } = request;
  if (typeof input === "string") return input;
  if (Array.isArray(input) && input.every((item): item is string => typeof item === "string")) return input;
  throw new BadRequestError({
    message: `${providerId} embeds text: input must be a string or a list of strings, not token ids`,
    param: "input",
    provider: providerId,
    model: request.model,
  });
}

/**
 * An OpenAI embeddings request -> `POST /api/embed` `{model, input}` (with `dimensions`,
 * `truncate`, `keep_alive`, `options` when given; other extras go into `options`).
 */
function toOllamaEmbedRequest(
  request: EmbeddingRequest,
  settings: TransformSettings,
): Record<string, unknown> {
  const dropped = refuseUnsupported(request, settings, "ollama");
  const body: Record<string, unknown> = { model: request.model, input: inputOf(request, "ollama") };
  const options: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(request)) {
    if (value === undefined || value === null || IGNORED.has(name) || dropped.has(name)) continue;
    if (name === "options" && isRecord(value)) Object.assign(options, value);
    else if (PASSED.includes(name)) body[name] = value;
    else options[name] = value;
  }
  if (Object.keys(options).length > 0) body.options = options;
  Object.defineProperty(body, ENCODING_FORMAT, { value: request.encoding_format, enumerable: true });
  return body;
}

function encode(vector: number[], isBase64: boolean): number[] | string {
  if (!isBase64) return vector;
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString("base64");
}

function isVector(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((item) => typeof item === "number");
}

/** `{embeddings, prompt_eval_count}` -> OpenAI's list, float or (as asked) base64 float32. */
function fromOllamaEmbedResponse(body: unknown, { target, sent }: RepairContext): EmbeddingResponse {
  const embeddings = isRecord(body) ? body.embeddings : undefined;
  if (!Array.isArray(embeddings) || !embeddings.every(isVector)) {
    throw new InternalServerError({
      message: `${target.providerId} answered /api/embed without embeddings: ${JSON.stringify(body).slice(0, 200)}`,
      provider: target.providerId,
      model: target.model,
      body,
    });
  }
  const isBase64 = (sent as { [ENCODING_FORMAT]?: unknown })[ENCODING_FORMAT] === "base64";
  const tokens = countOf(isRecord(body) ? body.prompt_eval_count : undefined);
  const model =
    isRecord(body) && typeof body.model === "string" && body.model !== "" ? body.model : target.model;
  return {
    object: "list",
    data: embeddings.map((vector, index) => ({
      object: "embedding",
      index,
      embedding: encode(vector, isBase64),
    })),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

export const ollamaEmbeddings: OperationDefinition<"embeddings"> = {
  path: OLLAMA_EMBED_PATH,
  toRequest: toOllamaEmbedRequest,
  fromResponse: fromOllamaEmbedResponse,
};
