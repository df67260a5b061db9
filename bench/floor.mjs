// The floor: the least a Node OpenAI gateway does per request, so that llmgate's cost is read
// against it. node:http server; the JSON body read whole and parsed (a gateway must see `model` and
// `stream`); the model mapped to its upstream base, like a config's api_base; the body serialized
// again; the upstream key swapped in; the request sent with an undici Pool (keep-alive); the answer
// relayed with `for await`: a sized JSON body in one write, an event stream chunk by chunk as it
// comes. No stream.pipeline() (its AbortController and DOMException per request are a cost a
// floor must not carry), no auth, limits, logging, retries or token counting.
//   node bench/floor.mjs <port|0> <upstream origin> [upstream api key]; prints "ready PORT".
import { createServer } from "node:http";
import { Pool } from "undici";
import { STREAM_MODEL } from "./fixtures.mjs";

const port = Number(process.argv[2] ?? 0);
const upstreamOrigin = process.argv[3] ?? "http://127.0.0.1:8080";
const authorization = `Bearer ${process.argv[4] ?? "sk-up"}`;
const pool = new Pool(upstreamOrigin, { connections: 256, keepAliveTimeout: 60_000 });
/** @type {Record<string, string>} */
const basePathOf = { [STREAM_MODEL]: "/stream/v1" };

/**
 * @param {import("node:http").ServerResponse} response @param {number} status
 * @param {Record<string, string | string[] | undefined>} headers @param {AsyncIterable<Buffer>} body
 */
async function relay(response, status, headers, body) {
  const type = String(headers["content-type"] ?? "application/json");
  if (type.startsWith("text/event-stream")) {
    response.writeHead(status, { "content-type": type, "cache-control": "no-cache" });
    for await (const chunk of body) response.write(chunk);
    response.end();
    return;
  }
  /** @type {Buffer[]} */
  const parts = [];
  for await (const chunk of body) parts.push(chunk);
  const whole = Buffer.concat(parts);
  response.writeHead(status, { "content-type": type, "content-length": whole.length });
  response.end(whole);
}

const server = createServer(async (request, response) => {
  if (request.method !== "POST") {
    response.writeHead(request.url === "/health" ? 200 : 404).end();
    return;
  }
  try {
    /** @type {Buffer[]} */
    const parts = [];
    for await (const part of request) parts.push(part);
    const parsed = JSON.parse(Buffer.concat(parts).toString("utf8"));
    const body = JSON.stringify(parsed);
    const path = (request.url ?? "/").replace(/^\/v1\//, `${basePathOf[parsed.model] ?? "/v1"}/`);
    const upstream = await pool.request({
      method: "POST",
      path,
      headers: { "content-type": "application/json", authorization },
      body,
    });
    await relay(response, upstream.statusCode, upstream.headers, upstream.body);
  } catch (error) {
    if (response.headersSent) return void response.destroy();
    const message = error instanceof Error ? error.message : String(error);
    response.writeHead(502, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: { message, type: "api_connection_error" } }));
  }
});
server.keepAliveTimeout = 120_000;
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  console.log(`ready ${typeof address === "object" && address !== null ? address.port : port}`);
});
for (const signal of /** @type {const} */ (["SIGTERM", "SIGINT"])) process.on(signal, () => process.exit(0));
