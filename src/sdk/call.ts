import { BadRequestError, LlmgateError, Timeout } from "../errors/index.js";
import { getDefaultHttpClient, type HttpClient, type UpstreamResponse } from "../http/client.js";
import { LightAbortController } from "../http/light-abort.js";
import { mapTransportError } from "../http/transport-errors.js";
import type {
  Operation,
  OperationDefinition,
  OperationTypes,
  ProviderDefinition,
  UpstreamTarget,
} from "../providers/types.js";
import { statusOfErrorPayload } from "./error-payload.js";
import { mockResult } from "./mock.js";
import { resolveModel } from "./resolve.js";
import { readResponseBody } from "./response-body.js";
import { MAX_RETRY_AFTER_SECONDS, retryDelayMs, sleep } from "./retry.js";
import { createUpstreamChunkStream } from "./stream.js";
import {
  CALL_OPTION_KEYS,
  type CallOptions,
  type CallParams,
  type CallResult,
  type UpstreamHeaders,
} from "./types.js";

export interface CallContext {
  /** Read at call time; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  httpClient?: HttpClient;
  /**
   * For a relay that sends `rawBody` on and reads only `summary`: a large body is not parsed
   * unless `data` is read. Its JSON is then checked for its outline only (see topLevelFields).
   */
  parseLazily?: boolean;
  /**
   * The largest answer read from an upstream: a JSON body, or the bytes of a stream that complete
   * no event. Default DEFAULT_MAX_RESPONSE_BYTES; beyond it the call fails with a 500.
   */
  maxResponseBytes?: number;
  /**
   * The definition to call instead of the registry's for the model's provider: a dialect's native
   * passthrough (an Anthropic body to an Anthropic deployment) brings its own operation this way.
   */
  provider?: ProviderDefinition | undefined;
}

/** 256 MiB: room for a large embeddings batch (2,048 inputs of 1,536 floats is ~65 MB of JSON). */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/** Seconds per attempt when neither the call nor the config sets a timeout. */
export const DEFAULT_TIMEOUT_SECONDS = 600;
const DEFAULT_MAX_RETRIES = 2;
/** Error bodies larger than this are cut: an upstream's error page is not worth megabytes. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

interface Prepared {
  provider: ProviderDefinition;
  target: UpstreamTarget;
  url: URL;
  headers: Record<string, string>;
  /** The body sent upstream, as an object (what the answer is repaired against). */
  sent: Record<string, unknown>;
  payload: string;
  isStream: boolean;
}

function splitParams<K extends Operation>(params: CallParams<K>) {
  const options: CallOptions & { custom_llm_provider?: string } = {};
  const request: Record<string, unknown> = {};
  for (const key in params) {
    const value = (params as Record<string, unknown>)[key];
    if (CALL_OPTION_KEYS.has(key)) (options as Record<string, unknown>)[key] = value;
    else request[key] = value;
  }
  return { options, request: request as OperationTypes[K]["request"] };
}

function dropParams(
  operationName: Operation,
  body: Record<string, unknown>,
  options: CallOptions,
  provider: ProviderDefinition,
) {
  if (options.drop_params === true) provider.dropUnsupportedParams?.(operationName, body);
  for (const key of options.additional_drop_params ?? []) delete body[key];
}

function headersOf(response: UpstreamResponse): UpstreamHeaders {
  const headers: UpstreamHeaders = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

async function readErrorBody(response: UpstreamResponse): Promise<unknown> {
  let text = "";
  for await (const bytes of response.body) {
    text += typeof bytes === "string" ? bytes : Buffer.from(bytes).toString("utf8");
    if (text.length > MAX_ERROR_BODY_BYTES) {
      response.body.destroy();
      break;
    }
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

async function attempt<K extends Operation>(
  operation: OperationDefinition<K>,
  prepared: Prepared,
  options: CallOptions,
  client: HttpClient,
  context: CallContext,
): Promise<CallResult<K>> {
  const isParsedLazily = context.parseLazily === true;
  const maxResponseBytes = context.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const { target, provider } = prepared;
  // Messages reach clients: name the endpoint without any userinfo or query an api_base may carry.
  const publicUrl = prepared.url.origin + prepared.url.pathname;
  const where = { provider: target.providerId, model: target.model, url: publicUrl };
  const userSignal = options.signal ?? undefined;
  if (userSignal?.aborted === true) throw abortReason(userSignal);
  const timeoutSeconds = options.timeout ?? DEFAULT_TIMEOUT_SECONDS;
  const firstByteSeconds = prepared.isStream ? (options.stream_timeout ?? timeoutSeconds) : timeoutSeconds;
  const controller = new LightAbortController();
  const onUserAbort = () => controller.abort(userSignal?.reason);
  userSignal?.addEventListener("abort", onUserAbort, { once: true });
  let hasTimedOut = false;
  const timer = setTimeout(() => {
    hasTimedOut = true;
    controller.abort();
  }, firstByteSeconds * 1000);
  const cleanup = () => {
    clearTimeout(timer);
    userSignal?.removeEventListener("abort", onUserAbort);
  };
  const failure = (error: unknown): unknown => {
    if (LlmgateError.is(error)) return error;
    if (hasTimedOut) {
      return new Timeout({
        message: `${target.providerId}/${target.model} did not answer within ${firstByteSeconds}s (${publicUrl})`,
        provider: target.providerId,
        model: target.model,
      });
    }
    // The caller's signal, or the caller's stream.abort(): its reason, not a connection error.
    if (controller.signal.aborted) return controller.signal.reason;
    return mapTransportError(error, where);
  };
  try {
    const headers = target.authorize === undefined ? prepared.headers : { ...prepared.headers };
    await target.authorize?.({ method: "POST", url: prepared.url, headers, body: prepared.payload });
    const response = await client.request({
      url: prepared.url,
      method: "POST",
      headers,
      body: prepared.payload,
      signal: controller.signal,
      headersTimeoutMs: firstByteSeconds * 1000,
      bodyTimeoutMs: timeoutSeconds * 1000,
    });
    const responseHeaders = headersOf(response);
    if (response.statusCode >= 400) {
      const body = await readErrorBody(response);
      throw provider.mapError({ status: response.statusCode, body, headers: response.headers, target });
    }
    const mapErrorPayload = (payload: Record<string, unknown>) =>
      provider.mapError({
        status: statusOfErrorPayload(payload),
        body: payload,
        headers: response.headers,
        target,
      });
    const transformer = prepared.isStream ? operation.createStreamTransformer?.(prepared) : undefined;
    if (transformer === undefined) {
      const result = await readResponseBody(
        response,
        operation,
        prepared,
        isParsedLazily,
        maxResponseBytes,
        {
          kind: "response",
          data: undefined as unknown as OperationTypes[K]["response"],
          rawBody: undefined,
          summary: undefined,
          headers: responseHeaders,
          providerId: target.providerId,
          model: target.model,
        },
        mapErrorPayload,
      );
      cleanup();
      return result;
    }
    // `stream_timeout` bounds the stream's first bytes, not only its headers: a server that sends
    // headers at once and then computes would otherwise get the whole `timeout`.
    const body = response.body;
    if (body.readableLength > 0) clearTimeout(timer);
    else body.once("readable", () => clearTimeout(timer));
    const stream = createUpstreamChunkStream({
      body: response.body,
      transformer,
      abort: (reason) => controller.abort(reason),
      mapErrorEvent: mapErrorPayload,
      mapTransportError: failure,
      onEnd: cleanup,
      leavesChunksUnparsed: isParsedLazily && transformer.isPassThrough === true,
      maxPendingBytes: maxResponseBytes,
      framing: operation.streamFraming ?? "sse",
    });
    return {
      kind: "stream",
      stream,
      headers: responseHeaders,
      providerId: target.providerId,
      model: target.model,
    };
  } catch (error) {
    cleanup();
    throw failure(error);
  }
}

/** The body as JSON; one nested deeper than the stack allows is the caller's error, not a crash. */
function serialize(body: Record<string, unknown>, target: UpstreamTarget): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    throw new BadRequestError({
      message: `the request cannot be sent as JSON: ${error instanceof Error ? error.message : String(error)}`,
      provider: target.providerId,
      model: target.model,
      cause: error,
    });
  }
}

/** `<api_base><path><api_base's query>`; a path with a query of its own joins the two with `&`. */
function endpointUrl<K extends Operation>(
  target: UpstreamTarget,
  operation: OperationDefinition<K>,
  isStream: boolean,
): URL {
  const path = typeof operation.path === "string" ? operation.path : operation.path({ target, isStream });
  const query = target.apiQuery ?? "";
  const joined = query !== "" && path.includes("?") ? `&${query.slice(1)}` : query;
  return new URL(target.apiBase + path + joined);
}

function prepare<K extends Operation>(
  operationName: K,
  operation: OperationDefinition<K>,
  provider: ProviderDefinition,
  request: OperationTypes[K]["request"],
  options: CallOptions,
  env: NodeJS.ProcessEnv,
): Prepared {
  const target = provider.resolveTarget(request.model, options, env);
  const body = operation.toRequest(request, {
    supportsSystemMessage: options.supports_system_message !== false,
    dropParams: options.drop_params === true,
  });
  dropParams(operationName, body, options, provider);
  const sent =
    options.extra_body === undefined || options.extra_body === null
      ? body
      : { ...body, ...options.extra_body };
  const payload = serialize(sent, target);
  const headers = provider.headers(target);
  // Header names are case-insensitive: `Authorization` replaces our `authorization`, not joins it.
  for (const [name, value] of Object.entries(options.extra_headers ?? {}))
    headers[name.toLowerCase()] = value;
  const isStream = (request as { stream?: unknown }).stream === true;
  return {
    provider,
    target,
    url: endpointUrl(target, operation, isStream),
    headers,
    sent,
    payload,
    isStream,
  };
}

/**
 * The one SDK call path: resolve `provider/model`, transform the request, send it, retry what is
 * retryable, and hand back the OpenAI response or a chunk stream with the upstream headers.
 */
export async function call<K extends Operation>(
  operationName: K,
  params: CallParams<K>,
  context: CallContext = {},
): Promise<CallResult<K>> {
  const { options, request } = splitParams(params);
  if (typeof request.model !== "string" || request.model === "") {
    throw new BadRequestError({ message: "model is required", param: "model" });
  }
  if (operationName === "chat" && !Array.isArray((request as { messages?: unknown }).messages)) {
    throw new BadRequestError({ message: "messages is required (an array)", param: "messages" });
  }
  const resolved = resolveModel(request.model, options.custom_llm_provider);
  const { model } = resolved;
  const provider = context.provider ?? resolved.provider;
  const operation = provider.operations[operationName] as OperationDefinition<K> | undefined;
  if (operation === undefined) {
    throw new BadRequestError({
      message: `${provider.id} does not support ${operationName}`,
      provider: provider.id,
      model,
    });
  }
  request.model = model;
  if (options.mock_response !== undefined && options.mock_response !== null) {
    return mockResult(operationName, request, options.mock_response, provider.id);
  }
  const parts = operation.splitRequest?.(request);
  if (parts !== undefined && parts.length > 1 && operation.joinResponses !== undefined) {
    const join = operation.joinResponses;
    const results = await Promise.all(
      parts.map((part) => send(operationName, operation, provider, part, options, context)),
    );
    const first = results[0] as CallResult<K>;
    const responses = results.map((result) => {
      if (result.kind !== "response") throw new Error("a request sent in parts cannot be streamed");
      return result.data;
    });
    return {
      kind: "response",
      data: join(responses),
      headers: first.headers,
      providerId: first.providerId,
      model: first.model,
    };
  }
  return send(operationName, operation, provider, request, options, context);
}

/** Prepares one upstream request and sends it, retrying what is retryable. */
async function send<K extends Operation>(
  operationName: K,
  operation: OperationDefinition<K>,
  provider: ProviderDefinition,
  request: OperationTypes[K]["request"],
  options: CallOptions,
  context: CallContext,
): Promise<CallResult<K>> {
  const prepared = prepare(operationName, operation, provider, request, options, context.env ?? process.env);
  const client = context.httpClient ?? getDefaultHttpClient();
  const maxRetries = options.max_retries ?? DEFAULT_MAX_RETRIES;
  for (let attemptNumber = 0; ; attemptNumber++) {
    try {
      return await attempt(operation, prepared, options, client, context);
    } catch (error) {
      const canRetry =
        LlmgateError.is(error) &&
        error.isRetryable &&
        attemptNumber < maxRetries &&
        (error.retryAfter === undefined || error.retryAfter <= MAX_RETRY_AFTER_SECONDS);
      if (!canRetry) throw error;
      await sleep(retryDelayMs(attemptNumber, error.retryAfter), options.signal ?? undefined);
    }
  }
}
