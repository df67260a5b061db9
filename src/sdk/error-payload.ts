/** Error objects an upstream sends where an answer belongs: a 200 body, a stream event, a whole stream. */

/** `{"error": ...}` without an answer beside it (`choices`, `data`). */
export function isErrorPayload(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const payload = value as Record<string, unknown>;
  return (
    payload.error !== undefined &&
    payload.error !== null &&
    payload.choices === undefined &&
    payload.data === undefined
  );
}

/** The status an OpenAI error `type` or `code` stands for, when the payload gives none. */
const STATUS_OF_ERROR_KIND: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  context_length_exceeded: 400,
  content_policy_violation: 400,
  authentication_error: 401,
  invalid_api_key: 401,
  permission_error: 403,
  not_found_error: 404,
  rate_limit_error: 429,
  rate_limit_exceeded: 429,
  insufficient_quota: 429,
};

export function statusOfErrorPayload(payload: Record<string, unknown>): number {
  const error = payload.error as { code?: unknown; status?: unknown; type?: unknown } | undefined;
  for (const value of [error?.status, error?.code]) {
    const status = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
    if (Number.isInteger(status) && status >= 400 && status < 600) return status;
  }
  for (const kind of [error?.code, error?.type]) {
    if (typeof kind === "string" && Object.hasOwn(STATUS_OF_ERROR_KIND, kind))
      return STATUS_OF_ERROR_KIND[kind] as number;
  }
  return 500;
}
