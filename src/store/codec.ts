/** Encoding of the column kinds both dialects store as text or integers (see schema.ts). */

export function encodeJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function decodeJsonObject(text: string): Record<string, unknown> {
  const value = parseJson(text);
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

export function decodeJsonArray(text: string): unknown[] {
  const value = parseJson(text);
  return Array.isArray(value) ? value : [];
}

export function decodeStringArray(text: string): string[] {
  return decodeJsonArray(text).filter((item): item is string => typeof item === "string");
}

export function decodeStringRecord(text: string): Record<string, string> {
  const entries = Object.entries(decodeJsonObject(text));
  return Object.fromEntries(
    entries.filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}

export function encodeBoolean(value: boolean): number {
  return value ? 1 : 0;
}

export function decodeBoolean(value: number): boolean {
  return value !== 0;
}

/** A timestamp as stored: ISO-8601 UTC, fixed width, so text order is time order. */
export function toTimestamp(value: Date | string): string {
  return (typeof value === "string" ? new Date(value) : value).toISOString();
}

export function toOptionalTimestamp(value: Date | string | null | undefined): string | null {
  return value === null || value === undefined ? null : toTimestamp(value);
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
