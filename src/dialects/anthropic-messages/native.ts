import { providerIdOf } from "../../providers/registry.js";
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
 * Providers that take an Anthropic body natively. `bedrock/` and `vertex_ai/` Claude are not here
 * yet: their providers offer no native Messages path, so they are served through chat.
 */
const NATIVE_PROVIDERS: ReadonlyMap<string, NativeMessagesCall> = new Map([
  ["anthropic", (...args) => callAnthropicNatively("anthropic", ...args)],
]);

/**
 * The one place that decides passthrough: by the deployment's provider (`custom_llm_provider`,
 * else the model's `provider/` prefix). Undefined means the request goes through chat completions.
 */
export function nativeMessagesRoute(model: string, customProvider: unknown): NativeMessagesCall | undefined {
  return NATIVE_PROVIDERS.get(
    providerIdOf(model, typeof customProvider === "string" ? customProvider : undefined),
  );
}
