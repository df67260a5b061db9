import { isClaudeModel as isBedrockClaude } from "../../providers/bedrock/model-family.js";
import { providerIdOf } from "../../providers/registry.js";
import { isClaudeModel } from "../../providers/vertex-ai/api.js";
import type { CallContext } from "../../sdk/call.js";
import type { ChatCall, MessagesResult } from "./call.js";
import { callAnthropicNatively } from "./native-anthropic.js";
import type { MessagesRequest } from "./wire.js";

/** A provider's native Messages call: the body goes as it came, only `model` replaced. */
export type NativeMessagesCall = (
  request: MessagesRequest,
  options: Record<string, unknown>,
  clientHeaders: Record<string, string>,
  context: CallContext,
  chatCall: ChatCall,
) => Promise<MessagesResult | undefined>;

/**
 * Providers that take an Anthropic body natively: `anthropic/`, and for Claude models `vertex_ai/`
 * (rawPredict) and `bedrock/` (InvokeModel; its chat completions go through Converse).
 */
const NATIVE_PROVIDERS: ReadonlyMap<string, (model: string) => boolean> = new Map([
  ["anthropic", () => true],
  ["vertex_ai", (model: string) => isClaudeModel(model.slice(model.indexOf("/") + 1))],
  ["bedrock", (model: string) => isBedrockClaude(model.slice(model.indexOf("/") + 1))],
]);

/**
 * The one place that decides passthrough: by the deployment's provider (`custom_llm_provider`,
 * else the model's `provider/` prefix). Undefined means the request goes through chat completions.
 */
export function nativeMessagesRoute(model: string, customProvider: unknown): NativeMessagesCall | undefined {
  const providerId = providerIdOf(model, typeof customProvider === "string" ? customProvider : undefined);
  if (NATIVE_PROVIDERS.get(providerId)?.(model) !== true) return undefined;
  return (...args) => callAnthropicNatively(providerId, ...args);
}
