import type { EmbeddingRequest, EmbeddingResponse } from "../../openai/types.js";
import {
  ENCODING_FORMAT,
  embeddingInputsOf,
  isRecord,
  notEmbeddings,
  taskTypeOf,
  toOpenAIEmbedding,
} from "../gemini/index.js";
import type { RepairContext } from "../types.js";

/** OpenAI embeddings -> Vertex's text-embedding `:predict` (`instances: [{content}]`, `parameters`). */
export function toVertexEmbeddingsRequest(request: EmbeddingRequest): Record<string | symbol, unknown> {
  const taskType = taskTypeOf(request);
  const instances = embeddingInputsOf(request).map((content) => {
    const instance: Record<string, unknown> = { content };
    if (taskType !== undefined) instance.task_type = taskType;
    if (typeof request.title === "string") instance.title = request.title;
    return instance;
  });
  const body: Record<string | symbol, unknown> = { instances, [ENCODING_FORMAT]: request.encoding_format };
  if (typeof request.dimensions === "number") body.parameters = { outputDimensionality: request.dimensions };
  return body;
}

/** `predictions[].embeddings.values` -> OpenAI's list; usage is the sum of `statistics.token_count`. */
export function fromVertexEmbeddingsResponse(body: unknown, call: RepairContext): EmbeddingResponse {
  const { target, sent } = call;
  if (!isRecord(body) || !Array.isArray(body.predictions)) throw notEmbeddings(target, "no predictions list");
  let tokens = 0;
  const data = body.predictions.map((prediction, index) => {
    const embeddings = isRecord(prediction) && isRecord(prediction.embeddings) ? prediction.embeddings : {};
    const statistics = isRecord(embeddings.statistics) ? embeddings.statistics : {};
    if (typeof statistics.token_count === "number") tokens += statistics.token_count;
    return toOpenAIEmbedding(embeddings.values, index, sent);
  });
  return {
    object: "list",
    data,
    model: target.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
