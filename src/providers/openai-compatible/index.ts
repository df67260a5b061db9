import type { ProviderDefinition } from "../types.js";
import { openAICompatibleHeaders, resolveOpenAICompatibleTarget } from "./api.js";
import { openAICompatibleChat } from "./chat.js";
import { chatViaCompletions } from "./chat-via-completions.js";
import { openAICompatibleCompletions, openAICompatibleEmbeddings } from "./completions.js";
import { mapOpenAICompatibleError } from "./errors.js";
import { dropUnsupportedParams } from "./params.js";
import type { OpenAICompatiblePreset } from "./presets.js";
import { openAICompatibleResponses } from "./responses.js";

/** One provider definition per preset row; the code is shared, the row is data. */
export function createOpenAICompatibleProvider(preset: OpenAICompatiblePreset): ProviderDefinition {
  return {
    id: preset.id,
    resolveTarget: (model, options, env) => resolveOpenAICompatibleTarget(preset, model, options, env),
    headers: openAICompatibleHeaders,
    operations: {
      chat: preset.isTextCompletionOnly ? chatViaCompletions : openAICompatibleChat,
      completions: openAICompatibleCompletions,
      embeddings: openAICompatibleEmbeddings,
      responses: openAICompatibleResponses,
    },
    mapError: mapOpenAICompatibleError,
    dropUnsupportedParams: (operation, body) =>
      dropUnsupportedParams(preset.id, preset.isTextCompletionOnly, operation, body),
  };
}

export { OPENAI_COMPATIBLE_PRESETS, type OpenAICompatibleProviderId } from "./presets.js";
