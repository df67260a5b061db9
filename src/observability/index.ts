import { type CallEvent, publicRequestOf, requestMetadataOf } from "./call-event.js";
import type { CallTrace } from "./call-trace.js";
import type { CallbackHub } from "./callbacks.js";
import type { CallerLabels } from "./labels.js";

export type { CallEvent } from "./call-event.js";
export { upstreamMillis } from "./call-event.js";
export { CallTrace, traceContextOf } from "./call-trace.js";
export { CallbackHub, type CallbackSettings, unsupportedCallbacks } from "./callbacks.js";
export { type CallerLabels, callerLabelsOf } from "./labels.js";

/** A finished call as the proxy reports it (before it becomes a CallEvent). */
export interface FinishedCall {
  callId: string;
  callType: string;
  route: string;
  modelGroup: string;
  deploymentId: string;
  provider: string;
  model: string;
  caller: CallerLabels;
  status: number;
  errorCode: string | undefined;
  errorMessage: string | undefined;
  startedAt: number;
  endedAt: number;
  isStream: boolean;
  promptTokens: number;
  completionTokens: number;
  cost: number;
  /** The response cache answered (no upstream call, no cost). */
  isCacheHit: boolean;
  trace: CallTrace | undefined;
  body: unknown;
  response: (() => unknown) | undefined;
}

export interface CallMetricsSink {
  observeCall(event: CallEvent): void;
}

function once<T>(read: () => T): () => T {
  let isRead = false;
  let value: T | undefined;
  return () => {
    if (!isRead) {
      value = read();
      isRead = true;
    }
    return value as T;
  };
}

/**
 * After each response: its metrics at once (counters only), its callback events queued. Messages
 * and answers are left out when `turn_off_message_logging` or the request's `metadata.no_log` says so.
 */
export class CallObservers {
  constructor(
    private readonly metrics: CallMetricsSink,
    private readonly callbacks: CallbackHub | undefined,
    private readonly isMessageLoggingOff: boolean,
    /** Told of every call after metrics and callbacks (the proxy's debug log line). */
    private readonly onFinished: (event: CallEvent) => void = () => undefined,
  ) {}

  /** Whether a callback will send this request's answer (so a stream's chunks are worth keeping). */
  sendsAnswerOf(body: unknown): boolean {
    return this.callbacks !== undefined && !this.isMessageLoggingOff && !requestMetadataOf(body).isNoLog;
  }

  finished(call: FinishedCall): CallEvent {
    const { metadata, tags, isNoLog } = requestMetadataOf(call.body);
    const isRedacted = this.isMessageLoggingOff || isNoLog;
    const trace = call.trace;
    const lastAttempt = trace?.attempts[trace.attempts.length - 1];
    const firstTokenAt =
      call.isStream && lastAttempt !== undefined && lastAttempt.error === undefined
        ? lastAttempt.endedAt
        : undefined;
    const event: CallEvent = {
      callId: call.callId,
      callType: call.callType,
      route: call.route,
      modelGroup: call.modelGroup,
      deploymentId: call.deploymentId,
      provider: call.provider,
      model: call.model,
      caller: call.caller,
      status: call.status,
      isSuccess: call.status < 400,
      errorCode: call.errorCode,
      errorMessage: call.errorMessage,
      startedAt: call.startedAt,
      endedAt: call.endedAt,
      firstTokenAt,
      isStream: call.isStream,
      promptTokens: call.promptTokens,
      completionTokens: call.completionTokens,
      cost: call.cost,
      isCacheHit: call.isCacheHit,
      attempts: trace?.attempts ?? [],
      fallbacks: trace?.fallbacks ?? [],
      retries: trace?.retries() ?? [],
      trace: trace?.context,
      metadata,
      tags,
      isRedacted,
      request: isRedacted ? undefined : once(() => publicRequestOf(call.body)),
      response: isRedacted || call.response === undefined ? undefined : once(call.response),
    };
    this.metrics.observeCall(event);
    this.callbacks?.publish(event);
    this.onFinished(event);
    return event;
  }
}
