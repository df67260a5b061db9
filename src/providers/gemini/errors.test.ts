import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  BadRequestError,
  ContextWindowExceededError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServiceUnavailableError,
} from "../../errors/index.js";
import { mapGeminiError } from "./errors.js";
import { readFixture, geminiTestTarget as target } from "./test-fixtures.js";

function map(status: number, body: unknown, headers: Record<string, string> = {}) {
  return mapGeminiError({ status, body, headers, target });
}

describe("mapGeminiError", () => {
  it("maps 429 RESOURCE_EXHAUSTED to a retryable RateLimitError waiting RetryInfo's delay", () => {
    const error = map(429, readFixture("gemini-error-rate-limit.json"));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.isRetryable).toBe(true);
    expect(error.retryAfter).toBe(37);
    expect(error.message).toContain("You exceeded your current quota");
    expect(error.code).toBe("RESOURCE_EXHAUSTED");
  });

  it("prefers a retry-after header to RetryInfo", () => {
    expect(map(429, readFixture("gemini-error-rate-limit.json"), { "retry-after": "5" }).retryAfter).toBe(5);
  });

  it("maps the context-window wording to ContextWindowExceededError", () => {
    const error = map(400, readFixture("gemini-error-context-window.json"));
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(error.status).toBe(400);
    expect(error.message).toContain("exceeds the maximum number of tokens allowed");
  });

  it("maps Gemini's 400 API_KEY_INVALID to AuthenticationError (401)", () => {
    const error = map(400, readFixture("gemini-error-api-key.json"));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.status).toBe(401);
  });

  it("maps other 400s to BadRequestError, 401/403/404 by status, 5xx to retryable errors", () => {
    expect(
      map(400, { error: { code: 400, message: "Invalid value at 'contents'", status: "INVALID_ARGUMENT" } }),
    ).toBeInstanceOf(BadRequestError);
    expect(
      map(401, {
        error: {
          code: 401,
          message: "Request had invalid authentication credentials.",
          status: "UNAUTHENTICATED",
        },
      }),
    ).toBeInstanceOf(AuthenticationError);
    expect(
      map(403, { error: { code: 403, message: "Permission denied", status: "PERMISSION_DENIED" } }),
    ).toBeInstanceOf(PermissionDeniedError);
    expect(map(404, readFixture("gemini-error-not-found.json"))).toBeInstanceOf(NotFoundError);
    const unavailable = map(503, readFixture("gemini-error-unavailable.json"));
    expect(unavailable).toBeInstanceOf(ServiceUnavailableError);
    expect(unavailable.isRetryable).toBe(true);
    const internal = map(500, {
      error: { code: 500, message: "An internal error has occurred.", status: "INTERNAL" },
    });
    expect(internal).toBeInstanceOf(InternalServerError);
    expect(internal.isRetryable).toBe(true);
  });

  it("classifies an error sent inside a stream (status 500 by default) by its status name", () => {
    expect(map(500, { error: { message: "quota", status: "RESOURCE_EXHAUSTED" } })).toBeInstanceOf(
      RateLimitError,
    );
  });

  it("reads the [{error}] list a stream request may answer with", () => {
    expect(map(404, [readFixture("gemini-error-not-found.json")]).message).toContain(
      "is not found for API version",
    );
  });

  it("never repeats the API key", () => {
    const error = map(400, {
      error: { code: 400, message: `API key ${target.apiKey} is not valid`, status: "INVALID_ARGUMENT" },
    });
    expect(error.message).not.toContain(String(target.apiKey));
    expect(JSON.stringify(error.body)).not.toContain(String(target.apiKey));
  });
});
