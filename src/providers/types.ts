import type { LlmgateError } from "../errors/index.js";
import type { StreamFraming } from "../http/event-decoder.js";
import type { ResponseObject, ResponseStreamEvent, ResponsesRequest } from "../openai/responses.js";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  Completion,
  CompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
} from "../openai/types.js";

/** `responses`: OpenAI's Responses API, native (`<api_base>/responses`) where a provider has it. */
export type Operation = "chat" | "completions" | "embeddings" | "responses";

/** What one operation sends and receives, by operation. */
export interface OperationTypes {
  chat: { request: ChatCompletionRequest; response: ChatCompletion; chunk: ChatCompletionChunk };
  completions: { request: CompletionRequest; response: Completion; chunk: Completion };
  embeddings: { request: EmbeddingRequest; response: EmbeddingResponse; chunk: never };
  responses: { request: ResponsesRequest; response: ResponseObject; chunk: ResponseStreamEvent };
}

/** Where and how to reach the upstream, resolved once per call. */
export interface UpstreamTarget {
  providerId: string;
  /** The model name the upstream knows (the part after `provider/`). */
  model: string;
  /** Without a trailing slash or query; the endpoint path is appended to it. */
  apiBase: string;
  /** The api_base's query (`?api-version=...`), kept after the endpoint path; "" when it has none. */
  apiQuery?: string;
  apiKey: string | undefined;
  organization: string | undefined;
  /**
   * Adds, in place, the headers that prove who calls, once the request is final (SigV4 signs the
   * method, URL, headers and body; Vertex adds an OAuth token it fetches and caches). Runs before
   * every attempt. Absent when `headers()` already carries the credentials.
   */
  authorize?(request: SignableRequest): Promise<void> | void;
}

/** The request as it will be sent: what `UpstreamTarget.authorize` signs. */
export interface SignableRequest {
  method: "POST";
  url: URL;
  /** Lower-case names; authorize adds to them. */
  headers: Record<string, string>;
  body: string;
}

/** The settings a transform may read (LiteLLM's names). */
export interface TransformSettings {
  supportsSystemMessage: boolean;
  /**
   * `drop_params: true`: a parameter the provider cannot take is left out instead of refused
   * (with an UnsupportedParamsError naming it). Default false.
   */
  dropParams: boolean;
}

/** A plain stateful object: upstream stream events in, OpenAI chunks out. */
export interface StreamTransformer<Chunk> {
  /**
   * One decoded event: its JSON payload, and the name the framing gave it (SSE `event:`, the AWS
   * event-stream `:event-type`); undefined where the framing has none (NDJSON, unnamed SSE events).
   * May throw an LlmgateError for an error the provider sent inside the stream.
   */
  push(event: unknown, eventName?: string): Chunk[];
  flush(): Chunk[];
  /** True when each event is its own chunk, unchanged: a relay may then leave events unparsed. */
  readonly isPassThrough?: boolean;
}

/** What the endpoint path of a call depends on. */
export interface PathContext {
  target: UpstreamTarget;
  isStream: boolean;
}

export interface OperationDefinition<K extends Operation> {
  /**
   * Appended to the api_base, e.g. `/chat/completions`, or built per call where the model or the
   * stream mode are in the path (`/v1beta/models/<model>:streamGenerateContent?alt=sse`). A query
   * in it is joined with the api_base's own.
   */
  path: string | ((call: PathContext) => string);
  /** How the upstream frames a stream's events (default `sse`). */
  streamFraming?: StreamFraming;
  /** OpenAI request -> upstream body. The returned object is serialized as is. */
  toRequest(request: OperationTypes[K]["request"], settings: TransformSettings): Record<string, unknown>;
  /**
   * Upstream body (already JSON-parsed) -> OpenAI response. Absent when the upstream answers in
   * OpenAI's shape already: its bytes can then be relayed as they came.
   */
  fromResponse?(body: unknown, call: RepairContext): OperationTypes[K]["response"];
  /**
   * Fills, in place, what an upstream left out of OpenAI's shape, or left unlike what was asked
   * (without fromResponse); true when it changed something, so that the upstream's bytes are no
   * longer the answer. A call it may repair is always parsed, never read lazily.
   */
  repairResponse?(body: Record<string, unknown>, call: RepairContext): boolean;
  /** Whether repairResponse may change the answer to this body sent (default: always). */
  mayNeedRepair?(sent: Record<string, unknown>): boolean;
  createStreamTransformer?(call: RepairContext): StreamTransformer<OperationTypes[K]["chunk"]>;
  /**
   * For a provider that takes less per call than OpenAI's request carries (Titan embeds one text a
   * call): the request as several, sent at once and joined, in order, by `joinResponses`. Undefined
   * or a single part: the request is sent as it is.
   */
  splitRequest?(request: OperationTypes[K]["request"]): OperationTypes[K]["request"][] | undefined;
  joinResponses?(responses: OperationTypes[K]["response"][]): OperationTypes[K]["response"];
}

/** What an answer is repaired (or translated) against: where it came from, and what was asked. */
export interface RepairContext {
  target: UpstreamTarget;
  /** The body sent upstream. */
  sent: Record<string, unknown>;
}

export interface UpstreamFailure {
  status: number;
  /** Parsed JSON when the body was JSON, else the text. */
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  target: UpstreamTarget;
}

export interface ProviderDefinition {
  id: string;
  /** Base URL, key and headers for a call, from the call's options and the environment. */
  resolveTarget(model: string, options: TargetOptions, env: NodeJS.ProcessEnv): UpstreamTarget;
  headers(target: UpstreamTarget): Record<string, string>;
  operations: { [K in Operation]?: OperationDefinition<K> };
  mapError(failure: UpstreamFailure): LlmgateError;
  /** With `drop_params: true`: removes, in place, the OpenAI parameters the target cannot take. */
  dropUnsupportedParams?(operation: Operation, body: Record<string, unknown>): void;
}

/**
 * Where and as whom to call, with LiteLLM's names. Each provider reads the ones it knows (Azure
 * `api_version`, `azure_ad_token`; Bedrock `aws_*`; Vertex `vertex_*`), then its environment.
 */
export interface TargetOptions {
  api_key?: string | null | undefined;
  api_base?: string | null | undefined;
  base_url?: string | null | undefined;
  organization?: string | null | undefined;
  api_version?: string | null | undefined;
  azure_ad_token?: string | null | undefined;
  aws_access_key_id?: string | null | undefined;
  aws_secret_access_key?: string | null | undefined;
  aws_session_token?: string | null | undefined;
  aws_region_name?: string | null | undefined;
  aws_bedrock_runtime_endpoint?: string | null | undefined;
  vertex_project?: string | null | undefined;
  vertex_location?: string | null | undefined;
  /** A service-account JSON: a file path, the JSON text, or the parsed object. */
  vertex_credentials?: string | Record<string, unknown> | null | undefined;
}

/** The names of TargetOptions fields beyond the OpenAI-compatible four. */
export const PROVIDER_TARGET_KEYS = [
  "api_version",
  "azure_ad_token",
  "aws_access_key_id",
  "aws_secret_access_key",
  "aws_session_token",
  "aws_region_name",
  "aws_bedrock_runtime_endpoint",
  "vertex_project",
  "vertex_location",
  "vertex_credentials",
] as const;
