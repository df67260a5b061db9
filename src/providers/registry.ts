import { anthropic } from "./anthropic/index.js";
import { azure } from "./azure/index.js";
import { bedrock } from "./bedrock/index.js";
import { gemini } from "./gemini/index.js";
import { ollama, ollamaChat } from "./ollama/index.js";
import { createOpenAICompatibleProvider, OPENAI_COMPATIBLE_PRESETS } from "./openai-compatible/index.js";
import type { ProviderDefinition } from "./types.js";
import { vertexAI } from "./vertex-ai/index.js";

/** Provider id -> definition. A provider that needs its own code adds one line here. */
export const PROVIDERS: ReadonlyMap<string, ProviderDefinition> = new Map<string, ProviderDefinition>([
  ...OPENAI_COMPATIBLE_PRESETS.map((preset): [string, ProviderDefinition] => [
    preset.id,
    createOpenAICompatibleProvider(preset),
  ]),
  [anthropic.id, anthropic],
  [azure.id, azure],
  [bedrock.id, bedrock],
  [gemini.id, gemini],
  [vertexAI.id, vertexAI],
  [ollama.id, ollama],
  [ollamaChat.id, ollamaChat],
]);

/** The provider a bare model name (`gpt-4o`) means. */
export const DEFAULT_PROVIDER_ID = "openai";

/**
 * The provider id a model name asks for: `custom_llm_provider` when given, else the `provider/`
 * prefix, else OpenAI for a bare name. It may name a provider llmgate does not have.
 */
export function providerIdOf(model: string, customProvider?: string | null): string {
  if (customProvider !== undefined && customProvider !== null && customProvider !== "") return customProvider;
  const slash = model.indexOf("/");
  return slash > 0 ? model.slice(0, slash) : DEFAULT_PROVIDER_ID;
}

/** What a message about an unknown provider lists. */
export function knownProviderIds(): string {
  return [...PROVIDERS.keys()].join(", ");
}
