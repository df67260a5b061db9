import {
  AuthenticationError,
  ContentPolicyViolationError,
  ContextWindowExceededError,
  type ErrorDetails,
  errorForStatus,
  InternalServerError,
  type LlmgateError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServiceUnavailableError,
  Timeout,
} from "../../errors/index.js";
import { parseRetryAfter } from "../openai-compatible/errors.js";
import type { UpstreamFailure } from "../types.js";
import { isRecord } from "./wire.js";

type ErrorClass = new (details: ErrorDetails) => LlmgateError;

/**
 * AWS error types (lower-cased: HTTP answers name them `ThrottlingException` in `x-amzn-ErrorType`,
 * stream exception frames `throttlingException`) -> our class and status. A type we do not know
 * falls back to the HTTP status.
 */
const CLASS_BY_TYPE: ReadonlyMap<string, { ErrorType: ErrorClass; status: number }> = new Map([
  ["throttlingexception", { ErrorType: RateLimitError, status: 429 }],
  ["servicequotaexceededexception", { ErrorType: RateLimitError, status: 429 }],
  // AWS answers 429 and its SDKs retry it: the model is loading, try again.
  ["modelnotreadyexception", { ErrorType: RateLimitError, status: 429 }],
  ["accessdeniedexception", { ErrorType: PermissionDeniedError, status: 403 }],
  ["unrecognizedclientexception", { ErrorType: AuthenticationError, status: 401 }],
  ["invalidsignatureexception", { ErrorType: AuthenticationError, status: 401 }],
  ["incompletesignatureexception", { ErrorType: AuthenticationError, status: 401 }],
  ["missingauthenticationtokenexception", { ErrorType: AuthenticationError, status: 401 }],
  ["expiredtokenexception", { ErrorType: AuthenticationError, status: 401 }],
  ["invalidclienttokenid", { ErrorType: AuthenticationError, status: 401 }],
  ["resourcenotfoundexception", { ErrorType: NotFoundError, status: 404 }],
  ["modeltimeoutexception", { ErrorType: Timeout, status: 408 }],
  ["serviceunavailableexception", { ErrorType: ServiceUnavailableError, status: 503 }],
  ["internalserverexception", { ErrorType: InternalServerError, status: 500 }],
  // 424 in AWS's docs ("retry your request"): the model failed, not the request.
  ["modelstreamerrorexception", { ErrorType: InternalServerError, status: 500 }],
  ["modelerrorexception", { ErrorType: InternalServerError, status: 500 }],
]);

const VALIDATION_TYPES: ReadonlySet<string> = new Set(["validationexception", "conflictexception"]);

/** Bedrock's (and its models') wordings for a prompt that does not fit the context window. */
const CONTEXT_WINDOW_WORDINGS: readonly string[] = [
  "input is too long",
  "too many input tokens",
  "prompt is too long",
  "input length exceeds",
  "maximum context length",
  "exceeds the context window",
  "model_context_window_exceeded",
  "too many total text bytes",
];

/** Wordings of a refusal by a model's own content filter (Titan, guardrails in ValidationException). */
const CONTENT_POLICY_WORDINGS: readonly string[] = ["content filtering policy", "blocked by guardrail"];

const MIN_REDACTED_SECRET_LENGTH = 8;

/** `ThrottlingException:http://internal.amazon.com/...` or `com.amazon...#ThrottlingException` -> `ThrottlingException`. */
function bareType(value: string): string {
  const withoutUrl = value.split(":")[0] ?? value;
  return (withoutUrl.split("#").at(-1) ?? withoutUrl).trim();
}

function headerValue(headers: UpstreamFailure["headers"], name: string): string | undefined {
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

interface BedrockErrorFields {
  /** As AWS spelled it (`ThrottlingException`, `throttlingException`), without its URL part. */
  type: string | undefined;
  message: string | undefined;
}

/** The error's type and message, wherever AWS put them (header, `__type`, a stream frame's `error`). */
function readFields(failure: UpstreamFailure): BedrockErrorFields {
  const root = isRecord(failure.body) ? failure.body : undefined;
  const nested = isRecord(root?.error) ? root.error : undefined;
  const type =
    nonEmptyString(headerValue(failure.headers, "x-amzn-errortype")) ??
    nonEmptyString(nested?.type) ??
    nonEmptyString(root?.__type) ??
    nonEmptyString(root?.code) ??
    nonEmptyString(root?.Code);
  const message =
    nonEmptyString(nested?.message) ??
    nonEmptyString(root?.message) ??
    nonEmptyString(root?.Message) ??
    (typeof failure.body === "string" ? nonEmptyString(failure.body.slice(0, 500)) : undefined);
  return { type: type === undefined ? undefined : bareType(type), message };
}

function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let redacted = text;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= MIN_REDACTED_SECRET_LENGTH && redacted.includes(secret))
      redacted = redacted.replaceAll(secret, "[redacted]");
  }
  return redacted;
}

function redactBody(body: unknown, secrets: ReadonlyArray<string | undefined>): unknown {
  if (typeof body === "string") return redact(body, secrets);
  if (!isRecord(body)) return body;
  const text = JSON.stringify(body);
  const redacted = redact(text, secrets);
  return redacted === text ? body : JSON.parse(redacted);
}

function includesAny(text: string, wordings: readonly string[]): boolean {
  const lower = text.toLowerCase();
  return wordings.some((wording) => lower.includes(wording));
}

/**
 * A Bedrock error (an HTTP answer `{message}` with `x-amzn-ErrorType`, or a stream's exception
 * frame as the decoder gives it, `{"error": {type, message}}`) -> our class: by the AWS error type
 * when it names one we know, else by status; a ValidationException's wording tells a context-window
 * overflow or a content-filter refusal. The bearer token never reaches the message or the body.
 */
export function mapBedrockError(failure: UpstreamFailure, nowMilliseconds = Date.now()): LlmgateError {
  const { target } = failure;
  const secrets = [target.apiKey];
  const fields = readFields(failure);
  const body = redactBody(failure.body, secrets);
  const typeKey = fields.type?.toLowerCase() ?? "";
  const known = CLASS_BY_TYPE.get(typeKey);
  const status = known?.status ?? (VALIDATION_TYPES.has(typeKey) ? 400 : failure.status);
  const upstreamMessage = redact(fields.message ?? `HTTP ${failure.status}`, secrets);
  const typeName = fields.type === undefined ? "" : ` ${fields.type}`;
  const details: ErrorDetails & { status: number } = {
    message: `bedrock error (${status}${typeName}) from ${target.model}: ${upstreamMessage}`,
    status,
    provider: target.providerId,
    model: target.model,
    body,
    retryAfter: parseRetryAfter(failure.headers, nowMilliseconds),
  };
  if (known !== undefined) return new known.ErrorType(details);
  if (status === 400 && includesAny(upstreamMessage, CONTEXT_WINDOW_WORDINGS))
    return new ContextWindowExceededError(details);
  if (status === 400 && includesAny(upstreamMessage, CONTENT_POLICY_WORDINGS))
    return new ContentPolicyViolationError(details);
  return errorForStatus(details);
}
