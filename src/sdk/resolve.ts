import { BadRequestError } from "../errors/index.js";
import { DEFAULT_PROVIDER_ID, PROVIDERS } from "../providers/registry.js";
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
    message: `unknown provider "${id}" for model "${model}"; known providers: ${[...PROVIDERS.keys()].join(", ")}`,
    param: "model",
    model,
  });
}

/**
 * `provider/model` -> provider + upstream model. A name without a known provider prefix
 * (`gpt-4o`) means OpenAI; `custom_llm_provider` overrides the prefix.
 */
export function resolveModel(model: string, customProvider?: string | undefined): ResolvedModel {
  if (customProvider !== undefined && customProvider !== "") {
    const prefix = `${customProvider}/`;
    return {
      provider: providerOrThrow(customProvider, model),
      model: model.startsWith(prefix) ? model.slice(prefix.length) : model,
    };
  }
  const slash = model.indexOf("/");
  if (slash > 0) {
    const provider = PROVIDERS.get(model.slice(0, slash));
    if (provider !== undefined) return { provider, model: model.slice(slash + 1) };
    providerOrThrow(model.slice(0, slash), model);
  }
  return { provider: providerOrThrow(DEFAULT_PROVIDER_ID, model), model };
}
