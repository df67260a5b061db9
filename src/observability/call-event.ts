import type { AttemptReport } from "../router/index.js";
import type { TraceContext } from "./call-trace.js";
import type { CallerLabels } from "./labels.js";

/**
 * One finished model call, as metrics, callbacks and logs see it. Built once after the response
 * (off the client's path); never holds a key, only its alias and hash.
 */
export interface CallEvent {
  callId: string;
  /** LiteLLM's call type (`acompletion`, `aembedding`, ...). */
  callType: string;
  route: string;
  modelGroup: string;
  deploymentId: string;
  provider: string;
  /** The upstream model that answered (or was last tried). */
  model: string;
  caller: CallerLabels;
  status: number;
  isSuccess: boolean;
  errorCode: string | undefined;
  errorMessage: string | undefined;
  /** Epoch milliseconds. */
  startedAt: number;
  endedAt: number;
  /** Streams: when the first chunk came (epoch ms). */
  firstTokenAt: number | undefined;
  isStream: boolean;
  promptTokens: number;
  completionTokens: number;
  cost: number;
  /** The response cache answered: its tokens are not counted as used (as tpm limits do not). */
  isCacheHit: boolean;
  attempts: readonly AttemptReport[];
  fallbacks: readonly { from: string; to: string }[];
  retries: readonly { modelGroup: string; count: number }[];
  trace: TraceContext | undefined;
  /** The request's `metadata` (tags removed: they are in `tags`). */
  metadata: Record<string, unknown>;
  tags: string[];
  /** Messages and answer are kept out (`turn_off_message_logging` or `metadata.no_log`). */
  isRedacted: boolean;
  /** The request body without routing or credential fields; undefined when redacted. */
  request: (() => unknown) | undefined;
  /** The answer (non-stream) or the streamed text; undefined when redacted or not known. */
  response: (() => unknown) | undefined;
}

/** Milliseconds of a call spent upstream: its attempts, a stream's last one to the stream's end. */
export function upstreamMillis(event: CallEvent): number {
  let total = 0;
  event.attempts.forEach((attempt, index) => {
    const isLastStream =
      index === event.attempts.length - 1 && attempt.isStream && attempt.error === undefined;
    total += (isLastStream ? event.endedAt : attempt.endedAt) - attempt.startedAt;
  });
  return Math.max(0, Math.min(total, event.endedAt - event.startedAt));
}

/** Fields of a request body that never reach a callback or log (credentials a client may send). */
const HIDDEN_REQUEST_FIELDS: ReadonlySet<string> = new Set([
  "api_key",
  "api_base",
  "base_url",
  "organization",
  "extra_headers",
  "metadata",
  "aws_secret_access_key",
  "aws_session_token",
  "azure_ad_token",
  "vertex_credentials",
]);

export function publicRequestOf(body: unknown): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return body;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body))
    if (!HIDDEN_REQUEST_FIELDS.has(key) && value !== undefined) copy[key] = value;
  return copy;
}

/** The request's `metadata` and tags (`metadata.tags` or a top-level `tags`), and whether `no_log` is set. */
export function requestMetadataOf(body: unknown): {
  metadata: Record<string, unknown>;
  tags: string[];
  isNoLog: boolean;
} {
  const record = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const raw = record.metadata;
  const metadata: Record<string, unknown> =
    typeof raw === "object" && raw !== null && !Array.isArray(raw)
      ? { ...(raw as Record<string, unknown>) }
      : {};
  const tagSource = metadata.tags ?? record.tags;
  delete metadata.tags;
  const tags = Array.isArray(tagSource)
    ? tagSource.filter((tag): tag is string => typeof tag === "string")
    : [];
  const isNoLog = metadata.no_log === true || record.no_log === true;
  return { metadata, tags, isNoLog };
}
