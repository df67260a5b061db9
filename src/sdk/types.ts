import {
  type Operation,
  type OperationTypes,
  PROVIDER_TARGET_KEYS,
  type TargetOptions,
} from "../providers/types.js";

/**
 * LiteLLM's routing fields, accepted beside the OpenAI request fields in every SDK call (and in a
 * config's `litellm_params`). They are never sent upstream.
 */
export interface CallOptions extends TargetOptions {
  /** Seconds for one attempt (connect, headers and, without streaming, the whole body). */
  timeout?: number | null | undefined;
  /** Seconds to wait for a stream's first byte. Defaults to `timeout`. */
  stream_timeout?: number | null | undefined;
  /** Retries of connection errors, 408, 429 and 5xx (default 2); never after a stream started. */
  max_retries?: number | null | undefined;
  extra_headers?: Record<string, string> | null | undefined;
  extra_body?: Record<string, unknown> | null | undefined;
  drop_params?: boolean | null | undefined;
  additional_drop_params?: string[] | null | undefined;
  supports_system_message?: boolean | null | undefined;
  /** Answer with this text without calling any upstream. */
  mock_response?: string | null | undefined;
  signal?: AbortSignal | null | undefined;
  /** This call's response-cache controls (LiteLLM's names), used with a cache set by setCache(). */
  cache?: CacheControlOptions | null | undefined;
}

export interface CacheControlOptions {
  /** Do not read the cache (the fresh answer is still stored). */
  "no-cache"?: boolean;
  /** Do not store the answer. */
  "no-store"?: boolean;
  /** Seconds to keep this answer. */
  ttl?: number;
  /** Accept only an entry younger than this many seconds. */
  "s-maxage"?: number;
  namespace?: string;
  /** Opt in (`mode: default_off`) or out. */
  "use-cache"?: boolean;
}

/** The names of CallOptions fields: stripped from the body before it goes upstream. */
export const CALL_OPTION_KEYS: ReadonlySet<string> = new Set([
  "api_key",
  "api_base",
  "base_url",
  "organization",
  "timeout",
  "stream_timeout",
  "max_retries",
  "extra_headers",
  "extra_body",
  "drop_params",
  "additional_drop_params",
  "supports_system_message",
  "mock_response",
  "signal",
  "cache",
  "custom_llm_provider",
  ...PROVIDER_TARGET_KEYS,
]);

export type CallParams<K extends Operation> = OperationTypes[K]["request"] & CallOptions;

/** Response headers of the upstream call, lower-cased. */
export type UpstreamHeaders = Record<string, string>;

/**
 * On a chunk that is exactly what the upstream sent: that event's JSON text (one line). A relay may
 * send it as is instead of serializing the chunk again, unless it changed the chunk.
 */
export const RAW_JSON: unique symbol = Symbol("llmgate.rawJson");

/**
 * On a chunk stream: its chunks grouped as they arrived, one array per upstream read (never empty).
 * A relay reading these pays one async step and one socket write per read instead of per chunk.
 * Reading them consumes the stream, as iterating it does.
 */
export const CHUNK_BATCHES: unique symbol = Symbol("llmgate.chunkBatches");

/**
 * Set (true) on the batch after which a stream has no more chunks (the upstream sent `[DONE]`), so
 * a relay can send it together with its own end. The stream may still read the upstream's last bytes.
 */
export const LAST_BATCH: unique symbol = Symbol("llmgate.lastBatch");

/**
 * Set (true) on a chunk the SDK left unparsed for a relay (CallContext.parseLazily): the chunk has
 * only its RAW_JSON text. Only chunks that carry no usage and no error are left so; the first chunk
 * of a stream is always parsed.
 */
export const UNPARSED: unique symbol = Symbol("llmgate.unparsed");

/** A stream of chunks, read once. Breaking out of a `for await` (or `abort()`) aborts the upstream. */
export interface ChunkStream<Chunk> extends AsyncIterable<Chunk> {
  abort(reason?: unknown): void;
  [CHUNK_BATCHES]?(): AsyncIterator<Chunk[], undefined>;
}

/** The top-level `id` and `usage` of a response, as the upstream sent them (not type-checked). */
export interface ResponseSummary {
  id?: unknown;
  usage?: unknown;
}

export type CallResult<K extends Operation> =
  | {
      kind: "response";
      data: OperationTypes[K]["response"];
      /**
       * The upstream's JSON, when `data` is exactly that (no transform changed it): its text, or
       * its bytes when parsed lazily.
       */
      rawBody?: string | Buffer | undefined;
      /**
       * A large body parsed lazily (CallContext.parseLazily): its `id` and `usage`, read without
       * parsing the rest; `data` is parsed on first read. Absent when `data` was parsed at once.
       */
      summary?: ResponseSummary | undefined;
      headers: UpstreamHeaders;
      providerId: string;
      model: string;
    }
  | {
      kind: "stream";
      stream: ChunkStream<OperationTypes[K]["chunk"]>;
      headers: UpstreamHeaders;
      providerId: string;
      model: string;
    };
