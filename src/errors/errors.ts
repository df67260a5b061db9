import type { ErrorBody } from "../openai/types.js";

const MARKER = Symbol.for("llmgate.error");

export interface ErrorDetails {
  message: string;
  status?: number | undefined;
  provider?: string | undefined;
  model?: string | undefined;
  /** The upstream response body, parsed when it was JSON, else the raw text. */
  body?: unknown;
  /** Seconds the upstream asked us to wait (its `retry-after` header), when it said so. */
  retryAfter?: number | undefined;
  param?: string | null | undefined;
  code?: string | null | undefined;
  cause?: unknown;
}

/**
 * The base of every error llmgate raises. `status` is the HTTP status the proxy answers with,
 * `type`/`code` what the OpenAI error body carries, `isRetryable` what the router and the SDK's
 * retries read.
 */
export class LlmgateError extends Error {
  readonly [MARKER] = true;
  override readonly name: string = "LlmgateError";
  readonly status: number;
  readonly type: string = "api_error";
  readonly code: string | null;
  readonly param: string | null;
  readonly provider: string | undefined;
  readonly model: string | undefined;
  readonly body: unknown;
  readonly retryAfter: number | undefined;

  constructor(details: ErrorDetails, defaultStatus = 500) {
    super(details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status ?? defaultStatus;
    this.code = details.code ?? null;
    this.param = details.param ?? null;
    this.provider = details.provider;
    this.model = details.model;
    this.body = details.body;
    this.retryAfter = details.retryAfter;
  }

  get isRetryable(): boolean {
    return this.status === 408 || this.status === 409 || this.status === 429 || this.status >= 500;
  }

  toBody(): ErrorBody {
    return {
      error: {
        message: this.message,
        type: this.type,
        param: this.param,
        code: this.code ?? String(this.status),
      },
    };
  }

  /** Recognises our errors even when two copies of the package meet. */
  static is(value: unknown): value is LlmgateError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

export class BadRequestError extends LlmgateError {
  override readonly name: string = "BadRequestError";
  override readonly type: string = "invalid_request_error";
  constructor(details: ErrorDetails) {
    super(details, 400);
  }
}

export class ContextWindowExceededError extends BadRequestError {
  override readonly name: string = "ContextWindowExceededError";
  constructor(details: ErrorDetails) {
    super({ code: "context_length_exceeded", ...details });
  }
}

export class ContentPolicyViolationError extends BadRequestError {
  override readonly name: string = "ContentPolicyViolationError";
  constructor(details: ErrorDetails) {
    super({ code: "content_policy_violation", ...details });
  }
}

/** A parameter the provider cannot take (without `drop_params`); `param` names it. */
export class UnsupportedParamsError extends BadRequestError {
  override readonly name: string = "UnsupportedParamsError";
  constructor(details: ErrorDetails) {
    super({ code: "unsupported_params", ...details });
  }
}

export class AuthenticationError extends LlmgateError {
  override readonly name: string = "AuthenticationError";
  override readonly type: string = "authentication_error";
  constructor(details: ErrorDetails) {
    super(details, 401);
  }
}

export class PermissionDeniedError extends LlmgateError {
  override readonly name: string = "PermissionDeniedError";
  override readonly type: string = "permission_error";
  constructor(details: ErrorDetails) {
    super(details, 403);
  }
}

export class NotFoundError extends LlmgateError {
  override readonly name: string = "NotFoundError";
  override readonly type: string = "not_found_error";
  constructor(details: ErrorDetails) {
    super(details, 404);
  }
}

export class RequestTooLargeError extends LlmgateError {
  override readonly name: string = "RequestTooLargeError";
  override readonly type: string = "invalid_request_error";
  constructor(details: ErrorDetails) {
    super(details, 413);
  }
}

export class UnprocessableEntityError extends LlmgateError {
  override readonly name: string = "UnprocessableEntityError";
  override readonly type: string = "invalid_request_error";
  constructor(details: ErrorDetails) {
    super(details, 422);
  }
}

export class RateLimitError extends LlmgateError {
  override readonly name: string = "RateLimitError";
  override readonly type: string = "rate_limit_error";
  constructor(details: ErrorDetails) {
    super(details, 429);
  }
}

/** The upstream took too long. 408, like LiteLLM's `Timeout`. */
export class Timeout extends LlmgateError {
  override readonly name: string = "Timeout";
  override readonly type: string = "timeout";
  constructor(details: ErrorDetails) {
    super({ code: "timeout", ...details }, 408);
  }
}

/** The upstream could not be reached, or the connection broke. The proxy answers 502. */
export class APIConnectionError extends LlmgateError {
  override readonly name: string = "APIConnectionError";
  override readonly type: string = "api_connection_error";
  constructor(details: ErrorDetails) {
    super({ code: "api_connection_error", ...details }, 502);
  }
  override get isRetryable(): boolean {
    return true;
  }
}

export class InternalServerError extends LlmgateError {
  override readonly name: string = "InternalServerError";
  override readonly type: string = "api_error";
  constructor(details: ErrorDetails) {
    super(details, 500);
  }
}

export class ServiceUnavailableError extends LlmgateError {
  override readonly name: string = "ServiceUnavailableError";
  override readonly type: string = "api_error";
  constructor(details: ErrorDetails) {
    super(details, 503);
  }
}

/** A key, user or team spent its budget. 400 with `type: "budget_exceeded"`, as LiteLLM answers. */
export class BudgetExceededError extends LlmgateError {
  override readonly name: string = "BudgetExceededError";
  override readonly type: string = "budget_exceeded";
  constructor(details: ErrorDetails) {
    super({ code: "budget_exceeded", ...details }, 400);
  }
  override get isRetryable(): boolean {
    return false;
  }
}

type ErrorClass = new (details: ErrorDetails) => LlmgateError;

const CLASS_BY_STATUS: ReadonlyMap<number, ErrorClass> = new Map<number, ErrorClass>([
  [400, BadRequestError],
  [401, AuthenticationError],
  [403, PermissionDeniedError],
  [404, NotFoundError],
  [408, Timeout],
  [413, RequestTooLargeError],
  [422, UnprocessableEntityError],
  [429, RateLimitError],
  [503, ServiceUnavailableError],
]);

/** The error class for a plain HTTP status: the shared default under every provider's mapping. */
export function errorForStatus(details: ErrorDetails & { status: number }): LlmgateError {
  const ErrorType = CLASS_BY_STATUS.get(details.status);
  if (ErrorType !== undefined) return new ErrorType(details);
  if (details.status >= 500) return new InternalServerError(details);
  if (details.status >= 400) return new BadRequestError(details);
  return new LlmgateError(details, details.status);
}
