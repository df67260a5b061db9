// A fast OpenAI-compatible upstream for the bench, in its own process: every answer is precomputed
// bytes, so the upstream costs as little as a Node server can. Usage: node bench/upstream.mjs [port]
// (0 or nothing picks a free port); prints "ready PORT" once listening.
import { createServer } from "node:http";

const port = Number(process.argv[2] ?? 0);
const embeddingDimensions = Number(process.env.BENCH_EMBEDDING_DIMENSIONS ?? 1536);
const created = Math.floor(Date.now() / 1000);
const model = "bench-model";
const content = "This is a fixed answer from the bench upstream, about ten words.";

const chatJson = Buffer.from(
  JSON.stringify({
    id: "chatcmpl-bench",
    object: "chat.completion",
    created,
    model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content, refusal: null },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: { prompt_tokens: 12, completion_tokens: 10, total_tokens: 22 },
  }),
);

/** @param {Record<string, unknown>} delta @param {string | null} finishReason */
function chunk(delta, finishReason) {
  const body = {
    id: "chatcmpl-bench",
    object: "chat.completion.chunk",
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
  return Buffer.from(`data: ${JSON.stringify(body)}\n\n`);
}

// A role chunk, 10 content chunks, a finish chunk, a usage chunk, [DONE]: written one by one, no delays.
const words = content.split(" ");
const pieces = Array.from({ length: 10 }, (_, index) => `${words[index] ?? ""} `);
const streamChunks = [
  chunk({ role: "assistant", content: "" }, null),
  ...pieces.map((piece) => chunk({ content: piece }, null)),
  chunk({}, "stop"),
  Buffer.from(
    `data: ${JSON.stringify({
      id: "chatcmpl-bench",
      object: "chat.completion.chunk",
      created,
      model,
      choices: [],
      usage: { prompt_tokens: 12, completion_tokens: 10, total_tokens: 22 },
    })}\n\n`,
  ),
  Buffer.from("data: [DONE]\n\n"),
];

const embedding = Array.from(
  { length: embeddingDimensions },
  (_, index) => Math.round(Math.sin(index) * 1e6) / 1e6,
);
const embeddingsJson = Buffer.from(
  JSON.stringify({
    object: "list",
    data: [{ object: "embedding", index: 0, embedding }],
    model,
    usage: { prompt_tokens: 8, total_tokens: 8 },
  }),
);

// Anthropic's Messages API, for the translated path (`anthropic/` deployments): the same answer.
const messageJson = Buffer.from(
  JSON.stringify({
    id: "msg_bench",
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text: content }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 10 },
  }),
);
/** @param {string} type @param {Record<string, unknown>} data */
function event(type, data) {
  return Buffer.from(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
}
const messageEvents = [
  event("message_start", {
    message: {
      id: "msg_bench",
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 1 },
    },
  }),
  event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
  ...pieces.map((piece) =>
    event("content_block_delta", { index: 0, delta: { type: "text_delta", text: piece } }),
  ),
  event("content_block_stop", { index: 0 }),
  event("message_delta", {
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: { output_tokens: 10 },
  }),
  event("message_stop", {}),
];

const notFound = Buffer.from(
  JSON.stringify({ error: { message: "Not Found", type: "invalid_request_error", param: null, code: null } }),
);
const streamPattern = /"stream"\s*:\s*true/;

/** @param {import("node:http").ServerResponse} response @param {number} status @param {Buffer} body */
function sendJson(response, status, body) {
  response.writeHead(status, { "content-type": "application/json", "content-length": body.length });
  response.end(body);
}

const server = createServer((request, response) => {
  /** @type {Buffer[]} */
  const parts = [];
  request.on("data", (part) => parts.push(part));
  request.on("end", () => {
    if (request.method === "POST" && request.url === "/v1/chat/completions") {
      if (!streamPattern.test(Buffer.concat(parts).toString("latin1")))
        return sendJson(response, 200, chatJson);
      response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      for (const part of streamChunks) response.write(part);
      return response.end();
    }
    if (request.method === "POST" && request.url === "/v1/embeddings")
      return sendJson(response, 200, embeddingsJson);
    if (request.method === "POST" && request.url === "/v1/messages") {
      if (!streamPattern.test(Buffer.concat(parts).toString("latin1")))
        return sendJson(response, 200, messageJson);
      response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      for (const part of messageEvents) response.write(part);
      return response.end();
    }
    sendJson(response, 404, notFound);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  console.log(`ready ${typeof address === "object" && address !== null ? address.port : port}`);
});
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
