import type { ChatCompletionChunk } from "../../openai/types.js";
import { anthropicMessagesPath } from "../../providers/anthropic/index.js";
import { BEDROCK_ANTHROPIC_VERSION, invokePath } from "../../providers/bedrock/api.js";
import { invokeStreamEventOf } from "../../providers/bedrock/invoke-stream.js";
import { PROVIDERS } from "../../providers/registry.js";
import type { OperationDefinition, ProviderDefinition } from "../../providers/types.js";
import { VERTEX_ANTHROPIC_VERSION, vertexChatPath } from "../../providers/vertex-ai/api.js";
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

/**
 * Claude on Vertex AI (rawPredict / streamRawPredict): the same body without `model` (it is in the
 * URL), with Vertex's `anthropic_version` in the body instead of the header.
 */
const vertexNativeMessages: OperationDefinition<"chat"> = {
  ...nativeMessages,
  path: vertexChatPath,
  toRequest: (request) => {
    const { model: _model, ...body } = request;
    return Object.assign(body, { anthropic_version: VERTEX_ANTHROPIC_VERSION });
  },
};

/**
 * Claude on Bedrock (InvokeModel, `/invoke` and `/invoke-with-response-stream`): the body without
 * `model` (in the URL) and `stream` (the endpoint says it), with Bedrock's `anthropic_version`; a
 * stream's events come base64-wrapped in event-stream `chunk` frames and are passed on unwrapped.
 */
const bedrockNativeMessages: OperationDefinition<"chat"> = {
  path: invokePath,
  streamFraming: "aws-eventstream",
  toRequest: (request) => {
    const { model: _model, stream: _stream, ...body } = request;
    return Object.assign(body, { anthropic_version: BEDROCK_ANTHROPIC_VERSION });
  },
  createStreamTransformer: () => ({
    push: (event, eventName) => invokeStreamEventOf(event, eventName) as ChatCompletionChunk[],
    flush: () => [],
  }),
};

interface NativeOperation {
  operation: OperationDefinition<"chat">;
  /** The client's headers it takes. */
  headers: readonly string[];
  /** Whether the client's `anthropic-beta` goes in the body, as `anthropic_beta: [...]` (Bedrock). */
  hasBetasInBody?: true;
}

const NATIVE_OPERATIONS: ReadonlyMap<string, NativeOperation> = new Map<string, NativeOperation>([
  ["anthropic", { operation: nativeMessages, headers: ["anthropic-version", "anthropic-beta"] }],
  ["vertex_ai", { operation: vertexNativeMessages, headers: ["anthropic-beta"] }],
  ["bedrock", { operation: bedrockNativeMessages, headers: [], hasBetasInBody: true }],
]);

/** The request with the client's `anthropic-beta` list joined to its own `anthropic_beta`. */
function withBetasInBody(request: MessagesRequest, clientHeaders: Record<string, string>): MessagesRequest {
  const header = clientHeaders["anthropic-beta"];
  if (header === undefined) return request;
  const own = (request as { anthropic_beta?: unknown }).anthropic_beta;
  const betas = new Set(Array.isArray(own) ? own.filter((beta) => typeof beta === "string") : []);
  for (const beta of header.split(",")) if (beta.trim() !== "") betas.add(beta.trim());
  return { ...request, anthropic_beta: [...betas] } as MessagesRequest;
}

/** The registered provider (its target, headers, error mapping) with the native Messages operation. */
function nativeProvider(providerId: string, native: NativeOperation): ProviderDefinition | undefined {
  const provider = PROVIDERS.get(providerId);
  return provider === undefined ? undefined : { ...provider, operations: { chat: native.operation } };
}

function pickHeaders(headers: Record<string, string>, names: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

function usageOf(value: unknown): Partial<Usage> | undefined {
  return typeof value === "object" && value !== null ? (value as Partial<Usage>) : undefined;
}

/**
 * An Anthropic request to an Anthropic-family deployment, natively: the client's `anthropic-version`
 * and `anthropic-beta` forwarded (over the provider's defaults; Vertex takes the version in the
 * body, Bedrock the version and the betas), unknown fields kept; usage still read (in chat's form) for spend. Undefined when the
 * provider has no native Messages path.
 */
export async function callAnthropicNatively(
  providerId: string,
  request: MessagesRequest,
  options: Record<string, unknown>,
  clientHeaders: Record<string, string>,
  context: CallContext,
  chatCall: ChatCall,
): Promise<MessagesResult | undefined> {
  const native = NATIVE_OPERATIONS.get(providerId);
  const provider = native === undefined ? undefined : nativeProvider(providerId, native);
  if (provider === undefined || native === undefined) return undefined;
  const extraHeaders = Object.assign(
    {},
    options.extra_headers as Record<string, string> | undefined,
    pickHeaders(clientHeaders, native.headers),
  );
  // drop_params names OpenAI parameters: nothing to drop from a body the provider takes as it is.
  const { drop_params: _dropParams, ...callOptions } = options;
  const body = native.hasBetasInBody === true ? withBetasInBody(request, clientHeaders) : request;
  const params = Object.assign({}, body, callOptions, { extra_headers: extraHeaders });
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
