/**
 * A fake OpenAI-compatible upstream for tests: a node:http server on 127.0.0.1 with an ephemeral port.
 * It serves only under its prefix (default "/v1"), records every request, and answers each one with
 * the next scripted behaviour, or the default behaviour when the script is empty.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  chatCompletionAnswer,
  chatCompletionChunks,
  embeddingsAnswer,
  errorBody,
  modelsAnswer,
  textCompletionAnswer,
  textCompletionChunks,
} from "./upstream-answers.js";
import type {
  Behaviour,
  FakeUpstream,
  FakeUpstreamOptions,
  Headers,
  RecordedRequest,
} from "./upstream-types.js";

export type {
  Behaviour,
  FakeUpstream,
  FakeUpstreamOptions,
  Headers,
  RecordedRequest,
} from "./upstream-types.js";

type Route = "chat" | "completions" | "embeddings" | "models";

interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  record: RecordedRequest;
  route: Route;
  isDestroyedByServer: boolean;
}

const routes: Record<string, Route> = {
  "POST /chat/completions": "chat",
  "POST /completions": "completions",
  "POST /embeddings": "embeddings",
  "GET /models": "models",
};

function normalizeHeaders(raw: IncomingMessage["headers"]): Headers {
  const headers: Headers = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

function parseBody(rawBody: string): unknown {
  if (rawBody === "") return undefined;
  try {
    return JSON.parse(rawBody);
  } catch {
    return rawBody;
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    request.on("data", (part: Buffer) => parts.push(part));
    const finish = () => resolve(Buffer.concat(parts).toString("utf8"));
    request.on("end", finish);
    request.on("close", finish);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Headers = {}): void {
  if (response.destroyed) return;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

function write(response: ServerResponse, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (response.destroyed) resolve();
    else response.write(text, () => resolve());
  });
}

function frame(chunk: object | string): string {
  return typeof chunk === "string" ? chunk : `data: ${JSON.stringify(chunk)}\n\n`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function poll(isDone: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (isDone()) resolve();
      else if (Date.now() > deadline) reject(new Error(`fake upstream: timed out waiting for ${describe()}`));
      else setTimeout(check, 5);
    };
    check();
  });
}

export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const prefix = (options.prefix ?? "/v1").replace(/\/+$/, "");
  const models = options.models ?? ["fake-model"];
  const requests: RecordedRequest[] = [];
  const aborted: RecordedRequest[] = [];
  const queue: Behaviour[] = [];
  let defaultBehaviour: Behaviour = { kind: "default" };
  let sequence = 0;
  let isClosing = false;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  /** A delay that close() cancels, so nothing outlives the server. */
  const sleep = (milliseconds: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, milliseconds);
      timers.add(timer);
    });

  const destroySocket = (exchange: Exchange, isReset: boolean) => {
    exchange.isDestroyedByServer = true;
    const socket = exchange.request.socket;
    if (isReset && typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
    else socket.destroy();
  };

  const sendDefault = (exchange: Exchange) => {
    const { response, record, route } = exchange;
    const context = { sequence: ++sequence, created: Math.floor(Date.now() / 1000) };
    if (route === "models") return sendJson(response, 200, modelsAnswer(models, context.created));
    if (!isObject(record.body)) {
      const message = "We could not parse the JSON body of your request.";
      return sendJson(response, 400, errorBody(400, message));
    }
    const body = record.body;
    if (route === "embeddings") return sendJson(response, 200, embeddingsAnswer(body));
    const isChat = route === "chat";
    if (body.stream === true) {
      const chunks = isChat ? chatCompletionChunks(body, context) : textCompletionChunks(body, context);
      return sendStream(exchange, { kind: "stream", chunks });
    }
    return sendJson(
      response,
      200,
      isChat ? chatCompletionAnswer(body, context) : textCompletionAnswer(body, context),
    );
  };

  const sendStream = async (exchange: Exchange, behaviour: Extract<Behaviour, { kind: "stream" }>) => {
    const { response } = exchange;
    if (response.destroyed) return;
    response.writeHead(behaviour.status ?? 200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
      ...behaviour.headers,
    });
    response.flushHeaders();
    if (behaviour.dieAfter === 0) return destroySocket(exchange, false);
    for (const [index, chunk] of behaviour.chunks.entries()) {
      if (index > 0 && behaviour.delayMs !== undefined) await sleep(behaviour.delayMs);
      if (index === 0 && behaviour.firstDelayMs !== undefined) await sleep(behaviour.firstDelayMs);
      if (response.destroyed) return;
      await write(response, frame(chunk));
      if (behaviour.dieAfter !== undefined && index + 1 >= behaviour.dieAfter)
        return destroySocket(exchange, false);
    }
    if (behaviour.done !== false) await write(response, "data: [DONE]\n\n");
    response.end();
  };

  const perform = async (exchange: Exchange, behaviour: Behaviour): Promise<void> => {
    switch (behaviour.kind) {
      case "default":
        return sendDefault(exchange);
      case "json":
        if (behaviour.delayMs !== undefined) await sleep(behaviour.delayMs);
        return sendJson(exchange.response, behaviour.status ?? 200, behaviour.body, behaviour.headers);
      case "error":
        return sendJson(
          exchange.response,
          behaviour.status,
          behaviour.body ?? errorBody(behaviour.status),
          behaviour.headers,
        );
      case "stream":
        return sendStream(exchange, behaviour);
      case "hang":
        return;
      case "slow-first-byte":
        await sleep(behaviour.delayMs);
        return sendDefault(exchange);
      case "reset":
        return destroySocket(exchange, true);
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://fake");
    const method = request.method ?? "GET";
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: url.search,
      headers: normalizeHeaders(request.headers),
      body: undefined,
      rawBody: "",
      receivedAt: Date.now(),
    };
    const exchange: Exchange = { request, response, record, route: "models", isDestroyedByServer: false };
    response.on("close", () => {
      if (response.writableFinished || exchange.isDestroyedByServer || isClosing) return;
      record.abortedAt = Date.now();
      aborted.push(record);
    });
    record.rawBody = await readBody(request);
    record.body = parseBody(record.rawBody);
    requests.push(record);

    const inPrefix = url.pathname.startsWith(`${prefix}/`) ? url.pathname.slice(prefix.length) : undefined;
    const route = inPrefix === undefined ? undefined : routes[`${method} ${inPrefix.replace(/\/+$/, "")}`];
    if (route === undefined) return sendJson(response, 404, errorBody(404, "Not Found"));
    exchange.route = route;
    if (options.apiKey !== undefined && record.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendJson(response, 401, errorBody(401));
    }
    await perform(exchange, queue.shift() ?? defaultBehaviour);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, errorBody(500, String(error)));
      else response.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  let closed: Promise<void> | undefined;

  return {
    url,
    baseUrl: url + prefix,
    port,
    requests,
    aborted,
    script: (...behaviours) => {
      queue.push(...behaviours);
    },
    setDefault: (behaviour) => {
      defaultBehaviour = behaviour;
    },
    clear: () => {
      requests.length = 0;
      aborted.length = 0;
      queue.length = 0;
    },
    waitForRequests: (count, timeoutMs = 5000) =>
      poll(
        () => requests.length >= count,
        timeoutMs,
        () => `${count} request(s), got ${requests.length}`,
      ),
    waitForAborted: (count, timeoutMs = 5000) =>
      poll(
        () => aborted.length >= count,
        timeoutMs,
        () => `${count} aborted request(s), got ${aborted.length}`,
      ),
    close: () => {
      if (closed !== undefined) return closed;
      isClosing = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      closed = new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}
