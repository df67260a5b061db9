import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  BadRequestError,
  ContentPolicyViolationError,
  ContextWindowExceededError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequestTooLargeError,
  ServiceUnavailableError,
} from "../../errors/index.js";
import type { UpstreamFailure } from "../types.js";
import { mapAnthropicError } from "./errors.js";

const target = {
  providerId: "anthropic",
  model: "claude-sonnet-4-5",
  apiBase: "https://api.anthropic.com",
  apiKey: "sk-ant-api03-secret-key",
  organization: undefined,
};

function failure(
  status: number,
  type: string,
  message: string,
  headers: UpstreamFailure["headers"] = {},
): UpstreamFailure {
  return { status, body: { type: "error", error: { type, message }, request_id: "req_1" }, headers, target };
}

describe("mapAnthropicError", () => {
  it.each([
    [400, "invalid_request_error", "max_tokens: Field required", BadRequestError, 400],
    [401, "authentication_error", "invalid x-api-key", AuthenticationError, 401],
    [403, "permission_error", "Your API key does not have permission", PermissionDeniedError, 403],
    [404, "not_found_error", "model: claude-nope", NotFoundError, 404],
    [
      413,
      "request_too_large",
      "Request exceeds the maximum allowed number of bytes.",
      RequestTooLargeError,
      413,
    ],
    [
      429,
      "rate_limit_error",
      "Number of request tokens has exceeded your per-minute rate limit",
      RateLimitError,
      429,
    ],
    [500, "api_error", "Internal server error", InternalServerError, 500],
    [529, "overloaded_error", "Overloaded", ServiceUnavailableError, 503],
  ])(
    "maps %i %s to its class with Anthropic's message",
    (status, type, message, ErrorClass, expectedStatus) => {
      const error = mapAnthropicError(failure(status, type, message));
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error.status).toBe(expectedStatus);
      expect(error.message).toContain(message);
      expect(error.provider).toBe("anthropic");
      expect(error.model).toBe("claude-sonnet-4-5");
    },
  );

  it("makes overloaded and 5xx retryable, 4xx other than 429 not", () => {
    expect(mapAnthropicError(failure(529, "overloaded_error", "Overloaded")).isRetryable).toBe(true);
    expect(mapAnthropicError(failure(500, "api_error", "x")).isRetryable).toBe(true);
    expect(mapAnthropicError(failure(429, "rate_limit_error", "x")).isRetryable).toBe(true);
    expect(mapAnthropicError(failure(400, "invalid_request_error", "x")).isRetryable).toBe(false);
  });

  it("keeps retry-after on a rate limit", () => {
    const error = mapAnthropicError(failure(429, "rate_limit_error", "slow down", { "retry-after": "17" }));
    expect(error.retryAfter).toBe(17);
  });

  it("maps 'prompt is too long' to ContextWindowExceededError", () => {
    const error = mapAnthropicError(
      failure(400, "invalid_request_error", "prompt is too long: 208310 tokens > 200000 maximum"),
    );
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.code).toBe("context_length_exceeded");
    expect(error.status).toBe(400);
  });

  it("maps a content-filtering refusal to ContentPolicyViolationError", () => {
    const error = mapAnthropicError(
      failure(400, "invalid_request_error", "Output blocked by content filtering policy"),
    );
    expect(error).toBeInstanceOf(ContentPolicyViolationError);
  });

  it("classifies by the body's type when the status stands in for one (an error inside a stream or a 200)", () => {
    expect(mapAnthropicError(failure(500, "overloaded_error", "Overloaded"))).toBeInstanceOf(
      ServiceUnavailableError,
    );
    expect(mapAnthropicError(failure(500, "rate_limit_error", "slow"))).toBeInstanceOf(RateLimitError);
    expect(mapAnthropicError(failure(500, "invalid_request_error", "prompt is too long"))).toBeInstanceOf(
      ContextWindowExceededError,
    );
    // A real 4xx status wins over the body.
    expect(mapAnthropicError(failure(401, "api_error", "x"))).toBeInstanceOf(AuthenticationError);
  });

  it("describes a body that is not Anthropic's (an HTML page from a proxy) and never shows the key", () => {
    const html = mapAnthropicError({ status: 502, body: "<html>Bad gateway</html>", headers: {}, target });
    expect(html).toBeInstanceOf(InternalServerError);
    expect(html.message).toContain("Bad gateway");
    const echoed = mapAnthropicError(failure(401, "authentication_error", `invalid key ${target.apiKey}`));
    expect(echoed.message).not.toContain(target.apiKey);
    expect(JSON.stringify(echoed.body)).not.toContain(target.apiKey);
  });
});
