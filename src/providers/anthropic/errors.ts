import {
  ContentPolicyViolationError,
  ContextWindowExceededError,
  type ErrorDetails,
  errorForStatus,
  type LlmgateError,
  ServiceUnavailableError,
} from "../../errors/index.js";
import { parseRetryAfter } from "../openai-compatible/errors.js";
import type { UpstreamFailure } from "../types.js";
import { type AnthropicErrorBody, isRecord } from "./wire.js";

/** Anthropic's error types (docs.anthropic.com/en/api/errors) and the status each stands for. */
const STATUS_OF_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** Anthropic's wordings for a prompt larger than the model's context window. */
const CONTEXT_WINDOW_WORDINGS: readonly string[] = [
  "prompt is too long",
  "input is too long",
  "exceeds the context window",
  "input length and `max_tokens` exceed context limit",
];

const CONTENT_POLICY_WORDINGS: readonly string[] = [
  "content filtering policy",
  "usage policy",
  "output blocked by",
];

const MAX_TEXT_LENGTH = 500;
const MIN_REDACTED_KEY_LENGTH = 8;
const REDACTED = "[redacted api key]";

/** The body with every copy of the key replaced (a server, or a proxy before it, may echo it). */
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

function includesAny(text: string, wordings: readonly string[]): boolean {
  const lower = text.toLowerCase();
  return wordings.some((wording) => lower.includes(wording));
}

/**
 * The status to classify by: the HTTP status, except where it only stands in for one the body
 * names (an error inside a 200 stream, or a 200 body, reaches us as 500): the body's type then says.
 */
function effectiveStatus(status: number, type: string | undefined): number {
  const typeStatus = type === undefined ? undefined : STATUS_OF_TYPE[type];
  if (typeStatus === undefined || status < 500 || status === typeStatus) return status;
  return status === 500 ? typeStatus : status;
}

/**
 * An Anthropic error answer -> our typed error, with Anthropic's message: the class from the status
 * (401 auth, 403 permission, 404, 413, 429 rate limit with retry-after, 500), then from the error
 * type (`overloaded_error`, 529, is a retryable ServiceUnavailableError), then from the wording
 * ("prompt is too long" is a ContextWindowExceededError, so context_window_fallbacks fire).
 */
export function mapAnthropicError(failure: UpstreamFailure, nowMilliseconds = Date.now()): LlmgateError {
  const { target } = failure;
  const body = withoutSecret(failure.body, target.apiKey);
  const error = isRecord(body) ? (body as AnthropicErrorBody).error : undefined;
  const type = isRecord(error) && typeof error.type === "string" ? error.type : undefined;
  const upstreamMessage =
    (isRecord(error) && typeof error.message === "string" && error.message.trim() !== ""
      ? error.message
      : undefined) ??
    describeBody(body) ??
    `HTTP ${failure.status}`;
  const status = effectiveStatus(failure.status, type);
  const details: ErrorDetails & { status: number } = {
    message: `anthropic error (${status}) from ${target.model}: ${upstreamMessage}`,
    status,
    provider: target.providerId,
    model: target.model,
    body,
    retryAfter: parseRetryAfter(failure.headers, nowMilliseconds),
    code: type,
  };
  if (status === 529 || type === "overloaded_error") {
    // Overloaded: retry (here, or on another deployment); clients get the standard 503.
    return new ServiceUnavailableError({ ...details, status: 503 });
  }
  const { code: _type, ...withoutCode } = details;
  if ((status === 400 || status === 413) && includesAny(upstreamMessage, CONTEXT_WINDOW_WORDINGS)) {
    return new ContextWindowExceededError({ ...withoutCode, status: 400 });
  }
  if (status === 400 && includesAny(upstreamMessage, CONTENT_POLICY_WORDINGS)) {
    return new ContentPolicyViolationError(withoutCode);
  }
  return errorForStatus(details);
}
