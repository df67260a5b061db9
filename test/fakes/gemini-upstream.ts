/**
 * A fake Google upstream for tests: a node:http server on 127.0.0.1 (ephemeral port) speaking the
 * Gemini API (`/v1beta/models/<m>:generateContent`, `:streamGenerateContent?alt=sse`,
 * `:batchEmbedContents`, `:embedContent`, key in `x-goog-api-key` or `?key=`) and Vertex AI
 * (`/v1/projects/<p>/locations/<l>/publishers/google/models/<m>:generateContent`, `:predict`;
 * `publishers/anthropic/...:rawPredict`, `:streamRawPredict`; an OAuth token in `Authorization`).
 * It checks requests as Google does (unknown fields, empty parts, schema fields Gemini refuses),
 * records them, and answers each with the next scripted behaviour, or a default answer.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  batchEmbedAnswer,
  defaultGenerateAnswer,
  generateContentProblem,
  googleError,
  predictAnswer,
  toStreamEvents,
  vectorOf,
} from "./gemini-upstream-answers.js";
import { rawPredictAnswer, rawPredictEvents, rawPredictProblem } from "./vertex-anthropic-answers.js";

type Json = Record<string, unknown>;

export type GoogleBehaviour =
  /** Answers `body` as JSON with `status` (default 200). */
  | { kind: "json"; status?: number; body: unknown; headers?: Record<string, string> }
  /** Answers Google's error body. */
  | {
      kind: "error";
      status: number;
      statusName: string;
      message: string;
      details?: unknown[];
      headers?: Record<string, string>;
    }
  /** Answers an SSE stream of these events (`data: <json>\r\n\r\n`), `delayMs` apart; `dieAfter` drops the connection. */
  | { kind: "sse"; events: (Json | { event: string; data: Json })[]; delayMs?: number; dieAfter?: number }
  /** The route's default answer. */
  | { kind: "default" };

export interface RecordedGoogleRequest {
  method: string;
  path: string;
  /** The query string with its "?", or "". */
  query: string;
  headers: Record<string, string>;
  body: unknown;
  api: "gemini" | "vertex";
  /** `generateContent`, `streamGenerateContent`, `batchEmbedContents`, `predict`, `rawPredict`... */
  action: string;
  model: string;
  publisher?: string;
  project?: string;
  location?: string;
}

export interface FakeGoogleUpstreamOptions {
  /** Gemini API: the key requests must carry; undefined accepts any. */
  apiKey?: string;
  /** Vertex AI: whether a bearer token is valid; undefined accepts any. */
  isTokenValid?: (token: string) => boolean;
}

export interface FakeGoogleUpstream {
  /** "http://127.0.0.1:PORT", the api_base of both APIs. */
  baseUrl: string;
  requests: RecordedGoogleRequest[];
  /** Behaviours for the next requests, in order. */
  enqueue(...behaviours: GoogleBehaviour[]): void;
  close(): Promise<void>;
}

const GEMINI_PATH = /^\/(v1|v1beta|v1alpha)\/models\/([^/:]+):([A-Za-z]+)$/;
const VERTEX_PATH =
  /^\/(v1|v1beta1)\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/([^/]+)\/models\/([^/:]+):([A-Za-z]+)$/;

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=UTF-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

function route(
  path: string,
): Omit<RecordedGoogleRequest, "method" | "path" | "query" | "headers" | "body"> | undefined {
  const gemini = GEMINI_PATH.exec(path);
  if (gemini !== null)
    return { api: "gemini", model: decodeURIComponent(gemini[2] ?? ""), action: gemini[3] ?? "" };
  const vertex = VERTEX_PATH.exec(path);
  if (vertex === null) return undefined;
  return {
    api: "vertex",
    project: vertex[2],
    location: vertex[3],
    publisher: vertex[4],
    model: decodeURIComponent(vertex[5] ?? ""),
    action: vertex[6] ?? "",
  };
}

/** Google's refusal of a request without valid credentials, or undefined. */
function authProblem(
  record: RecordedGoogleRequest,
  options: FakeGoogleUpstreamOptions,
): { status: number; body: Json } | undefined {
  if (record.api === "gemini") {
    const key = record.headers["x-goog-api-key"] ?? new URLSearchParams(record.query).get("key") ?? undefined;
    if (key === undefined) {
      const message =
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.";
      return { status: 403, body: googleError(403, "PERMISSION_DENIED", message) };
    }
    if (options.apiKey !== undefined && key !== options.apiKey) {
      const details = [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "API_KEY_INVALID",
          domain: "googleapis.com",
        },
      ];
      return {
        status: 400,
        body: googleError(
          400,
          "INVALID_ARGUMENT",
          "API key not valid. Please pass a valid API key.",
          details,
        ),
      };
    }
    return undefined;
  }
  const token = /^Bearer (.+)$/.exec(record.headers.authorization ?? "")?.[1];
  if (token === undefined || (options.isTokenValid !== undefined && !options.isTokenValid(token))) {
    const message =
      "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.";
    return { status: 401, body: googleError(401, "UNAUTHENTICATED", message) };
  }
  return undefined;
}

export async function startFakeGoogleUpstream(
  options: FakeGoogleUpstreamOptions = {},
): Promise<FakeGoogleUpstream> {
  const requests: RecordedGoogleRequest[] = [];
  const queue: GoogleBehaviour[] = [];
  const sockets = new Set<Socket>();
  let sequence = 0;

  const sendEvents = async (
    response: ServerResponse,
    behaviour: Extract<GoogleBehaviour, { kind: "sse" }>,
  ) => {
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    response.flushHeaders();
    for (const [index, event] of behaviour.events.entries()) {
      if (behaviour.dieAfter !== undefined && index >= behaviour.dieAfter) {
        response.socket?.destroy();
        return;
      }
      if (index > 0 && behaviour.delayMs !== undefined)
        await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
      if (response.destroyed) return;
      const text =
        "event" in event && typeof event.event === "string"
          ? `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`
          : `data: ${JSON.stringify(event)}\r\n\r\n`;
      response.write(text);
    }
    response.end();
  };

  const answerDefault = (response: ServerResponse, record: RecordedGoogleRequest): Promise<void> | void => {
    const body = record.body as Json;
    const id = ++sequence;
    switch (record.action) {
      case "generateContent":
      case "streamGenerateContent": {
        const problem = generateContentProblem(body);
        if (problem !== undefined) return sendJson(response, 400, problem);
        const answer = defaultGenerateAnswer(body, record.model, id);
        if (record.action === "generateContent") return sendJson(response, 200, answer);
        return sendEvents(response, { kind: "sse", events: toStreamEvents(answer) });
      }
      case "batchEmbedContents": {
        const answer = batchEmbedAnswer(body);
        return sendJson(
          response,
          answer === undefined ? 400 : 200,
          answer ?? googleError(400, "INVALID_ARGUMENT", "requests is required"),
        );
      }
      case "embedContent": {
        const parts = (body.content as { parts?: { text?: string }[] } | undefined)?.parts ?? [];
        return sendJson(response, 200, {
          embedding: { values: vectorOf(parts.map((part) => part.text ?? "").join(" "), 8) },
        });
      }
      case "predict": {
        const answer = predictAnswer(body);
        return sendJson(
          response,
          answer === undefined ? 400 : 200,
          answer ?? googleError(400, "INVALID_ARGUMENT", "instances is required"),
        );
      }
      case "rawPredict":
      case "streamRawPredict": {
        const problem = rawPredictProblem(body);
        if (problem !== undefined) return sendJson(response, 400, problem);
        const message = rawPredictAnswer(body, record.model, id);
        if (record.action === "rawPredict") return sendJson(response, 200, message);
        return sendEvents(response, { kind: "sse", events: rawPredictEvents(message) });
      }
      default:
        return sendJson(response, 404, googleError(404, "NOT_FOUND", `Method ${record.action} not found`));
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const rawBody = await readBody(request);
    const where = route(url.pathname);
    if (request.method !== "POST" || where === undefined) {
      return sendJson(
        response,
        404,
        googleError(404, "NOT_FOUND", `The requested URL ${url.pathname} was not found on this server.`),
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      return sendJson(response, 400, googleError(400, "INVALID_ARGUMENT", "Invalid JSON payload received."));
    }
    const record: RecordedGoogleRequest = {
      method: request.method,
      path: url.pathname,
      query: url.search,
      headers: headersOf(request),
      body,
      ...where,
    };
    requests.push(record);
    const refused = authProblem(record, options);
    if (refused !== undefined) return sendJson(response, refused.status, refused.body);
    const isStream = record.action.startsWith("stream");
    if (isStream && record.api === "gemini" && url.searchParams.get("alt") !== "sse") {
      return sendJson(
        response,
        400,
        googleError(400, "INVALID_ARGUMENT", "this fake streams only with alt=sse"),
      );
    }
    const behaviour = queue.shift() ?? { kind: "default" };
    switch (behaviour.kind) {
      case "json":
        return sendJson(response, behaviour.status ?? 200, behaviour.body, behaviour.headers);
      case "error":
        return sendJson(
          response,
          behaviour.status,
          googleError(behaviour.status, behaviour.statusName, behaviour.message, behaviour.details),
          behaviour.headers,
        );
      case "sse":
        return sendEvents(response, behaviour);
      case "default":
        return answerDefault(response, record);
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, googleError(500, "INTERNAL", String(error)));
      else response.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...behaviours) => queue.push(...behaviours),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
