import {
  ContentPolicyViolationError,
  ContextWindowExceededError,
  type LlmgateError,
} from "../errors/index.js";

/** LiteLLM's error class names, as `retry_policy` and `allowed_fails_policy` key them. */
export type ErrorKind =
  | "BadRequestError"
  | "AuthenticationError"
  | "TimeoutError"
  | "RateLimitError"
  | "ContentPolicyViolationError"
  | "InternalServerError";

export function isContentPolicyViolation(error: LlmgateError): boolean {
  return error instanceof ContentPolicyViolationError || error.code === "content_policy_violation";
}

export function isContextWindowExceeded(error: LlmgateError): boolean {
  return error instanceof ContextWindowExceededError || error.code === "context_length_exceeded";
}

/** The policy key of an error: by status and code, so errors from another copy of the package count too. */
export function errorKindOf(error: LlmgateError): ErrorKind | undefined {
  if (isContentPolicyViolation(error)) return "ContentPolicyViolationError";
  const status = error.status;
  if (status === 401) return "AuthenticationError";
  if (status === 408) return "TimeoutError";
  if (status === 429) return "RateLimitError";
  if (status >= 500) return "InternalServerError";
  if (status === 400) return "BadRequestError";
  return undefined;
}
