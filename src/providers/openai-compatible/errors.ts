import {
  ContentPolicyViolationError,
  ContextWindowExceededError,
  type ErrorDetails,
  errorForStatus,
  type LlmgateError,
} from "../../errors/index.js";
import type { UpstreamFailure, UpstreamTarget } from "../types.js";
import { isContextWindowMessage } from "./context-window-patterns.js";

const MAX_TEXT_LENGTH = 500;

/**
 * Statuses under which a context-window wording counts. llama.cpp answers 500 with
 * `exceed_context_size_error` and Ollama's embeddings 500 with "the input length exceeds the
 * context length", so 500 is in, guarded by the same specific wordings.
 */
const CONTEXT_WINDOW_STATUSES: ReadonlySet<number> = new Set([400, 413, 422, 500]);
const CONTEXT_WINDOW_CODES: ReadonlySet<string> = new Set([
  "context_length_exceeded",
  "string_above_max_length",
]);
const CONTEXT_WINDOW_TYPES: ReadonlySet<string> = new Set(["exceed_context_size_error"]);

const CONTENT_POLICY_CODES: ReadonlySet<string> = new Set([
  "content_policy_violation",
  "content_filter",
  "ResponsibleAIPolicyViolation",
]);
const CONTENT_POLICY_WORDINGS: readonly string[] = [
  "content management policy",
  "safety system",
  "content_policy_violation",
];

/** The fields of an OpenAI-shaped error body, wherever the server put them. */
interface UpstreamErrorFields {
  message: string | undefined;
  type: string | undefined;
  code: string | undefined;
  param: string | undefined;
  innerCode: string | undefined;
}

/**
 * An OpenAI-compatible upstream's error answer -> our typed error: the class from the status, then
 * from body fields (`code`, `type`), then from the message wording as a last resort.
 */
export function mapOpenAICompatibleError(
  failure: UpstreamFailure,
  nowMilliseconds = Date.now(),
): LlmgateError {
  const { status, target } = failure;
  // Servers echo the key they refused ("Incorrect API key provided: sk-..."): it must not reach
  // the proxy's clients, who are not meant to know the deployment's key.
  const body = withoutSecret(failure.body, target.apiKey);
  const fields = readErrorFields(body);
  const upstreamMessage = fields.message ?? describeBody(body) ?? `HTTP ${status}`;
  const details: ErrorDetails & { status: number } = {
    message: `${target.providerId} error (${status}) from ${target.model}: ${upstreamMessage}${notFoundHint(status, target)}`,
    status,
    provider: target.providerId,
    model: target.model,
    body,
    retryAfter: parseRetryAfter(failure.headers, nowMilliseconds),
    param: fields.param,
    code: fields.code,
  };
  if (isContextWindowExceeded(status, fields, upstreamMessage)) {
    // A 400 kind whatever the server answered: retrying cannot help, and clients expect a 400.
    const { code: _upstreamCode, ...rest } = details;
    return new ContextWindowExceededError({ ...rest, status: 400 });
  }
  if (isContentPolicyViolation(status, fields, upstreamMessage)) {
    const { code: _upstreamCode, ...rest } = details;
    return new ContentPolicyViolationError(rest);
  }
  return errorForStatus(details);
}

function isContextWindowExceeded(status: number, fields: UpstreamErrorFields, message: string): boolean {
  if (!CONTEXT_WINDOW_STATUSES.has(status)) return false;
  if (fields.code !== undefined && CONTEXT_WINDOW_CODES.has(fields.code)) return true;
  if (fields.type !== undefined && CONTEXT_WINDOW_TYPES.has(fields.type)) return true;
  return isContextWindowMessage(message);
}

function isContentPolicyViolation(status: number, fields: UpstreamErrorFields, message: string): boolean {
  if (status !== 400) return false;
  const codes = [fields.code, fields.type, fields.innerCode];
  if (codes.some((code) => code !== undefined && CONTENT_POLICY_CODES.has(code))) return true;
  const text = message.toLowerCase();
  return CONTENT_POLICY_WORDINGS.some((wording) => text.includes(wording));
}

function readErrorFields(body: unknown): UpstreamErrorFields {
  const root = asRecord(body);
  const nested = asRecord(root?.error);
  const source = nested ?? root;
  return {
    message:
      nonEmptyString(nested?.message) ??
      nonEmptyString(root?.message) ??
      describeDetail(root?.detail) ??
      nonEmptyString(root?.error),
    type: nonEmptyString(source?.type),
    code: nonEmptyString(source?.code),
    param: nonEmptyString(source?.param),
    innerCode: nonEmptyString(asRecord(source?.innererror)?.code),
  };
}

/** FastAPI's `detail`: a string, or a list of validation problems each with a `msg`. */
function describeDetail(detail: unknown): string | undefined {
  if (!Array.isArray(detail)) return nonEmptyString(detail);
  const problems = detail.map((problem) => nonEmptyString(asRecord(problem)?.msg)).filter(isString);
  return problems.length > 0 ? problems.join("; ") : undefined;
}

/** A body without a known message field: its text (or JSON), trimmed and cut short. */
/** Keys shorter than this are not searched for: they would match ordinary text. */
const MIN_REDACTED_KEY_LENGTH = 8;
const REDACTED = "[redacted api key]";

/** The body with every copy of `secret` replaced, in its text and in any string of its JSON. */
function withoutSecret(body: unknown, secret: string | undefined): unknown {
  if (secret === undefined || secret.length < MIN_REDACTED_KEY_LENGTH) return body;
  if (typeof body === "string") return body.includes(secret) ? body.replaceAll(secret, REDACTED) : body;
  if (typeof body !== "object" || body === null) return body;
  const text = JSON.stringify(body);
  // A key is written in JSON as it is (keys hold no quotes or backslashes).
  return text.includes(secret) ? JSON.parse(text.replaceAll(secret, REDACTED)) : body;
}

function describeBody(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  const text = (typeof body === "string" ? body : JSON.stringify(body)).trim();
  if (text.length === 0 || text === "{}") return undefined;
  return text.length > MAX_TEXT_LENGTH ? `${text.slice(0, MAX_TEXT_LENGTH)}…` : text;
}

/** A 404 from an api_base without a version segment (`/v1`, `/v1beta`, ...) is most likely a missing `/v1`. */
function notFoundHint(status: number, target: UpstreamTarget): string {
  if (status !== 404 || hasVersionSegment(target.apiBase)) return "";
  const apiBase = target.apiBase.replace(/\/+$/, "");
  return (
    ` (the api_base "${apiBase}" has no /v1 path; OpenAI-compatible servers usually serve under ` +
    `"${apiBase}/v1": try that api_base)`
  );
}

function hasVersionSegment(apiBase: string): boolean {
  let pathname: string;
  try {
    pathname = new URL(apiBase).pathname;
  } catch {
    return true; // not a URL we can reason about: no hint
  }
  return pathname.split("/").some((segment) => /^v\d/.test(segment));
}

/**
 * Seconds to wait from `retry-after-ms` (milliseconds) or `retry-after` (seconds or an HTTP date),
 * the way the OpenAI clients read them; `undefined` when absent or unreadable.
 */
export function parseRetryAfter(
  headers: UpstreamFailure["headers"],
  nowMilliseconds = Date.now(),
): number | undefined {
  const milliseconds = parseNonNegativeNumber(readHeader(headers, "retry-after-ms"));
  if (milliseconds !== undefined) return milliseconds / 1000;
  const value = readHeader(headers, "retry-after");
  if (value === undefined) return undefined;
  const seconds = parseNonNegativeNumber(value);
  if (seconds !== undefined) return seconds;
  // An HTTP date names its month; a bare "-5" or "2025" would parse as a year.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - nowMilliseconds) / 1000);
}

function readHeader(headers: UpstreamFailure["headers"], name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
    value = key === undefined ? undefined : headers[key];
  }
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim();
  return trimmed === undefined || trimmed.length === 0 ? undefined : trimmed;
}

function parseNonNegativeNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+(?:\.\d+)?$/.test(value)) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value.trim().length > 0 ? value : undefined;
}

function isString(value: string | undefined): value is string {
  return value !== undefined;
}
