import { InternalServerError } from "../../errors/index.js";
import type { Completion } from "../../openai/types.js";
import type { RepairContext, StreamTransformer, UpstreamTarget } from "../types.js";
import { createdOf, newCompletionId, toOpenAIFinishReason, toOpenAIUsage } from "./chat-response.js";
import { mapOllamaError } from "./errors.js";
import { INCLUDE_STREAM_USAGE, isRecord, type OllamaGenerateResponse } from "./wire.js";

function modelOf(body: Record<string, unknown>, target: UpstreamTarget): string {
  return typeof body.model === "string" && body.model !== "" ? body.model : target.model;
}

function completionOf(
  id: string,
  created: number,
  model: string,
  text: string,
  finishReason: string | null,
): Completion {
  return {
    id,
    object: "text_completion",
    created,
    model,
    choices: [{ index: 0, text, finish_reason: finishReason, logprobs: null }],
  };
}

/** An /api/generate answer (`stream: false`) -> an OpenAI text completion. */
export function fromOllamaCompletionResponse(body: unknown, { target }: RepairContext): Completion {
  if (!isRecord(body) || (typeof body.response !== "string" && body.done !== true)) {
    throw new InternalServerError({
      message: `${target.providerId} answered with something that is not an /api/generate answer: ${JSON.stringify(body).slice(0, 200)}`,
      provider: target.providerId,
      model: target.model,
      body,
    });
  }
  const answer = body as OllamaGenerateResponse;
  const completion = completionOf(
    newCompletionId("cmpl-"),
    createdOf(answer.created_at),
    modelOf(body, target),
    typeof answer.response === "string" ? answer.response : "",
    toOpenAIFinishReason(answer.done_reason, false),
  );
  completion.usage = toOpenAIUsage(answer);
  return completion;
}

/**
 * /api/generate's NDJSON lines -> text completion chunks: each `response` piece is a chunk, the
 * done line gives the finish reason and (with `stream_options.include_usage`) a chunk without
 * choices carrying the counts.
 */
export function createOllamaCompletionStreamTransformer(call: RepairContext): StreamTransformer<Completion> {
  const { target, sent } = call;
  const includeUsage = (sent as { [INCLUDE_STREAM_USAGE]?: unknown })[INCLUDE_STREAM_USAGE] === true;
  const id = newCompletionId("cmpl-");
  let created: number | undefined;
  let hasStarted = false;
  let isDone = false;
  return {
    push(event) {
      if (!isRecord(event) || isDone) return [];
      if (event.error !== undefined && event.error !== null)
        throw mapOllamaError({ status: 500, body: event, headers: {}, target });
      hasStarted = true;
      created ??= createdOf(event.created_at);
      const model = modelOf(event, target);
      const text = typeof event.response === "string" ? event.response : "";
      if (event.done !== true) return text === "" ? [] : [completionOf(id, created, model, text, null)];
      isDone = true;
      const chunks = [completionOf(id, created, model, text, toOpenAIFinishReason(event.done_reason, false))];
      if (includeUsage)
        chunks.push({
          ...completionOf(id, created, model, "", null),
          choices: [],
          usage: toOpenAIUsage(event),
        });
      return chunks;
    },
    flush() {
      if (hasStarted && !isDone) {
        throw new InternalServerError({
          message: `the ${target.providerId} stream ended before its done line: the answer is incomplete`,
          provider: target.providerId,
          model: target.model,
        });
      }
      return [];
    },
  };
}
