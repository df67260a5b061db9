/**
 * A fake Amazon Bedrock runtime for tests: a node:http server on 127.0.0.1 (ephemeral port) that
 * checks each request's SigV4 signature against known keys (or a bearer API key), answers
 * `POST /model/<id>/converse` with Converse JSON, `/converse-stream` with real AWS event-stream
 * frames (encoded with AWS's own codec), `/invoke` for Titan and Cohere embeddings, and `/invoke` and
 * `/invoke-with-response-stream` for Claude with Anthropic Messages bodies (events in base64 `chunk`
 * frames). Errors are
 * AWS's: `{"message"}` with `x-amzn-ErrorType`, or exception frames inside a stream. It records
 * every request, and answers with the next scripted behaviour when there is one.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import {
  checkConverseBody,
  converseAnswer,
  converseStreamEvents,
  embeddingAnswer,
  planConverse,
  ValidationFailure,
} from "./bedrock-upstream-answers.js";
import { type FakeAwsKeys, verifySigV4 } from "./bedrock-upstream-sigv4.js";
import { rawPredictAnswer, rawPredictEvents, rawPredictProblem } from "./vertex-anthropic-answers.js";

const BEDROCK_ANTHROPIC_VERSION = "bedrock-2023-05-31";

export type BedrockBehaviour =
  /** An HTTP error as Bedrock sends it. */
  | { kind: "error"; status: number; type: string; message: string; headers?: Record<string, string> }
  /** A stream that sends `afterEvents` events of the normal answer, then an exception frame. */
  | { kind: "stream-exception"; afterEvents: number; type: string; message: string }
  /** A stream whose connection is destroyed after `afterEvents` events. */
  | { kind: "stream-cut"; afterEvents: number }
  /** A stream of exactly these events. */
  | { kind: "stream-events"; events: Array<[string, Record<string, unknown>]> }
  /** This JSON answer as is. */
  | { kind: "json"; status?: number; body: unknown };

export interface BedrockRecordedRequest {
  method: string;
  /** As received, percent-encoded. */
  rawPath: string;
  /** The model id, decoded. */
  modelId: string | undefined;
  operation: "converse" | "converse-stream" | "invoke" | "invoke-with-response-stream" | undefined;
  headers: Record<string, string>;
  body: unknown;
  auth: "sigv4" | "bearer" | "none";
}

export interface FakeBedrockOptions {
  keys?: FakeAwsKeys;
  /** The region signatures must be scoped to (default us-east-1). */
  region?: string;
  /** Accepted as `Authorization: Bearer <token>` (Bedrock API keys). */
  bearerToken?: string;
  /** Milliseconds between stream events (default 0). */
  eventDelayMs?: number;
}

export interface FakeBedrock {
  /** `http://127.0.0.1:<port>`: the api_base (or the AWS SDK's endpoint). */
  baseUrl: string;
  region: string;
  keys: FakeAwsKeys;
  requests: BedrockRecordedRequest[];
  enqueue(...behaviours: BedrockBehaviour[]): void;
  close(): Promise<void>;
}

export const DEFAULT_FAKE_AWS_KEYS: FakeAwsKeys = {
  accessKeyId: "AKIAFAKEBEDROCK00001",
  secretAccessKey: "fake/secret+Key/for/TESTS/only0000000000",
};

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function stringHeader(value: string) {
  return { type: "string" as const, value };
}

function eventFrame(eventType: string, payload: Record<string, unknown>): Uint8Array {
  // Bedrock pads each payload with a "p" field of varying length.
  const padded = {
    ...payload,
    p: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ".slice(0, 3 + (eventType.length % 20)),
  };
  return codec.encode({
    headers: {
      ":event-type": stringHeader(eventType),
      ":content-type": stringHeader("application/json"),
      ":message-type": stringHeader("event"),
    },
    body: fromUtf8(JSON.stringify(padded)),
  });
}

function exceptionFrame(type: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ":exception-type": stringHeader(type),
      ":content-type": stringHeader("application/json"),
      ":message-type": stringHeader("exception"),
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    request.on("data", (part: Buffer) => parts.push(part));
    request.on("end", () => resolve(Buffer.concat(parts)));
    request.on("error", reject);
  });
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": "11111111-2222-3333-4444-555555555555",
    ...headers,
  });
  response.end(text);
}

function sendAwsError(response: ServerResponse, status: number, type: string, message: string, headers = {}) {
  sendJson(
    response,
    status,
    { message },
    { "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, ...headers },
  );
}

function flatHeaders(raw: IncomingMessage["headers"]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw))
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  return headers;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return body.toString("utf8");
  }
}

const ROUTE = /^\/model\/([^/?]+)\/(converse|converse-stream|invoke|invoke-with-response-stream)(?:\?.*)?$/;

function isClaude(modelId: string): boolean {
  return modelId.includes("anthropic.") || modelId.includes("claude");
}

/** An Anthropic stream event as InvokeModelWithResponseStream frames it: base64 JSON in a chunk. */
function chunkFrame(data: Record<string, unknown>): Uint8Array {
  return eventFrame("chunk", { bytes: Buffer.from(JSON.stringify(data)).toString("base64") });
}

export async function startFakeBedrock(options: FakeBedrockOptions = {}): Promise<FakeBedrock> {
  const keys = options.keys ?? DEFAULT_FAKE_AWS_KEYS;
  const region = options.region ?? "us-east-1";
  const requests: BedrockRecordedRequest[] = [];
  const queue: BedrockBehaviour[] = [];
  const sockets = new Set<Socket>();
  let sequence = 0;

  const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

  const writeFrames = async (response: ServerResponse, frames: Uint8Array[], cutAfter?: number) => {
    response.writeHead(200, {
      "content-type": "application/vnd.amazon.eventstream",
      "x-amzn-requestid": "11111111-2222-3333-4444-555555555555",
    });
    response.flushHeaders();
    for (const [index, frame] of frames.entries()) {
      if (cutAfter !== undefined && index >= cutAfter) {
        response.socket?.destroy();
        return;
      }
      if (options.eventDelayMs !== undefined && index > 0) await sleep(options.eventDelayMs);
      if (response.destroyed) return;
      // Each frame is on the wire before the next step (a cut must not swallow what was sent).
      await new Promise<void>((resolve) => response.write(frame, () => resolve()));
    }
    response.end();
  };

  const answerConverse = async (
    response: ServerResponse,
    record: BedrockRecordedRequest,
    behaviour?: BedrockBehaviour,
  ) => {
    checkConverseBody(record.body);
    const plan = planConverse(record.body as Record<string, unknown>, ++sequence);
    if (record.operation === "converse") return sendJson(response, 200, converseAnswer(plan));
    const events = converseStreamEvents(plan);
    const frames = events.map(([type, payload]) => eventFrame(type, payload));
    if (behaviour?.kind === "stream-exception") {
      const sent = frames.slice(0, behaviour.afterEvents);
      return writeFrames(response, [...sent, exceptionFrame(behaviour.type, behaviour.message)]);
    }
    return writeFrames(
      response,
      frames,
      behaviour?.kind === "stream-cut" ? behaviour.afterEvents : undefined,
    );
  };

  /** Claude on InvokeModel: an Anthropic body (no model, no stream, Bedrock's anthropic_version). */
  const answerClaudeInvoke = async (
    response: ServerResponse,
    record: BedrockRecordedRequest,
    behaviour?: BedrockBehaviour,
  ) => {
    const body = record.body as Record<string, unknown>;
    const problem =
      typeof body !== "object" || body === null
        ? { error: { message: "Malformed input request, please reformat your input and try again." } }
        : "stream" in body || "model" in body
          ? {
              error: {
                message: `extraneous key [${"stream" in body ? "stream" : "model"}] is not permitted`,
              },
            }
          : rawPredictProblem(body, BEDROCK_ANTHROPIC_VERSION);
    if (problem !== undefined)
      return sendAwsError(
        response,
        400,
        "ValidationException",
        String((problem.error as Record<string, unknown>).message),
      );
    const baseModel = (record.modelId ?? "").replace(/^.*anthropic\./, "").replace(/-v\d+:\d+$/, "");
    const message = rawPredictAnswer(body, baseModel, ++sequence, "bdrk");
    if (record.operation === "invoke") return sendJson(response, 200, message);
    const events = rawPredictEvents(message).map(({ data }) =>
      data.type === "message_stop"
        ? {
            ...data,
            "amazon-bedrock-invocationMetrics": {
              inputTokenCount: 11,
              outputTokenCount: 5,
              invocationLatency: 120,
              firstByteLatency: 40,
            },
          }
        : data,
    );
    const frames = events.map(chunkFrame);
    if (behaviour?.kind === "stream-exception") {
      const sent = frames.slice(0, behaviour.afterEvents);
      return writeFrames(response, [...sent, exceptionFrame(behaviour.type, behaviour.message)]);
    }
    return writeFrames(
      response,
      frames,
      behaviour?.kind === "stream-cut" ? behaviour.afterEvents : undefined,
    );
  };

  const authenticate = (
    request: IncomingMessage,
    body: Buffer,
  ): { auth: BedrockRecordedRequest["auth"]; refusal?: [string, string] } => {
    const authorization = request.headers.authorization ?? "";
    if (authorization.startsWith("Bearer ")) {
      const isKnown = options.bearerToken !== undefined && authorization.slice(7) === options.bearerToken;
      return isKnown
        ? { auth: "bearer" }
        : {
            auth: "bearer",
            refusal: [
              "UnrecognizedClientException",
              "Invalid API Key format: Must start with pre-defined prefix",
            ],
          };
    }
    const verdict = verifySigV4(
      { method: request.method ?? "", rawUrl: request.url ?? "", headers: request.headers, body },
      keys,
      region,
      "bedrock",
    );
    if (verdict.ok) return { auth: "sigv4" };
    return { auth: authorization === "" ? "none" : "sigv4", refusal: [verdict.type, verdict.message] };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    const rawPath = request.url ?? "";
    const route = ROUTE.exec(rawPath);
    const { auth, refusal } = authenticate(request, body);
    const record: BedrockRecordedRequest = {
      method: request.method ?? "",
      rawPath,
      modelId: route?.[1] === undefined ? undefined : decodeURIComponent(route[1]),
      operation: route?.[2] as BedrockRecordedRequest["operation"],
      headers: flatHeaders(request.headers),
      body: parseJson(body),
      auth,
    };
    requests.push(record);
    if (refusal !== undefined) return sendAwsError(response, 403, refusal[0], refusal[1]);
    if (request.method !== "POST" || route === null)
      return sendAwsError(response, 404, "UnknownOperationException", "Unknown operation");
    const behaviour = queue.shift();
    if (behaviour?.kind === "error")
      return sendAwsError(response, behaviour.status, behaviour.type, behaviour.message, behaviour.headers);
    if (behaviour?.kind === "json") return sendJson(response, behaviour.status ?? 200, behaviour.body);
    if (behaviour?.kind === "stream-events")
      return writeFrames(
        response,
        behaviour.events.map(([type, payload]) => eventFrame(type, payload)),
      );
    try {
      if (isClaude(record.modelId ?? "") && record.operation?.startsWith("invoke") === true)
        return await answerClaudeInvoke(response, record, behaviour);
      if (record.operation !== "invoke") return await answerConverse(response, record, behaviour);
      const answer = embeddingAnswer(record.modelId ?? "", record.body);
      if (answer === undefined)
        return sendAwsError(
          response,
          400,
          "ValidationException",
          "The provided model doesn't support this fake's invoke.",
        );
      return sendJson(response, 200, answer);
    } catch (error) {
      if (!(error instanceof ValidationFailure)) throw error;
      return sendAwsError(response, 400, "ValidationException", error.message);
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendAwsError(response, 500, "InternalServerException", String(error));
      else response.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    region,
    keys,
    requests,
    enqueue: (...behaviours) => queue.push(...behaviours),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
