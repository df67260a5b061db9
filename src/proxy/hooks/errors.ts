import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import "./call-id.js";
import {
  BadRequestError,
  InternalServerError,
  LlmgateError,
  NotFoundError,
  RequestTooLargeError,
} from "../../errors/index.js";

/** Fastify's own failures (body parsing, limits) as our errors. */
function fromFastifyError(error: FastifyError, bodyLimitBytes: number): LlmgateError {
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new RequestTooLargeError({
        message: `request body is larger than the limit of ${bodyLimitBytes} bytes (general_settings.max_request_size_mb)`,
        code: "request_too_large",
      });
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new BadRequestError({
        message: "the request body is empty; send a JSON object",
        code: "invalid_json",
      });
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return new BadRequestError({ message: `malformed request: ${error.message}`, code: "invalid_json" });
    default:
      break;
  }
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return new BadRequestError({
      message: `malformed JSON in the request body: ${error.message}`,
      code: "invalid_json",
    });
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new BadRequestError({
      message: error.message,
      code: error.code ?? null,
      status: error.statusCode,
    });
  }
  return new InternalServerError({ message: "internal error in llmgate", cause: error });
}

export function toLlmgateError(error: unknown, bodyLimitBytes: number): LlmgateError {
  if (LlmgateError.is(error)) return error;
  if (error instanceof Error) return fromFastifyError(error as FastifyError, bodyLimitBytes);
  return new InternalServerError({ message: "internal error in llmgate", cause: error });
}

/** `retry-after` from the error, plus any headers it carries (a limit refusal's `x-ratelimit-*`). */
export function errorHeaders(error: LlmgateError): Record<string, string> {
  const carried = (error as { headers?: unknown }).headers;
  const headers: Record<string, string> =
    typeof carried === "object" && carried !== null ? { ...(carried as Record<string, string>) } : {};
  if (error.retryAfter !== undefined) headers["retry-after"] = String(Math.ceil(error.retryAfter));
  return headers;
}

/** The one place errors become responses: OpenAI's error body, the error's status. */
export function createErrorHandler(bodyLimitBytes: number) {
  return function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
    const mapped = toLlmgateError(error, bodyLimitBytes);
    if (mapped.status >= 500 && !LlmgateError.is(error)) request.log.error({ err: error }, "unhandled error");
    if (request.callId !== "" && !reply.hasHeader("x-llmgate-response-duration-ms")) {
      reply.header("x-llmgate-response-duration-ms", (performance.now() - request.callStartedAt).toFixed(3));
    }
    reply.code(mapped.status).headers(errorHeaders(mapped)).send(mapped.toBody());
  };
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply) {
  const error = new NotFoundError({
    message: `no route for ${request.method} ${request.url}`,
    code: "not_found",
  });
  reply.code(404).send(error.toBody());
}

/**
 * Requests Node's HTTP parser refuses before any route sees them (a broken request line, headers
 * over the limit, headers too slow): answered in OpenAI's error shape, then the socket is closed.
 */
export function handleClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, message] =
    error.code === "ERR_HTTP_REQUEST_TIMEOUT"
      ? [408, "the request did not arrive in time"]
      : error.code === "HPE_HEADER_OVERFLOW"
        ? [431, "the request headers are larger than the server accepts"]
        : [400, `malformed HTTP request (${error.code ?? "parse error"})`];
  const body = JSON.stringify({
    error: { message, type: "invalid_request_error", param: null, code: String(status) },
  });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** Fastify's failures before routing (a URL it cannot decode, say), as OpenAI errors. */
export function handleFrameworkError(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const status =
    error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500
      ? error.statusCode
      : 400;
  const mapped = new BadRequestError({
    message: `malformed request: ${error.message}`,
    code: "invalid_request",
    status,
  });
  reply.code(status).send(mapped.toBody());
}
