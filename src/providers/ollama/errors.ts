import {
  ContextWindowExceededError,
  type ErrorDetails,
  errorForStatus,
  type LlmgateError,
  NotFoundError,
} from "../../errors/index.js";
import { isContextWindowMessage } from "../openai-compatible/context-window-patterns.js";
import { parseRetryAfter } from "../openai-compatible/errors.js";
import type { UpstreamFailure, UpstreamTarget } from "../types.js";
import { isRecord } from "./wire.js";

const MAX_TEXT_LENGTH = 500;
/** Keys shorter than this are not searched for in messages: they would match ordinary text. */
const MIN_REDACTED_KEY_LENGTH = 8;

/** Statuses under which a context-window wording counts (Ollama's embeddings answer 500 so). */
const CONTEXT_WINDOW_STATUSES: ReadonlySet<number> = new Set([400, 413, 500]);

/** Ollama's `{"error": "..."}` (hosted Ollama and proxies may nest `{error: {message}}`), else the text. */
function messageOf(body: unknown): string | undefined {
  if (typeof body === "string") {
    const text = body.trim();
    if (text === "") return undefined;
    return text.length > MAX_TEXT_LENGTH ? `${text.slice(0, MAX_TEXT_LENGTH)}…` : text;
  }
  if (!isRecord(body)) return undefined;
  const { error } = body;
  if (typeof error === "string" && error.trim() !== "") return error;
  if (isRecord(error) && typeof error.message === "string" && error.message !== "") return error.message;
  return messageOf(JSON.stringify(body));
}

function withoutSecret(text: string, secret: string | undefined): string {
  return secret === undefined || secret.length < MIN_REDACTED_KEY_LENGTH
    ? text
    : text.replaceAll(secret, "[redacted api key]");
}

/** Whether a 404 says the model is missing (not the endpoint: "404 page not found"). */
function isModelNotFound(message: string): boolean {
  return /model\b.*\bnot found/i.test(message) || /pull/i.test(message);
}

function notFoundHint(message: string, target: UpstreamTarget): string {
  if (isModelNotFound(message))
    return ` (run \`ollama pull ${target.model}\` on the Ollama server at ${target.apiBase})`;
  return ` (is ${target.apiBase} an Ollama server? its API lives under /api: give the server's root as api_base)`;
}

/**
 * Ollama's error answer -> our typed error: the class from the status (404 model not found, with
 * the `ollama pull` to run; 401/403 from hosted Ollama; 429; 5xx retryable), then the wording
 * where it is telling (a prompt beyond the context window). Error lines inside a stream come with
 * status 500.
 */
export function mapOllamaError(failure: UpstreamFailure, nowMilliseconds = Date.now()): LlmgateError {
  const { status, target } = failure;
  const upstreamMessage = withoutSecret(messageOf(failure.body) ?? `HTTP ${status}`, target.apiKey);
  const hint = status === 404 ? notFoundHint(upstreamMessage, target) : "";
  const details: ErrorDetails & { status: number } = {
    message: `${target.providerId} error (${status}) from ${target.model}: ${upstreamMessage}${hint}`,
    status,
    provider: target.providerId,
    model: target.model,
    body: isRecord(failure.body) ? { error: upstreamMessage } : upstreamMessage,
    retryAfter: parseRetryAfter(failure.headers, nowMilliseconds),
  };
  if (status === 404) return new NotFoundError(details);
  if (CONTEXT_WINDOW_STATUSES.has(status) && isContextWindowMessage(upstreamMessage))
    return new ContextWindowExceededError({ ...details, status: 400 });
  return errorForStatus(details);
}
