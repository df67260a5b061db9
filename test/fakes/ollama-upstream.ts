/**
 * A fake Ollama server for tests: a node:http server on 127.0.0.1 (ephemeral port) that serves
 * `POST /api/chat`, `/api/generate` and `/api/embed` as Ollama documents them (docs/api.md): it
 * streams unless `stream: false` is sent, as NDJSON (one JSON object a line, the last with
 * `done: true`, `done_reason` and the eval counts), answers unknown models with 404
 * `{"error": "model \"x\" not found, try pulling it first"}`, bad requests with 400, and unknown
 * routes with a plain-text "404 page not found". Requests are recorded; scripted behaviours answer
 * in turn, else a deterministic default: the first tool is called when tools are offered and the
 * last message is the user's, tool results are acknowledged, thinking is shown when `think` is on,
 * `format` gets JSON, otherwise the last user text is echoed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

type Json = Record<string, unknown>;

export interface OllamaRecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Json;
}

export type OllamaBehaviour =
  | { kind: "error"; status: number; message: string; headers?: Record<string, string> }
  /** A 200 stream that sends some text, then an `{"error": ...}` line (a runner failure). */
  | { kind: "stream-error"; text: string; message: string }
  /** A 200 stream cut before its done line (the connection ends cleanly). */
  | { kind: "stream-cut"; text: string }
  /** This answer, with this done_reason. */
  | { kind: "answer"; content: string; thinking?: string; toolCalls?: Json[]; doneReason?: string };

export interface FakeOllama {
  /** `http://127.0.0.1:<port>`: the api_base (the ollama SDK's host). */
  url: string;
  requests: OllamaRecordedRequest[];
  enqueue(...behaviours: OllamaBehaviour[]): void;
  clear(): void;
  close(): Promise<void>;
}

export interface FakeOllamaOptions {
  /** Models the server has pulled (a `:latest` tag is implied); default llama3.2, qwen3, all-minilm, llava. */
  models?: string[];
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (hosted Ollama). */
  apiKey?: string;
}

const DEFAULT_MODELS = ["llama3.2", "qwen3", "all-minilm", "llava", "gpt-oss:20b"];
const DIMENSIONS = 4;

class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const isJson = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function countTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** A value that fits a JSON schema, for a tool's arguments or a `format` schema. */
function exampleOf(schema: unknown): unknown {
  if (!isJson(schema)) return {};
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  switch (schema.type) {
    case "string":
      return "example";
    case "number":
    case "integer":
      return 1;
    case "boolean":
      return true;
    case "array":
      return [exampleOf(schema.items)];
    default: {
      const properties = isJson(schema.properties) ? schema.properties : {};
      return Object.fromEntries(Object.entries(properties).map(([name, value]) => [name, exampleOf(value)]));
    }
  }
}

function checkModel(body: Json, models: string[]): string {
  if (typeof body.model !== "string" || body.model === "") throw new RequestError(400, "model is required");
  const name = body.model.includes(":") ? body.model : `${body.model}:latest`;
  const known = models.map((model) => (model.includes(":") ? model : `${model}:latest`));
  if (!known.includes(name))
    throw new RequestError(404, `model "${body.model}" not found, try pulling it first`);
  return body.model;
}

function checkMessages(body: Json): Json[] {
  if (body.messages === undefined) return [];
  if (!Array.isArray(body.messages)) throw new RequestError(400, "messages must be an array");
  for (const message of body.messages) {
    if (!isJson(message) || typeof message.role !== "string")
      throw new RequestError(400, "json: cannot unmarshal messages: role is required");
    if (message.content !== undefined && typeof message.content !== "string")
      throw new RequestError(
        400,
        "json: cannot unmarshal array into Go struct field Message.messages.content of type string",
      );
    if (
      message.images !== undefined &&
      (!Array.isArray(message.images) ||
        message.images.some((image) => typeof image !== "string" || image.startsWith("data:")))
    )
      throw new RequestError(400, "illegal base64 data at input byte 4");
    for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
      if (!isJson(call) || !isJson(call.function) || !isJson(call.function.arguments))
        throw new RequestError(
          400,
          "json: cannot unmarshal string into Go struct field ToolCallFunction.arguments",
        );
    }
  }
  return body.messages as Json[];
}

interface Answer {
  content: string;
  thinking: string;
  toolCalls: Json[];
  doneReason: string;
}

/** The default answer to a valid /api/chat or /api/generate request. */
function defaultAnswer(body: Json, messages: Json[], sequence: number): Answer {
  const last = messages.at(-1);
  const userText =
    typeof body.prompt === "string"
      ? body.prompt
      : String(messages.filter((message) => message.role === "user").at(-1)?.content ?? "");
  const thinking = body.think === true || typeof body.think === "string" ? `Thinking about: ${userText}` : "";
  const tools = Array.isArray(body.tools) ? body.tools.filter(isJson) : [];
  const tool = tools[0];
  if (tool !== undefined && last?.role === "user" && isJson(tool.function)) {
    const call = {
      id: `call_fake_${sequence}`,
      function: { index: 0, name: tool.function.name, arguments: exampleOf(tool.function.parameters) },
    };
    return { content: "", thinking, toolCalls: [call], doneReason: "stop" };
  }
  if (last?.role === "tool") {
    const results = messages.filter((message) => message.role === "tool");
    const text = results
      .map((message) => `${String(message.tool_name ?? "?")}=${String(message.content)}`)
      .join(", ");
    return { content: `tool results: ${text}`, thinking, toolCalls: [], doneReason: "stop" };
  }
  if (body.format !== undefined) {
    const content = JSON.stringify(isJson(body.format) ? exampleOf(body.format) : { echo: userText });
    return { content, thinking, toolCalls: [], doneReason: "stop" };
  }
  const limit =
    isJson(body.options) && typeof body.options.num_predict === "number"
      ? body.options.num_predict
      : undefined;
  const echo = `echo: ${userText}`;
  if (limit !== undefined && countTokens(echo) > limit)
    return { content: echo.slice(0, limit * 4), thinking, toolCalls: [], doneReason: "length" };
  return { content: echo, thinking, toolCalls: [], doneReason: "stop" };
}

/** Splits a string in up to three pieces, as a model's tokens come. */
function piecesOf(text: string): string[] {
  if (text === "") return [];
  const characters = [...text];
  const size = Math.max(1, Math.ceil(characters.length / 3));
  const pieces: string[] = [];
  for (let start = 0; start < characters.length; start += size)
    pieces.push(characters.slice(start, start + size).join(""));
  return pieces;
}

export async function startFakeOllama(options: FakeOllamaOptions = {}): Promise<FakeOllama> {
  const models = options.models ?? DEFAULT_MODELS;
  const requests: OllamaRecordedRequest[] = [];
  const queue: OllamaBehaviour[] = [];
  const sockets = new Set<Socket>();
  let sequence = 0;

  const sendJson = (
    response: ServerResponse,
    status: number,
    body: Json,
    headers: Record<string, string> = {},
  ) => {
    response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    response.end(JSON.stringify(body));
  };

  /** One line of /api/chat (`message`) or /api/generate (`response`). */
  const lineOf = (
    path: string,
    model: string,
    part: { content?: string; thinking?: string; toolCalls?: Json[] },
    final?: Json,
  ): Json => {
    const head = { model, created_at: new Date().toISOString() };
    const payload =
      path === "/api/chat"
        ? {
            message: {
              role: "assistant",
              content: part.content ?? "",
              ...(part.thinking ? { thinking: part.thinking } : {}),
              ...(part.toolCalls?.length ? { tool_calls: part.toolCalls } : {}),
            },
          }
        : { response: part.content ?? "", ...(part.thinking ? { thinking: part.thinking } : {}) };
    return { ...head, ...payload, done: final !== undefined, ...final };
  };

  const answer = (path: string, body: Json, response: ServerResponse) => {
    const model = checkModel(body, models);
    const messages = checkMessages(body);
    if (path === "/api/generate" && typeof body.prompt !== "string")
      throw new RequestError(400, "prompt is required");
    sequence++;
    const behaviour = queue.shift();
    if (behaviour?.kind === "error")
      return sendJson(response, behaviour.status, { error: behaviour.message }, behaviour.headers);
    const result =
      behaviour?.kind === "answer"
        ? {
            content: behaviour.content,
            thinking: behaviour.thinking ?? "",
            toolCalls: behaviour.toolCalls ?? [],
            doneReason: behaviour.doneReason ?? "stop",
          }
        : defaultAnswer(body, messages, sequence);
    const promptTokens = countTokens(JSON.stringify(body.messages ?? body.prompt));
    const evalTokens = countTokens(result.content + result.thinking + JSON.stringify(result.toolCalls));
    const final = {
      done_reason: result.doneReason,
      total_duration: 1_000_000,
      load_duration: 1000,
      prompt_eval_count: promptTokens,
      prompt_eval_duration: 1000,
      eval_count: evalTokens,
      eval_duration: 1000,
    };
    if (body.stream === false) {
      return sendJson(
        response,
        200,
        lineOf(path, model, result, path === "/api/generate" ? { ...final, context: [1, 2, 3] } : final),
      );
    }
    response.writeHead(200, { "content-type": "application/x-ndjson" });
    const lines: Json[] = [];
    if (behaviour?.kind === "stream-error" || behaviour?.kind === "stream-cut") {
      for (const piece of piecesOf(behaviour.text)) lines.push(lineOf(path, model, { content: piece }));
      if (behaviour.kind === "stream-error") lines.push({ error: behaviour.message });
    } else {
      for (const piece of piecesOf(result.thinking)) lines.push(lineOf(path, model, { thinking: piece }));
      for (const piece of piecesOf(result.content)) lines.push(lineOf(path, model, { content: piece }));
      // Ollama sends each tool call whole, in a line of its own.
      if (result.toolCalls.length > 0) lines.push(lineOf(path, model, { toolCalls: result.toolCalls }));
      lines.push(lineOf(path, model, {}, final));
    }
    // One write per line, as Ollama flushes them.
    const writeNext = (index: number) => {
      if (index >= lines.length || response.destroyed) return response.end();
      response.write(`${JSON.stringify(lines[index])}\n`, () => setImmediate(() => writeNext(index + 1)));
    };
    writeNext(0);
  };

  const embed = (body: Json, response: ServerResponse) => {
    const model = checkModel(body, models);
    const inputs = typeof body.input === "string" ? [body.input] : body.input;
    if (!Array.isArray(inputs) || inputs.some((input) => typeof input !== "string"))
      throw new RequestError(400, "invalid input type");
    const queued = queue[0]?.kind === "error" ? queue.shift() : undefined;
    if (queued?.kind === "error") return sendJson(response, queued.status, { error: queued.message });
    const dimensions = typeof body.dimensions === "number" ? body.dimensions : DIMENSIONS;
    const embeddings = (inputs as string[]).map((input) =>
      Array.from({ length: dimensions }, (_, index) => Number(((input.length + index) / 100).toFixed(4))),
    );
    const tokens = (inputs as string[]).reduce((sum, input) => sum + countTokens(input), 0);
    sendJson(response, 200, {
      model,
      embeddings,
      total_duration: 1000,
      load_duration: 100,
      prompt_eval_count: tokens,
    });
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const parts: Buffer[] = [];
    request.on("data", (part: Buffer) => parts.push(part));
    request.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers))
        if (typeof value === "string") headers[name] = value;
      const text = Buffer.concat(parts).toString("utf8");
      let body: unknown;
      try {
        body = text === "" ? {} : JSON.parse(text);
      } catch {
        body = undefined;
      }
      const path = (request.url ?? "/").split("?")[0] ?? "/";
      requests.push({ method: request.method ?? "", path, headers, body: isJson(body) ? body : {} });
      try {
        if (options.apiKey !== undefined && headers.authorization !== `Bearer ${options.apiKey}`)
          throw new RequestError(401, "unauthorized");
        const isKnown =
          request.method === "POST" && ["/api/chat", "/api/generate", "/api/embed"].includes(path);
        if (!isKnown) {
          response.writeHead(404, { "content-type": "text/plain" });
          return response.end("404 page not found");
        }
        if (!isJson(body)) throw new RequestError(400, "invalid character in JSON body");
        if (path === "/api/embed") return embed(body, response);
        answer(path, body, response);
      } catch (error) {
        if (!(error instanceof RequestError)) throw error;
        sendJson(response, error.status, { error: error.message });
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...behaviours) => queue.push(...behaviours),
    clear: () => {
      requests.length = 0;
      queue.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
