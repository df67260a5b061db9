import {
  AuthenticationError,
  ContextWindowExceededError,
  type ErrorDetails,
  errorForStatus,
  type LlmgateError,
} from "../../errors/index.js";
import { parseRetryAfter } from "../openai-compatible/errors.js";
import type { UpstreamFailure } from "../types.js";
import { type GoogleErrorBody, isRecord } from "./wire.js";

/** Google's canonical error codes (google.rpc.Code) and the HTTP status each stands for. */
const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  DATA_LOSS: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

/** ErrorInfo reasons that mean the key is wrong (Gemini answers them with a 400). */
const KEY_REASONS: ReadonlySet<string> = new Set([
  "API_KEY_INVALID",
  "API_KEY_EXPIRED",
  "API_KEY_SERVICE_BLOCKED",
]);

/**
 * Gemini's and Vertex AI's wordings for a prompt above the model's window: "The input token count
 * (1200000) exceeds the maximum number of tokens allowed (1048576)."
 */
const CONTEXT_WINDOW_WORDINGS: readonly string[] = [
  "exceeds the maximum number of tokens",
  "input token count exceeds",
  "exceeds the context window",
  "maximum context length",
];

const MAX_TEXT_LENGTH = 500;
const MIN_REDACTED_KEY_LENGTH = 8;
const REDACTED = "[redacted api key]";

function withoutSecret(body: unknown, secret: string | undefined): unknown {
  if (secret === undefined || secret.length < MIN_REDACTED_KEY_LENGTH) return body;
  if (typeof body === "string") return body.replaceAll(secret, REDACTED);
  if (typeof body !== "object" || body === null) return body;
  const text = JSON.stringify(body);
  return text.includes(secret) ? JSON.parse(text.replaceAll(secret, REDACTED)) : body;
}

function describeBody(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  const text = (typeof body === "string" ? body : JSON.stringify(body)).trim();
  if (text === "" || text === "{}") return undefined;
  return text.length > MAX_TEXT_LENGTH ? `${text.slice(0, MAX_TEXT_LENGTH)}…` : text;
}

/** The `error` object, from `{error}` or the `[{error}]` a stream request may answer with. */
function errorOf(body: unknown): NonNullable<GoogleErrorBody["error"]> | undefined {
  const root = Array.isArray(body) ? body[0] : body;
  return isRecord(root) && isRecord(root.error) ? (root.error as GoogleErrorBody["error"]) : undefined;
}

function detailsOf(error: GoogleErrorBody["error"], type: string): Record<string, unknown>[] {
  const details = Array.isArray(error?.details) ? error.details : [];
  return details.filter(
    (detail): detail is Record<string, unknown> =>
      isRecord(detail) && typeof detail["@type"] === "string" && detail["@type"].endsWith(type),
  );
}

/** RetryInfo's `retryDelay` ("37s", "1.5s") in seconds. */
export function readRetryDelay(error: GoogleErrorBody["error"]): number | undefined {
  for (const detail of detailsOf(error, "google.rpc.RetryInfo")) {
    const delay = detail.retryDelay;
    const match = typeof delay === "string" ? /^(\d+(?:\.\d+)?)s$/.exec(delay) : null;
    if (match?.[1] !== undefined) return Number(match[1]);
  }
  return undefined;
}

function isKeyRefused(error: GoogleErrorBody["error"]): boolean {
  return detailsOf(error, "google.rpc.ErrorInfo").some(
    (detail) => typeof detail.reason === "string" && KEY_REASONS.has(detail.reason),
  );
}

/**
 * A Google error answer (Gemini API or Vertex AI) -> our typed error, with Google's message: the
 * class from the HTTP status (or, for an error inside a 200 or a stream, from the body's `status`
 * name), then from body fields (ErrorInfo API_KEY_INVALID is an AuthenticationError though Gemini
 * answers 400; RetryInfo's retryDelay is the RateLimitError's retry-after), then from the wording
 * ("exceeds the maximum number of tokens" is a ContextWindowExceededError).
 */
export function mapGeminiError(failure: UpstreamFailure, nowMilliseconds = Date.now()): LlmgateError {
  const { target } = failure;
  const body = withoutSecret(failure.body, target.apiKey);
  const error = errorOf(body);
  const code = typeof error?.status === "string" ? error.status : undefined;
  const codeStatus = code === undefined ? undefined : STATUS_OF_CODE[code];
  const status = failure.status === 500 && codeStatus !== undefined ? codeStatus : failure.status;
  const upstreamMessage =
    (typeof error?.message === "string" && error.message.trim() !== "" ? error.message : undefined) ??
    describeBody(body) ??
    `HTTP ${status}`;
  const details: ErrorDetails & { status: number } = {
    message: `${target.providerId} error (${status}) from ${target.model}: ${upstreamMessage}`,
    status,
    provider: target.providerId,
    model: target.model,
    body,
    retryAfter: parseRetryAfter(failure.headers, nowMilliseconds) ?? readRetryDelay(error),
    code,
  };
  if (isKeyRefused(error)) return new AuthenticationError({ ...details, status: 401 });
  const lower = upstreamMessage.toLowerCase();
  if (status === 400 && CONTEXT_WINDOW_WORDINGS.some((wording) => lower.includes(wording))) {
    const { code: _code, ...rest } = details;
    return new ContextWindowExceededError(rest);
  }
  return errorForStatus(details);
}
