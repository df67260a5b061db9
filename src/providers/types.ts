import type { LlmgateError } from "../errors/index.js";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  Completion,
  CompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
} from "../openai/types.js";

export type Operation = "chat" | "completions" | "embeddings";

/** What one operation sends and receives, by operation. */
export interface OperationTypes {
  chat: { request: ChatCompletionRequest; response: ChatCompletion; chunk: ChatCompletionChunk };
  completions: { request: CompletionRequest; response: Completion; chunk: Completion };
  embeddings: { request: EmbeddingRequest; response: EmbeddingResponse; chunk: never };
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
}

/** The settings a transform may read (LiteLLM's names). */
export interface TransformSettings {
  supportsSystemMessage: boolean;
}

/** A plain stateful object: upstream stream events in, OpenAI chunks out. */
export interface StreamTransformer<Chunk> {
  push(event: unknown): Chunk[];
  flush(): Chunk[];
  /** True when each event is its own chunk, unchanged: a relay may then leave events unparsed. */
  readonly isPassThrough?: boolean;
}

export interface OperationDefinition<K extends Operation> {
  /** Appended to the api_base, e.g. `/chat/completions`. */
  path: string;
  /** OpenAI request -> upstream body. The returned object is serialized as is. */
  toRequest(request: OperationTypes[K]["request"], settings: TransformSettings): Record<string, unknown>;
  /**
   * Upstream body (already JSON-parsed) -> OpenAI response. Absent when the upstream answers in
   * OpenAI's shape already: its bytes can then be relayed as they came.
   */
  fromResponse?(body: unknown): OperationTypes[K]["response"];
  /**
   * Fills, in place, what an upstream left out of OpenAI's shape, or left unlike what was asked
   * (without fromResponse); true when it changed something, so that the upstream's bytes are no
   * longer the answer. A call it may repair is always parsed, never read lazily.
   */
  repairResponse?(body: Record<string, unknown>, call: RepairContext): boolean;
  /** Whether repairResponse may change the answer to this body sent (default: always). */
  mayNeedRepair?(sent: Record<string, unknown>): boolean;
  createStreamTransformer?(): StreamTransformer<OperationTypes[K]["chunk"]>;
}

/** What an answer is repaired against: where it came from, and what was asked. */
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

export interface TargetOptions {
  api_key?: string | null | undefined;
  api_base?: string | null | undefined;
  base_url?: string | null | undefined;
  organization?: string | null | undefined;
}
