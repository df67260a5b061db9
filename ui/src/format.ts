/** How numbers, dates and limits read in tables. Pure functions: unit-tested in format.test.ts. */

export function money(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (value !== 0 && Math.abs(value) < 0.01) {
    // Two significant digits of a small cost: $0.000012, never 1.2e-5.
    const decimals = Math.min(12, 1 - Math.floor(Math.log10(Math.abs(value))));
    return `$${Number(value.toPrecision(2)).toFixed(decimals)}`;
  }
  return `$${value.toFixed(2)}`;
}

/** Spend against a budget: "$1.20 / $10.00", or "$1.20" without one. */
export function spendOfBudget(spend: number, budget: number | null): string {
  return budget === null ? money(spend) : `${money(spend)} / ${money(budget)}`;
}

export function limit(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : value.toLocaleString("en-US");
}

export function count(value: number): string {
  return value.toLocaleString("en-US");
}

/** `2025-03-01 10:00:01` in UTC, or "never" / "—". */
export function dateTime(value: string | number | null | undefined, empty = "—"): string {
  if (value === null || value === undefined || value === "") return empty;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 19)}`;
}

export function milliseconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}

/** "a, b" or "all models" for an empty list (a key without a list may call every model). */
export function modelList(models: string[]): string {
  return models.length === 0 ? "all models" : models.join(", ");
}

/** A text field to a list: "a, b ,c" -> ["a", "b", "c"]. */
export function parseList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/**
 * A number field to the API's value: "" -> null (no limit), else a number; undefined when the text
 * is not a non-negative number (the form says so).
 */
export function parseNumber(text: string, integer = false): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  const value = Number(trimmed);
  if (!Number.isFinite(value) || value < 0) return undefined;
  if (integer && !Number.isInteger(value)) return undefined;
  return value;
}

/** A duration as the API takes it ("30d", "12h", "1mo"; the API checks it); "" -> null. */
export function parseDuration(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === "" ? null : trimmed;
}

/** `YYYY-MM-DD` of a date (UTC), `days` before `from`. */
export function isoDay(from: Date, days = 0): string {
  return new Date(from.getTime() - days * 86_400_000).toISOString().slice(0, 10);
}

/** The last 6 characters of a key hash, for tables that must not show keys. */
export function shortHash(hash: string | null): string {
  return hash === null ? "—" : `…${hash.slice(-6)}`;
}
