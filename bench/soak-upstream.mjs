// The soak's upstream: OpenAI-compatible, with faults injected at random (FAULT_RATE of the calls):
// 500 and 429 bursts, a reset before the answer, a hang, a slow first byte, a stream cut half way,
// a stream that stops sending, an answer larger than the proxy's max_response_size_mb (the soak sets
// 1 MB). Runs in the soak's own process: it measures losses, not speed.
import { createServer } from "node:http";

const content = "A soak answer of about ten words, the same every time.";

/** @param {number} index @param {boolean} isLast */
function chunk(index, isLast) {
  return `data: ${JSON.stringify({
    id: "chatcmpl-soak",
    object: "chat.completion.chunk",
    created: 1,
    model: "soak",
    choices: [
      {
        index: 0,
        delta: index === 0 ? { role: "assistant", content: "" } : { content: "w " },
        finish_reason: isLast ? "stop" : null,
      },
    ],
  })}\n\n`;
}

const usageChunk = `data: ${JSON.stringify({ id: "chatcmpl-soak", object: "chat.completion.chunk", created: 1, model: "soak", choices: [], usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 } })}\n\n`;

const chatAnswer = JSON.stringify({
  id: "chatcmpl-soak",
  object: "chat.completion",
  created: 1,
  model: "soak",
  choices: [
    {
      index: 0,
      message: { role: "assistant", content, refusal: null },
      logprobs: null,
      finish_reason: "stop",
    },
  ],
  usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
});

/** @param {unknown} input */
function embeddingAnswer(input) {
  const items = Array.isArray(input) ? input : [input];
  return JSON.stringify({
    object: "list",
    model: "soak",
    data: items.map((_, index) => ({ object: "embedding", index, embedding: [0.1, 0.2, 0.3, 0.4] })),
    usage: { prompt_tokens: items.length * 4, total_tokens: items.length * 4 },
  });
}

export const FAULTS = [
  "500",
  "429",
  "reset",
  "hang",
  "slow-first-byte",
  "stream-cut",
  "stream-stall",
  "oversize",
];

/** An answer of 2 MB, twice the soak's max_response_size_mb. */
const oversizeAnswer = JSON.stringify({ ...JSON.parse(chatAnswer), padding: "x".repeat(2 * 1024 * 1024) });

/**
 * Starts the upstream on a free loopback port. `faultRate` of the calls get one fault, chosen at
 * random; `counts` tells how many of each were served.
 * @param {{ faultRate: number, fault?: string, random?: () => number }} options  `fault`: only that one
 */
export async function startSoakUpstream(options) {
  const random = options.random ?? Math.random;
  /** @type {Record<string, number>} */
  const counts = { ok: 0 };
  for (const fault of FAULTS) counts[fault] = 0;
  const server = createServer((request, response) => {
    let text = "";
    request.setEncoding("utf8");
    request.on("data", (piece) => {
      text += piece;
    });
    request.on("end", () => {
      /** @type {{ stream?: boolean, input?: unknown }} */
      let body = {};
      try {
        body = JSON.parse(text);
      } catch {}
      const fault =
        random() < options.faultRate
          ? (options.fault ?? FAULTS[Math.floor(random() * FAULTS.length)])
          : undefined;
      const isStream = body.stream === true;
      const kind = fault === undefined || (!isStream && fault.startsWith("stream")) ? "ok" : fault;
      counts[kind] = (counts[kind] ?? 0) + 1;
      answer(kind, request, response, isStream, body);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    counts,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}

/**
 * @param {string} kind @param {import("node:http").IncomingMessage} request
 * @param {import("node:http").ServerResponse} response @param {boolean} isStream
 * @param {{ input?: unknown }} body
 */
function answer(kind, request, response, isStream, body) {
  const json = (status, text, headers = {}) => {
    response.writeHead(status, { "content-type": "application/json", ...headers });
    response.end(text);
  };
  if (kind === "500")
    return json(500, JSON.stringify({ error: { message: "soak: upstream failure", type: "server_error" } }));
  if (kind === "429")
    return json(429, JSON.stringify({ error: { message: "soak: slow down", type: "rate_limit_error" } }), {
      "retry-after": "1",
    });
  if (kind === "reset") return request.socket.resetAndDestroy();
  if (kind === "hang") return; // the proxy's timeout ends it
  if (kind === "oversize" && !isStream) return json(200, oversizeAnswer);
  const isEmbeddings = (request.url ?? "").endsWith("/embeddings");
  const send = () => {
    if (isEmbeddings) return json(200, embeddingAnswer(body.input));
    if (!isStream) return json(200, chatAnswer);
    response.writeHead(200, { "content-type": "text/event-stream" });
    streamChunks(kind, response);
  };
  if (kind === "slow-first-byte") setTimeout(send, 1_000);
  else send();
}

/** 20 chunks, 5 ms apart; cut half way, or stalled half way, when the fault says so. */
function streamChunks(kind, response) {
  let index = 0;
  const next = () => {
    if (response.destroyed) return;
    if (index === 10 && kind === "stream-cut") return response.socket?.destroy();
    if (index === 10 && kind === "stream-stall") return; // never sends again
    if (index === 20) {
      response.end(`${usageChunk}data: [DONE]\n\n`);
      return;
    }
    response.write(chunk(index, index === 19));
    index++;
    setTimeout(next, 5);
  };
  next();
}
