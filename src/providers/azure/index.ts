import type { ChatCompletionChunk, Completion } from "../../openai/types.js";
import { openAICompatibleChat } from "../openai-compatible/chat.js";
import { openAICompatibleCompletions, openAICompatibleEmbeddings } from "../openai-compatible/completions.js";
import { dropUnsupportedParams } from "../openai-compatible/params.js";
import type { ProviderDefinition } from "../types.js";
import { AZURE_PROVIDER_ID, azureHeaders, deploymentPath, resolveAzureTarget } from "./api.js";
import { mapAzureError } from "./errors.js";
import { createAzureStreamTransformer } from "./stream.js";

/**
 * Azure OpenAI: OpenAI's own bodies, answers and errors (content filters included, through the
 * shared mapper), at per-deployment URLs with an `api-version` and Azure's credentials.
 */
export const azure: ProviderDefinition = {
  id: AZURE_PROVIDER_ID,
  resolveTarget: resolveAzureTarget,
  headers: azureHeaders,
  operations: {
    chat: {
      ...openAICompatibleChat,
      path: deploymentPath("chat/completions"),
      createStreamTransformer: () =>
        createAzureStreamTransformer<ChatCompletionChunk>("chat.completion.chunk"),
    },
    completions: {
      ...openAICompatibleCompletions,
      path: deploymentPath("completions"),
      createStreamTransformer: () => createAzureStreamTransformer<Completion>("text_completion"),
    },
    embeddings: { ...openAICompatibleEmbeddings, path: deploymentPath("embeddings") },
  },
  mapError: mapAzureError,
  // Deployments serve OpenAI's models: the same rules (reasoning models' sampling knobs, ...).
  dropUnsupportedParams: (operation, body) => dropUnsupportedParams("openai", false, operation, body),
};
