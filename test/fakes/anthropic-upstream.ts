/**
 * A fake Anthropic Messages API for tests: a node:http server on 127.0.0.1 (ephemeral port) that
 * serves `POST /v1/messages` as Anthropic documents it: the headers it requires (x-api-key,
 * anthropic-version), the request checks it makes (max_tokens, roles, tool_result ids, no unknown
 * fields), JSON answers and SSE streams (message_start, content_block_*, ping, message_delta,
 * message_stop) and its error bodies. Requests are recorded; scripted behaviours answer in turn,
 * else a deterministic default: a forced or first tool is called, thinking is shown when enabled,
 * otherwise the last user text is echoed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

type Json = Record<string, unknown>;

export interface AnthropicRecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Json;
}

export type AnthropicBehaviour =
  | { kind: "message"; content: Json[]; stop_reason?: string; usage?: Json }
  | { kind: "error"; status: number; type: string; message: string; headers?: Record<string, string> }
  /** A stream that sends some text, then an `error` event (Anthropic's mid-stream failure). */
  | { kind: "stream-error"; text: string; type: string; message: string }
  /** A 200 stream cut before message_stop (the connection ends cleanly). */
  | { kind: "stream-cut"; text: string };

export interface FakeAnthropic {
  /** `http://127.0.0.1:<port>`: the api_base (the SDK's baseURL). */
  url: string;
  requests: AnthropicRecordedRequest[];
  enqueue(...behaviours: AnthropicBehaviour[]): void;
  clear(): void;
  close(): Promise<void>;
}

/** The top-level fields the Messages API takes (and its beta adds); any other is "Extra inputs are not permitted". */
const KNOWN_FIELDS = new Set([
  "model",
  "messages",
  "max_tokens",
  "system",
  "stop_sequences",
  "temperature",
  "top_p",
  "top_k",
  "metadata",
  "tools",
  "tool_choice",
  "thinking",
  "stream",
  "service_tier",
  "container",
  "mcp_servers",
  "context_management",
  // Newer fields of MessageCreateParams in @anthropic-ai/sdk 1.16 (Claude Code sends output_config).
  "cache_control",
  "diagnostics",
  "inference_geo",
  "output_config",
  "speed",
  "user_profile_id",
  "workspace_id",
]);

const isJson = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const blocksOf = (content: unknown): Json[] =>
  typeof content === "string"
    ? [{ type: "text", text: content }]
    : Array.isArray(content)
      ? content.filter(isJson)
      : [];

class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The key as Anthropic takes it: `x-api-key`, or `Authorization: Bearer` (what @anthropic-ai/sdk
 * 1.x sends); any `anthropic-version` is taken (the SDK sends a newer one than 2023-06-01), a
 * missing one is refused.
 */
function checkHeaders(headers: Record<string, string>, apiKey: string | undefined): void {
  const bearer = /^Bearer (.+)$/i.exec(headers.authorization ?? "")?.[1];
  if (apiKey !== undefined && (headers["x-api-key"] ?? bearer) !== apiKey) {
    throw new RequestError(401, "authentication_error", "invalid x-api-key");
  }
  if (headers["anthropic-version"] === undefined) {
    throw new RequestError(400, "invalid_request_error", "anthropic-version: header is required");
  }
}

/** The beta that lets `messages` hold `role: "system"` turns (Claude Code sends it). */
const MID_CONVERSATION_SYSTEM = "mid-conversation-system-";

/** The checks Anthropic makes that a translation can get wrong. */
function checkBody(body: unknown, betas: string): asserts body is Json {
  const systemTurns = betas.split(",").some((beta) => beta.trim().startsWith(MID_CONVERSATION_SYSTEM));
  const invalid = (message: string) => new RequestError(400, "invalid_request_error", message);
  if (!isJson(body)) throw invalid("Invalid JSON body");
  for (const field of Object.keys(body))
    if (!KNOWN_FIELDS.has(field)) throw invalid(`${field}: Extra inputs are not permitted`);
  if (typeof body.model !== "string") throw invalid("model: Field required");
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1)
    throw invalid("max_tokens: Field required");
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw invalid("messages: Field required");
  let pendingToolUses = new Set<string>();
  body.messages.forEach((message: unknown, index: number) => {
    if (!isJson(message)) throw invalid(`messages.${index}: Input should be an object`);
    if (message.role === "system" && systemTurns) return;
    if (message.role !== "user" && message.role !== "assistant") {
      throw invalid(`messages.${index}.role: Input should be 'user' or 'assistant'`);
    }
    const blocks = blocksOf(message.content);
    if (blocks.length === 0) throw invalid(`messages.${index}: all messages must have non-empty content`);
    for (const block of blocks) {
      if (block.type === "text" && block.text === "")
        throw invalid(`messages.${index}: text content blocks must be non-empty`);
      if (block.type === "tool_result" && !pendingToolUses.has(String(block.tool_use_id))) {
        throw invalid(
          `messages.${index}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}`,
        );
      }
    }
    pendingToolUses = new Set(
      blocks.filter((block) => block.type === "tool_use").map((block) => String(block.id)),
    );
  });
  if (
    body.system !== undefined &&
    typeof body.system !== "string" &&
    !blocksOf(body.system).every((block) => block.type === "text")
  ) {
    throw invalid("system: Input should be a valid list of text blocks");
  }
}

/** A value that fits a JSON schema, for a tool's input. */
function exampleOf(schema: unknown): unknown {
  if (!isJson(schema)) return null;
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
      return Object.fromEntries(
        Object.entries(properties).map(([name, property]) => [name, exampleOf(property)]),
      );
    }
  }
}

function lastUserBlocks(body: Json): Json[] {
  const users = (body.messages as Json[]).filter((message) => message.role === "user");
  return blocksOf(users.at(-1)?.content);
}

/** The default answer to a valid request. */
function defaultAnswer(body: Json, sequence: number): { content: Json[]; stop_reason: string } {
  const tools = Array.isArray(body.tools) ? body.tools.filter(isJson) : [];
  const choice = isJson(body.tool_choice) ? body.tool_choice : { type: "auto" };
  const userBlocks = lastUserBlocks(body);
  const text = userBlocks
    .filter((block) => block.type === "text")
    .map((block) => block.text)
    .join(" ");
  const results = userBlocks.filter((block) => block.type === "tool_result");
  const content: Json[] = [];
  if (isJson(body.thinking) && body.thinking.type === "enabled") {
    content.push({ type: "thinking", thinking: `Thinking about: ${text}`, signature: `sig-${sequence}` });
  }
  const forced = choice.type === "tool" ? tools.find((tool) => tool.name === choice.name) : undefined;
  const tool =
    forced ??
    (choice.type === "none" || results.length > 0 ? undefined : tools.find((t) => "input_schema" in t));
  if (tool !== undefined) {
    content.push({
      type: "tool_use",
      id: `toolu_fake_${sequence}`,
      name: tool.name,
      input: exampleOf(tool.input_schema),
    });
    return { content, stop_reason: "tool_use" };
  }
  const answered = results.map((result) => JSON.stringify(result.content)).join(", ");
  content.push({ type: "text", text: results.length > 0 ? `tool results: ${answered}` : `echo: ${text}` });
  return { content, stop_reason: "end_turn" };
}

function sseOf(type: string, data: Json): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** Splits a string in up to three pieces, as a model's deltas come. */
function piecesOf(text: string): string[] {
  const size = Math.max(1, Math.ceil(text.length / 3));
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

function blockEvents(block: Json, index: number): string[] {
  const events: string[] = [];
  const delta = (value: Json) => events.push(sseOf("content_block_delta", { index, delta: value }));
  if (block.type === "text") {
    events.push(sseOf("content_block_start", { index, content_block: { type: "text", text: "" } }));
    for (const piece of piecesOf(String(block.text))) delta({ type: "text_delta", text: piece });
  } else if (block.type === "tool_use") {
    events.push(sseOf("content_block_start", { index, content_block: { ...block, input: {} } }));
    for (const piece of piecesOf(JSON.stringify(block.input)))
      delta({ type: "input_json_delta", partial_json: piece });
  } else if (block.type === "thinking") {
    events.push(sseOf("content_block_start", { index, content_block: { type: "thinking", thinking: "" } }));
    for (const piece of piecesOf(String(block.thinking))) delta({ type: "thinking_delta", thinking: piece });
    delta({ type: "signature_delta", signature: block.signature as string });
  } else {
    events.push(sseOf("content_block_start", { index, content_block: block }));
  }
  events.push(sseOf("content_block_stop", { index }));
  return events;
}

function countTokens(value: unknown): number {
  return Math.max(1, Math.ceil(JSON.stringify(value).length / 4));
}

export async function startFakeAnthropic(options: { apiKey?: string } = {}): Promise<FakeAnthropic> {
  const requests: AnthropicRecordedRequest[] = [];
  const queue: AnthropicBehaviour[] = [];
  const sockets = new Set<Socket>();
  let sequence = 0;

  const sendJson = (
    response: ServerResponse,
    status: number,
    body: Json,
    headers: Record<string, string> = {},
  ) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      "content-type": "application/json",
      "request-id": `req_fake_${sequence}`,
      ...headers,
    });
    response.end(text);
  };
  const sendError = (
    response: ServerResponse,
    status: number,
    type: string,
    message: string,
    headers?: Record<string, string>,
  ) =>
    sendJson(
      response,
      status,
      { type: "error", error: { type, message }, request_id: `req_fake_${sequence}` },
      headers,
    );

  const answer = (body: Json, response: ServerResponse) => {
    const id = `msg_fake_${++sequence}`;
    const behaviour = queue.shift();
    if (behaviour?.kind === "error")
      return sendError(response, behaviour.status, behaviour.type, behaviour.message, behaviour.headers);
    const scripted = behaviour?.kind === "message" ? behaviour : undefined;
    const { content, stop_reason } =
      scripted === undefined
        ? defaultAnswer(body, sequence)
        : { content: scripted.content, stop_reason: scripted.stop_reason ?? "end_turn" };
    const usage = scripted?.usage ?? {
      input_tokens: countTokens(body.messages),
      output_tokens: countTokens(content),
    };
    const message = {
      id,
      type: "message",
      role: "assistant",
      model: body.model,
      content,
      stop_reason,
      stop_sequence: null,
      usage,
    };
    if (body.stream !== true) return sendJson(response, 200, message);
    response.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      "request-id": `req_fake_${sequence}`,
    });
    const start = { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } };
    const events = [sseOf("message_start", { message: start }), sseOf("ping", {})];
    if (behaviour?.kind === "stream-error" || behaviour?.kind === "stream-cut") {
      events.push(...blockEvents({ type: "text", text: behaviour.text }, 0).slice(0, -1));
      if (behaviour.kind === "stream-error")
        events.push(sseOf("error", { error: { type: behaviour.type, message: behaviour.message } }));
    } else {
      for (const [index, block] of content.entries()) events.push(...blockEvents(block, index));
      events.push(
        sseOf("message_delta", {
          delta: { stop_reason, stop_sequence: null },
          usage: { output_tokens: usage.output_tokens },
        }),
      );
      events.push(sseOf("message_stop", {}));
    }
    // One write per event, as Anthropic flushes them.
    const writeNext = (index: number) => {
      if (index >= events.length || response.destroyed) return response.end();
      response.write(events[index], () => setImmediate(() => writeNext(index + 1)));
    };
    writeNext(0);
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const parts: Buffer[] = [];
    request.on("data", (part: Buffer) => parts.push(part));
    request.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers))
        if (typeof value === "string") headers[name] = value;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(parts).toString("utf8"));
      } catch {
        body = undefined;
      }
      const path = (request.url ?? "/").split("?")[0] ?? "/";
      requests.push({ method: request.method ?? "", path, headers, body: isJson(body) ? body : {} });
      try {
        if (request.method !== "POST" || path !== "/v1/messages")
          throw new RequestError(404, "not_found_error", `Not found: ${path}`);
        checkHeaders(headers, options.apiKey);
        checkBody(body, headers["anthropic-beta"] ?? "");
        answer(body, response);
      } catch (error) {
        if (!(error instanceof RequestError)) throw error;
        sendError(response, error.status, error.type, error.message);
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
