/**
 * Budget and key durations as LiteLLM writes them: `30s`, `10m`, `1h`, `1d`, `30d`, `1w`, `1mo`.
 * Months are calendar months (the day of month is kept, clamped to the month's last day).
 */

export type DurationUnit = "s" | "m" | "h" | "d" | "w" | "mo";

export interface Duration {
  amount: number;
  unit: DurationUnit;
}

const durationPattern = /^\s*(\d+)\s*(s|m|h|d|w|mo)\s*$/;

const unitMilliseconds: Record<Exclude<DurationUnit, "mo">, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Parses a duration; undefined when the text is not one (`30x`, `-1d`, `0d`, ``). */
export function parseDuration(text: string): Duration | undefined {
  const match = durationPattern.exec(text);
  if (match === null) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] as DurationUnit;
  if (!Number.isSafeInteger(amount) || amount <= 0) return undefined;
  return { amount, unit };
}

function addMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

/** `date` moved forward by `duration`. */
export function addDuration(date: Date, duration: Duration): Date {
  if (duration.unit === "mo") return addMonths(date, duration.amount);
  return new Date(date.getTime() + duration.amount * unitMilliseconds[duration.unit]);
}

/** Parses `text` or throws an error naming it. */
export function requireDuration(text: string): Duration {
  const duration = parseDuration(text);
  if (duration === undefined) {
    throw new Error(`invalid duration "${text}" (expected a number and a unit: 30s, 10m, 1h, 1d, 1w, 1mo)`);
  }
  return duration;
}

/**
 * The first time after `now` reached by stepping from `from` by `duration`: where a budget that was
 * due at `from` resets next, even when the proxy was down for several periods.
 */
export function nextResetAfter(from: Date, duration: Duration, now: Date): Date {
  let next = addDuration(from, duration);
  if (duration.unit !== "mo") {
    const step = duration.amount * unitMilliseconds[duration.unit];
    const behind = now.getTime() - next.getTime();
    if (behind >= 0) next = new Date(next.getTime() + (Math.floor(behind / step) + 1) * step);
    return next;
  }
  let months = duration.amount;
  while (next.getTime() <= now.getTime()) {
    months += duration.amount;
    next = addMonths(from, months);
  }
  return next;
}
