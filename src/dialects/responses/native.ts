import type { ProviderDefinition, TargetOptions } from "../../providers/types.js";

/** OpenAI's own API: its Responses endpoint is the real one. */
const OPENAI_API_BASE = "https://api.openai.com/v1";

/**
 * The one place that decides passthrough: a deployment of OpenAI itself (provider `openai` at the
 * default base), or one whose `model_info.mode` is `responses`, whose provider has a Responses
 * endpoint, gets the request natively; every other one through chat completions.
 */
export function isNativeResponsesTarget(
  provider: ProviderDefinition,
  model: string,
  options: TargetOptions,
  env: NodeJS.ProcessEnv,
  deploymentMode: string | undefined,
): boolean {
  if (provider.operations.responses === undefined) return false;
  if (deploymentMode === "responses") return true;
  if (provider.id !== "openai") return false;
  try {
    return provider.resolveTarget(model, options, env).apiBase === OPENAI_API_BASE;
  } catch {
    // No key, say: the native call reports it as the chat call would.
    return true;
  }
}
