import type { CallContext } from "../../sdk/call.js";
import type { MessagesResult } from "./call.js";
import type { MessagesRequest } from "./wire.js";

/** A provider's native Messages call: the body goes as it came, only `model` replaced. */
export type NativeMessagesCall = (
  request: MessagesRequest,
  options: Record<string, unknown>,
  clientHeaders: Record<string, string>,
  context: CallContext,
) => Promise<MessagesResult>;

/**
 * The one place that decides passthrough: by the deployment's provider. Undefined means the
 * request goes through chat completions.
 */
export function nativeMessagesRoute(
  _model: string,
  _customProvider: unknown,
): NativeMessagesCall | undefined {
  return undefined;
}
