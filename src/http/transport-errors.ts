import { APIConnectionError, type LlmgateError, Timeout } from "../errors/index.js";

const TIMEOUT_CODES = new Set([
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "ETIMEDOUT",
]);

interface Where {
  provider: string;
  model: string;
  url: string;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") return code;
  const cause = (error as { cause?: unknown }).cause;
  return cause === undefined ? undefined : errorCode(cause);
}

/** A failure below HTTP (refused, reset, timed out) as our error class. */
export function mapTransportError(error: unknown, where: Where): LlmgateError {
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new Timeout({
      message: `${where.provider} request to ${where.url} timed out (${code})`,
      provider: where.provider,
      model: where.model,
      cause: error,
    });
  }
  return new APIConnectionError({
    message: `could not reach ${where.provider} at ${where.url}: ${detail}${code !== undefined && !detail.includes(code) ? ` (${code})` : ""}`,
    provider: where.provider,
    model: where.model,
    cause: error,
  });
}
