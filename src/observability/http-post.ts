import { request } from "undici";

/** Seconds a collector has to answer one POST; a slow one is a failed try, retried later. */
export const COLLECTOR_TIMEOUT_MS = 10_000;

/** POSTs a JSON body; resolves on 2xx, rejects on anything else (status in the message, no body). */
export async function postJson(
  url: string,
  headers: Readonly<Record<string, string>>,
  body: unknown,
  timeoutMs = COLLECTOR_TIMEOUT_MS,
): Promise<void> {
  const response = await request(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.body.dump();
  if (response.statusCode < 200 || response.statusCode >= 300)
    throw new Error(`${new URL(url).origin} answered ${response.statusCode}`);
}

/**
 * `OTEL_EXPORTER_OTLP_HEADERS` / `GENERIC_LOGGER_HEADERS`: `name=value` pairs separated by commas
 * (values URL-encoded, as the OpenTelemetry spec says), or a JSON object.
 */
export function parseHeaderList(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  const trimmed = text?.trim() ?? "";
  if (trimmed === "") return headers;
  if (trimmed.startsWith("{")) {
    const parsed = JSON.parse(trimmed) as Record<string, unknown>;
    for (const [name, value] of Object.entries(parsed)) headers[name.toLowerCase()] = String(value);
    return headers;
  }
  for (const pair of trimmed.split(",")) {
    const index = pair.indexOf("=");
    if (index <= 0) continue;
    const name = pair.slice(0, index).trim().toLowerCase();
    const value = pair.slice(index + 1).trim();
    headers[name] = safeDecode(value);
  }
  return headers;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
