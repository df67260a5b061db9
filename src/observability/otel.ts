import type { AttemptReport } from "../router/index.js";
import type { CallEvent } from "./call-event.js";
import { newSpanId } from "./call-trace.js";
import type { Exporter } from "./generic-api.js";
import { parseHeaderList, postJson } from "./http-post.js";

type AttributeValue =
  | { stringValue: string }
  | { intValue: string }
  | { doubleValue: number }
  | { boolValue: boolean };
interface Attribute {
  key: string;
  value: AttributeValue;
}

/** OTLP span kinds and status codes (opentelemetry-proto trace.proto). */
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;
const STATUS_OK = 1;
const STATUS_ERROR = 2;

function attributes(values: Record<string, string | number | boolean | undefined>): Attribute[] {
  const list: Attribute[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === "") continue;
    if (typeof value === "string") list.push({ key, value: { stringValue: value } });
    else if (typeof value === "boolean") list.push({ key, value: { boolValue: value } });
    else if (Number.isInteger(value)) list.push({ key, value: { intValue: String(value) } });
    else list.push({ key, value: { doubleValue: value } });
  }
  return list;
}

function nanos(epochMs: number): string {
  return (BigInt(Math.round(epochMs * 1000)) * 1000n).toString();
}

/** `gen_ai.operation.name` for a call type. */
function operationOf(callType: string): string {
  if (callType.includes("embedding")) return "embeddings";
  if (callType.includes("text_completion")) return "text_completion";
  return "chat";
}

function attemptSpan(event: CallEvent, attempt: AttemptReport, index: number): Record<string, unknown> {
  const trace = event.trace;
  const isLast = index === event.attempts.length - 1;
  const endedAt = isLast && attempt.isStream && attempt.error === undefined ? event.endedAt : attempt.endedAt;
  return {
    traceId: trace?.traceId,
    spanId: newSpanId(),
    parentSpanId: trace?.spanId,
    name: `${operationOf(event.callType)} ${attempt.model}`,
    kind: SPAN_KIND_CLIENT,
    startTimeUnixNano: nanos(attempt.startedAt),
    endTimeUnixNano: nanos(endedAt),
    attributes: attributes({
      "gen_ai.operation.name": operationOf(event.callType),
      "gen_ai.system": attempt.provider,
      "gen_ai.provider.name": attempt.provider,
      "gen_ai.request.model": attempt.model,
      "llmgate.model_group": attempt.modelGroup,
      "llmgate.deployment": attempt.deploymentId,
      "llmgate.attempt": index + 1,
      "error.type":
        attempt.error === undefined ? undefined : (attempt.error.code ?? String(attempt.error.status)),
      "http.response.status_code": attempt.error?.status,
    }),
    status:
      attempt.error === undefined
        ? { code: STATUS_OK }
        : { code: STATUS_ERROR, message: attempt.error.message.slice(0, 500) },
  };
}

/** One server span per request, a client span per router attempt (its upstream call). */
export function otlpSpansOf(event: CallEvent): Record<string, unknown>[] {
  const trace = event.trace;
  if (trace === undefined || !trace.isSampled) return [];
  const operation = operationOf(event.callType);
  const root = {
    traceId: trace.traceId,
    spanId: trace.spanId,
    parentSpanId: trace.parentSpanId,
    name: `${operation} ${event.modelGroup}`,
    kind: SPAN_KIND_SERVER,
    startTimeUnixNano: nanos(event.startedAt),
    endTimeUnixNano: nanos(event.endedAt),
    attributes: attributes({
      "gen_ai.operation.name": operation,
      "gen_ai.system": event.provider,
      "gen_ai.provider.name": event.provider,
      "gen_ai.request.model": event.modelGroup,
      "gen_ai.response.model": event.model,
      "gen_ai.usage.input_tokens": event.promptTokens,
      "gen_ai.usage.output_tokens": event.completionTokens,
      "gen_ai.request.stream": event.isStream,
      "http.route": event.route,
      "http.response.status_code": event.status,
      "llmgate.call_id": event.callId,
      "llmgate.deployment": event.deploymentId,
      "llmgate.key_alias": event.caller.keyAlias,
      "llmgate.team": event.caller.team,
      "llmgate.user": event.caller.user,
      "llmgate.cost_usd": event.cost,
      "llmgate.retries": event.retries.reduce((sum, retry) => sum + retry.count, 0),
      "llmgate.fallbacks": event.fallbacks.length,
      "error.type": event.isSuccess ? undefined : (event.errorCode ?? String(event.status)),
    }),
    status: event.isSuccess
      ? { code: STATUS_OK }
      : { code: STATUS_ERROR, message: (event.errorMessage ?? "").slice(0, 500) },
  };
  return [root, ...event.attempts.map((attempt, index) => attemptSpan(event, attempt, index))];
}

/** The traces URL: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as given, else `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`. */
export function tracesUrlOf(env: NodeJS.ProcessEnv): string {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (traces !== undefined && traces !== "") return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (base === undefined || base === "") return "http://localhost:4318/v1/traces";
  return `${base.replace(/\/+$/, "")}/v1/traces`;
}

/** `otel`: OTLP/HTTP JSON (`ExportTraceServiceRequest`), batched. */
export function createOtelExporter(env: NodeJS.ProcessEnv): Exporter {
  const url = tracesUrlOf(env);
  const headers = {
    ...parseHeaderList(env.OTEL_EXPORTER_OTLP_HEADERS),
    ...parseHeaderList(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS),
  };
  const serviceName = env.OTEL_SERVICE_NAME ?? "llmgate";
  return {
    name: "otel",
    batchSize: 100,
    send: async (batch) => {
      const spans = batch.flatMap(otlpSpansOf);
      if (spans.length === 0) return;
      await postJson(url, headers, {
        resourceSpans: [
          {
            resource: { attributes: attributes({ "service.name": serviceName }) },
            scopeSpans: [{ scope: { name: "llmgate" }, spans }],
          },
        ],
      });
    },
  };
}
