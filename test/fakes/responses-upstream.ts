/**
 * A fake OpenAI Responses API (`POST /v1/responses`) on 127.0.0.1 with an ephemeral port, for the
 * native path: it answers `"native: " + the last user text` as a response object, or as the
 * documented event sequence with `stream: true`, and records every request. Error statuses can be
 * scripted. Checked against the official `openai` client in responses-upstream.test.ts.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedResponsesRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

export interface FakeResponsesUpstream {
  baseUrl: string;
  requests: RecordedResponsesRequest[];
  /** The next request gets this status and OpenAI's error body. */
  failNext(status: number, message: string): void;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

function lastUserText(input: unknown): string {
  if (typeof input === "string") return input;
  if (!Array.isArray(input)) return "";
  let text = "";
  for (const item of input as Json[]) {
    if (item.role !== "user") continue;
    const content = item.content;
    if (typeof content === "string") text = content;
    else if (Array.isArray(content))
      text = (content as Json[]).map((part) => (typeof part.text === "string" ? part.text : "")).join("");
  }
  return text;
}

function responseObject(body: Json, id: number, status: string, text: string | undefined): Json {
  const words = lastUserText(body.input).split(/\s+/).filter(Boolean).length;
  const output =
    text === undefined
      ? []
      : [
          {
            type: "message",
            id: `msg_native_${id}`,
            status: "completed",
            role: "assistant",
            content: [{ type: "output_text", text, annotations: [], logprobs: [] }],
          },
        ];
  return {
    id: `resp_native_${id}`,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: `${String(body.model)}-2026-01-01`,
    output,
    parallel_tool_calls: true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    store: body.store !== false,
    temperature: 1,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: body.tools ?? [],
    top_p: 1,
    truncation: "disabled",
    ...(text === undefined
      ? {}
      : {
          usage: {
            input_tokens: words,
            input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
            output_tokens: text.split(/\s+/).length,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: words + text.split(/\s+/).length,
          },
        }),
    metadata: body.metadata ?? {},
  };
}

function streamEvents(body: Json, id: number, text: string): Json[] {
  const item = {
    type: "message",
    id: `msg_native_${id}`,
    status: "in_progress",
    role: "assistant",
    content: [],
  };
  const part = { type: "output_text", text: "", annotations: [], logprobs: [] };
  const where = { item_id: item.id, output_index: 0, content_index: 0 };
  const pieces = text.split(/(?<= )/);
  const events: Json[] = [
    { type: "response.created", response: responseObject(body, id, "in_progress", undefined) },
    { type: "response.in_progress", response: responseObject(body, id, "in_progress", undefined) },
    { type: "response.output_item.added", output_index: 0, item },
    { type: "response.content_part.added", ...where, part },
    ...pieces.map((delta) => ({ type: "response.output_text.delta", ...where, delta, logprobs: [] })),
    { type: "response.output_text.done", ...where, text, logprobs: [] },
    { type: "response.content_part.done", ...where, part: { ...part, text } },
    {
      type: "response.output_item.done",
      output_index: 0,
      item: { ...item, status: "completed", content: [{ ...part, text }] },
    },
    { type: "response.completed", response: responseObject(body, id, "completed", text) },
  ];
  return events.map((event, index) => ({ ...event, sequence_number: index }));
}

function readJson(request: IncomingMessage): Promise<Json> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    request.on("data", (part: Buffer) => parts.push(part));
    request.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(parts).toString("utf8")) as Json);
      } catch {
        resolve({});
      }
    });
  });
}

export async function startFakeResponsesUpstream(): Promise<FakeResponsesUpstream> {
  const requests: RecordedResponsesRequest[] = [];
  const failures: { status: number; message: string }[] = [];
  let count = 0;
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? "/", "http://fake").pathname;
    const body = await readJson(request);
    requests.push({ path, headers: request.headers, body });
    const failure = failures.shift();
    if (request.method !== "POST" || path !== "/v1/responses" || failure !== undefined) {
      const status = failure?.status ?? 404;
      response.writeHead(status, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          error: {
            message: failure?.message ?? "Not Found",
            type: "invalid_request_error",
            param: null,
            code: null,
          },
        }),
      );
      return;
    }
    const id = ++count;
    const text = `native: ${lastUserText(body.input)}`;
    if (body.stream !== true) {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(responseObject(body, id, "completed", text)));
      return;
    }
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    for (const event of streamEvents(body, id, text))
      response.write(`event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`);
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    failNext: (status, message) => {
      failures.push({ status, message });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
