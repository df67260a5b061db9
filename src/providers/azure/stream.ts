import type { ChatCompletionChunk, Completion } from "../../openai/types.js";
import type { StreamTransformer } from "../types.js";

type Chunk = Record<string, unknown> & { choices?: unknown };

/** A choice that only annotates content filtering (`content_filter_results`, no delta, no finish). */
function isAnnotationOnly(choice: unknown, isChat: boolean): boolean {
  if (typeof choice !== "object" || choice === null) return false;
  const fields = choice as Record<string, unknown>;
  const hasContent = isChat ? fields.delta !== undefined : fields.text !== undefined;
  return !hasContent && (fields.finish_reason === null || fields.finish_reason === undefined);
}

/**
 * Azure's streams carry content-filter annotations in chunks of their own: a first one with
 * `choices: []` and `prompt_filter_results`, and (with asynchronous filtering) chunks whose choices
 * have no delta, with `id`, `object` and `model` empty. They are not OpenAI chunks: they are left
 * out; a real chunk with an empty field gets the stream's. A chunk that needs nothing passes as is.
 */
export function createAzureStreamTransformer<C extends ChatCompletionChunk | Completion>(
  object: "chat.completion.chunk" | "text_completion",
): StreamTransformer<C> {
  const isChat = object === "chat.completion.chunk";
  let last: { id: unknown; created: unknown; model: unknown } | undefined;
  return {
    push(event) {
      const chunk = event as Chunk;
      const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
      const kept = choices.filter((choice) => !isAnnotationOnly(choice, isChat));
      const hasUsage = chunk.usage !== undefined && chunk.usage !== null;
      if (kept.length === 0 && !hasUsage) return [];
      let result: Chunk = chunk;
      if (kept.length !== choices.length) result = { ...result, choices: kept };
      if (result.object !== object) result = { ...result, object };
      for (const field of ["id", "created", "model"] as const) {
        const value = result[field];
        if ((value === "" || value === 0 || value === undefined) && last !== undefined)
          result = { ...result, [field]: last[field] };
      }
      last = { id: result.id, created: result.created, model: result.model };
      return [result as C];
    },
    flush: () => [],
  };
}
