import { BadRequestError } from "../errors/index.js";
import { knownProviderIds, PROVIDERS, providerIdOf } from "../providers/registry.js";
import type { ProviderDefinition } from "../providers/types.js";

export interface ResolvedModel {
  provider: ProviderDefinition;
  /** The model name the upstream knows. */
  model: string;
}

function providerOrThrow(id: string, model: string): ProviderDefinition {
  const provider = PROVIDERS.get(id);
  if (provider !== undefined) return provider;
  throw new BadRequestError({
    message: `unknown provider "${id}" for model "${model}"; known providers: ${knownProviderIds()}`,
    param: "model",
    model,
  });
}

/**
 * `provider/model` -> provider + upstream model. A name without a provider prefix (`gpt-4o`) means
 * OpenAI; `custom_llm_provider` overrides the prefix.
 */
export function resolveModel(model: string, customProvider?: string | undefined): ResolvedModel {
  const id = providerIdOf(model, customProvider);
  const prefix = `${id}/`;
  return {
    provider: providerOrThrow(id, model),
    model: model.startsWith(prefix) ? model.slice(prefix.length) : model,
  };
}
