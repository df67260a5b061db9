import { describe, expect, it } from "vitest";
import { assertAnthropicShape } from "../../../test/spec/anthropic-shapes.js";
import {
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequestTooLargeError,
  ServiceUnavailableError,
  Timeout,
} from "../../errors/index.js";
import { toAnthropicError } from "./errors.js";

describe("toAnthropicError", () => {
  it.each([
    [new BadRequestError({ message: "m" }), 400, "invalid_request_error"],
    [new AuthenticationError({ message: "m" }), 401, "authentication_error"],
    [new PermissionDeniedError({ message: "m" }), 403, "permission_error"],
    [new NotFoundError({ message: "m" }), 404, "not_found_error"],
    [new RequestTooLargeError({ message: "m" }), 413, "request_too_large"],
    [new RateLimitError({ message: "m" }), 429, "rate_limit_error"],
    [new InternalServerError({ message: "m" }), 500, "api_error"],
    [new ServiceUnavailableError({ message: "m" }), 529, "overloaded_error"],
    [new InternalServerError({ message: "m", status: 529 }), 529, "overloaded_error"],
    [new Timeout({ message: "m" }), 408, "timeout_error"],
  ])("renders %s as %i %s", (error, status, type) => {
    const rendered = toAnthropicError(error);
    assertAnthropicShape("error", rendered.body);
    expect(rendered).toEqual({ status, body: { type: "error", error: { type, message: "m" } } });
  });
});
