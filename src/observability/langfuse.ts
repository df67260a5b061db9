import { randomUUID } from "node:crypto";
import type { CallEvent } from "./call-event.js";
import type { Exporter } from "./generic-api.js";
import { postJson } from "./http-post.js";

const DEFAULT_HOST = "https://cloud.langfuse.com";

function isoOf(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** A trace and its generation, as Langfuse's ingestion API takes them (`trace-create`, `generation-create`). */
export function langfuseEventsOf(event: CallEvent): Record<string, unknown>[] {
  const traceId = event.trace?.traceId ?? event.callId;
  const input = event.request?.() ?? null;
  const output = event.response?.() ?? null;
  const metadata = {
    ...event.metadata,
    call_id: event.callId,
    model_group: event.modelGroup,
    deployment: event.deploymentId,
    provider: event.provider,
    key_alias: event.caller.keyAlias,
    user_api_key_hash: event.caller.keyHash,
    team: event.caller.team,
    route: event.route,
    status_code: event.status,
    latency_ms: event.endedAt - event.startedAt,
  };
  const now = isoOf(event.endedAt);
  return [
    {
      id: randomUUID(),
      type: "trace-create",
      timestamp: now,
      body: {
        id: traceId,
        timestamp: isoOf(event.startedAt),
        name: event.callType,
        userId: event.caller.user === "" ? undefined : event.caller.user,
        input,
        output,
        tags: event.tags,
        metadata,
      },
    },
    {
      id: randomUUID(),
      type: "generation-create",
      timestamp: now,
      body: {
        id: event.callId,
        traceId,
        name: event.callType,
        startTime: isoOf(event.startedAt),
        endTime: isoOf(event.endedAt),
        completionStartTime: event.firstTokenAt === undefined ? undefined : isoOf(event.firstTokenAt),
        model: event.model,
        input,
        output,
        usage: {
          input: event.promptTokens,
          output: event.completionTokens,
          total: event.promptTokens + event.completionTokens,
          unit: "TOKENS",
        },
        usageDetails: { input: event.promptTokens, output: event.completionTokens },
        costDetails: { total: event.cost },
        metadata,
        level: event.isSuccess ? "DEFAULT" : "ERROR",
        statusMessage: event.isSuccess ? undefined : (event.errorMessage ?? String(event.status)),
      },
    },
  ];
}

/** `langfuse`: batches to `POST <LANGFUSE_HOST>/api/public/ingestion`, basic auth with the key pair. */
export function createLangfuseExporter(env: NodeJS.ProcessEnv): Exporter {
  const publicKey = env.LANGFUSE_PUBLIC_KEY ?? "";
  const secretKey = env.LANGFUSE_SECRET_KEY ?? "";
  if (publicKey === "" || secretKey === "")
    throw new Error("the langfuse callback needs LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY");
  const host = (env.LANGFUSE_HOST ?? env.LANGFUSE_BASE_URL ?? DEFAULT_HOST).replace(/\/+$/, "");
  const url = `${host}/api/public/ingestion`;
  const headers = {
    authorization: `Basic ${Buffer.from(`${publicKey}:${secretKey}`).toString("base64")}`,
  };
  return {
    name: "langfuse",
    batchSize: 50,
    send: (batch) => postJson(url, headers, { batch: batch.flatMap(langfuseEventsOf) }),
  };
}
