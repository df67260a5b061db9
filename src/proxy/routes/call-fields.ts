import { BadRequestError } from "../../errors/index.js";
import type { Usage } from "../../openai/types.js";
import { canUseModel } from "../access.js";
import type { Identity } from "../identity.js";

/** What the model-call routes (chat, completions, embeddings, messages, responses) share. */

export function unknownModelError(model: string, names: readonly string[]): BadRequestError {
  return new BadRequestError({
    message: `unknown model "${model}"; this proxy serves: ${names.length === 0 ? "(no models configured)" : names.join(", ")}`,
    param: "model",
    code: "model_not_found",
  });
}

/** A response's usage, when it has the token counts spend needs. */
export function usageOf(value: unknown): Usage | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const usage = value as Partial<Usage>;
  return typeof usage.prompt_tokens === "number" ? (usage as Usage) : undefined;
}

/** ~4 characters a token: for streams whose upstream sent no usage. */
export function estimatedUsage(promptCharacters: number, completionCharacters: number): Usage {
  const prompt = Math.ceil(promptCharacters / 4);
  const completion = Math.ceil(completionCharacters / 4);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** A virtual key's own `fallbacks` may only name groups it may use. */
export function allowedFallbacks(identity: Identity, body: Record<string, unknown>): void {
  if (identity.kind !== "virtual" || !Array.isArray(body.fallbacks)) return;
  body.fallbacks = body.fallbacks.filter(
    (name: unknown) => typeof name === "string" && canUseModel(identity, name),
  );
}
