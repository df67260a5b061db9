import type { LlmgateError } from "../../errors/index.js";
import type { ErrorBody } from "./wire.js";

/** Anthropic's error types by HTTP status (https://docs.anthropic.com/en/api/errors). */
const TYPES_BY_STATUS: ReadonlyMap<number, string> = new Map([
  [400, "invalid_request_error"],
  [401, "authentication_error"],
  [402, "billing_error"],
  [403, "permission_error"],
  [404, "not_found_error"],
  [413, "request_too_large"],
  [429, "rate_limit_error"],
  [500, "api_error"],
  [503, "overloaded_error"],
  [504, "timeout_error"],
  [529, "overloaded_error"],
]);

/** The Anthropic error type for a status: the table's, else by class of status. */
export function anthropicErrorType(status: number): string {
  const known = TYPES_BY_STATUS.get(status);
  if (known !== undefined) return known;
  if (status === 408) return "timeout_error";
  return status >= 500 ? "api_error" : "invalid_request_error";
}

/** Anthropic says "overloaded" with 529; our ServiceUnavailableError (503) is that state. */
const OVERLOADED_STATUS = 529;

/**
 * Our error as Anthropic's error body, with the status it is answered with: the error's own, but
 * 503 (service unavailable, what an upstream's 529 maps to) as Anthropic's 529 overloaded_error.
 */
export function toAnthropicError(error: LlmgateError): { status: number; body: ErrorBody } {
  const status = error.status === 503 ? OVERLOADED_STATUS : error.status;
  return {
    status,
    body: { type: "error", error: { type: anthropicErrorType(status), message: error.message } },
  };
}
