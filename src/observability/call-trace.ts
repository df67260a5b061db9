import { randomUUID } from "node:crypto";
import type { AttemptReport, RouteObserver } from "../router/index.js";

/** W3C trace context of a request: the incoming `traceparent` continued, or a new trace. */
export interface TraceContext {
  traceId: string;
  /** The span of this request (the server span). */
  spanId: string;
  /** The caller's span, when a `traceparent` came in. */
  parentSpanId: string | undefined;
  isSampled: boolean;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = "0".repeat(32);
const ZERO_SPAN = "0".repeat(16);

/** randomUUID is pooled (cheaper per call than randomBytes); its hex digits make the ids. */
function randomHex32(): string {
  const uuid = randomUUID();
  return uuid.slice(0, 8) + uuid.slice(9, 13) + uuid.slice(14, 18) + uuid.slice(19, 23) + uuid.slice(24);
}

export function newSpanId(): string {
  return randomHex32().slice(16);
}

/** Continues a valid `traceparent` header (version 00 or later); anything else starts a new trace. */
export function traceContextOf(header: string | string[] | undefined): TraceContext {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value === undefined ? null : TRACEPARENT.exec(value.trim().toLowerCase());
  if (match !== null && match[1] !== "ff" && match[2] !== ZERO_TRACE && match[3] !== ZERO_SPAN) {
    return {
      traceId: match[2] as string,
      spanId: newSpanId(),
      parentSpanId: match[3],
      isSampled: (Number.parseInt(match[4] as string, 16) & 1) === 1,
    };
  }
  return { traceId: randomHex32(), spanId: newSpanId(), parentSpanId: undefined, isSampled: true };
}

/** What the router did for one request: its attempts and fallbacks, collected as they happen. */
export class CallTrace implements RouteObserver {
  readonly attempts: AttemptReport[] = [];
  readonly fallbacks: { from: string; to: string }[] = [];
  readonly cooldowns: { deploymentId: string; until: number }[] = [];

  constructor(readonly context: TraceContext) {}

  onAttempt(report: AttemptReport): void {
    this.attempts.push(report);
  }

  onFallback(fromGroup: string, toGroup: string): void {
    this.fallbacks.push({ from: fromGroup, to: toGroup });
  }

  onCooldown(deploymentId: string, until: number): void {
    this.cooldowns.push({ deploymentId, until });
  }

  /** Attempts after the first within the same group (fallbacks are counted apart). */
  retries(): { modelGroup: string; count: number }[] {
    const perGroup = new Map<string, number>();
    for (const attempt of this.attempts)
      perGroup.set(attempt.modelGroup, (perGroup.get(attempt.modelGroup) ?? 0) + 1);
    const result: { modelGroup: string; count: number }[] = [];
    for (const [modelGroup, attempts] of perGroup)
      if (attempts > 1) result.push({ modelGroup, count: attempts - 1 });
    return result;
  }
}
