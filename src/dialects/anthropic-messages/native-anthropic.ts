import type { ChatCompletionChunk } from "../../openai/types.js";
import { anthropicMessagesPath } from "../../providers/anthropic/index.js";
import { PROVIDERS } from "../../providers/registry.js";
import type { OperationDefinition, ProviderDefinition } from "../../providers/types.js";
import type { CallContext } from "../../sdk/call.js";
import type { CallParams, ChunkStream } from "../../sdk/types.js";
import type { ChatCall, MessagesResult } from "./call.js";
import { toChatUsage } from "./usage.js";
import type { Message, MessagesRequest, StreamEvent, Usage } from "./wire.js";

/**
 * Anthropic's Messages endpoint taking a body already in Anthropic's shape: sent as it came (the
 * SDK call replaced only `model`), the answer's bytes relayed as they came (no fromResponse), each
 * stream event passed on as it came.
 */
const nativeMessages: OperationDefinition<"chat"> = {
  path: anthropicMessagesPath,
  toRequest: (request) => request,
  createStreamTransformer: () => ({
    push: (event) => [event as ChatCompletionChunk],
    flush: () => [],
  }),
};

/** The registered provider (its target, headers, error mapping) with the native Messages operation. */
function nativeProvider(providerId: string): ProviderDefinition | undefined {
  const provider = PROVIDERS.get(providerId);
  return provider === undefined ? undefined : { ...provider, operations: { chat: nativeMessages } };
}

function usageOf(value: unknown): Partial<Usage> | undefined {
  return typeof value === "object" && value !== null ? (value as Partial<Usage>) : undefined;
}

/**
 * An Anthropic request to an Anthropic deployment, natively: the client's `anthropic-version` and
 * `anthropic-beta` forwarded (over the provider's defaults), unknown fields kept; usage still read
 * (in chat's form) for spend.
 */
export async function callAnthropicNatively(
  providerId: string,
  request: MessagesRequest,
  options: Record<string, unknown>,
  clientHeaders: Record<string, string>,
  context: CallContext,
  chatCall: ChatCall,
): Promise<MessagesResult | undefined> {
  const provider = nativeProvider(providerId);
  if (provider === undefined) return undefined;
  const extraHeaders = Object.assign(
    {},
    options.extra_headers as Record<string, string> | undefined,
    clientHeaders,
  );
  // drop_params names OpenAI parameters: nothing to drop from a body the provider takes as it is.
  const { drop_params: _dropParams, ...callOptions } = options;
  const params = Object.assign({}, request, callOptions, { extra_headers: extraHeaders });
  const result = await chatCall("chat", params as unknown as CallParams<"chat">, { ...context, provider });
  const origin = { headers: result.headers, providerId: result.providerId, model: result.model };
  if (result.kind === "stream") {
    return { ...origin, kind: "stream", stream: result.stream as unknown as ChunkStream<StreamEvent> };
  }
  // A large body a relay reads lazily keeps `data` unparsed until read: its summary has id and usage.
  const read = result.summary ?? (result.data as unknown as Message);
  const summary = { id: read.id, usage: toChatUsage(usageOf(read.usage)) };
  return {
    ...origin,
    kind: "response",
    get data() {
      return result.data as unknown as Message;
    },
    rawBody: result.rawBody,
    summary,
  };
}
