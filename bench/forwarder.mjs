// The floor: the least any Node gateway must do. A node:http server forwards method, path and body
// to the upstream through an undici Pool (keep-alive), swaps the client's key for the upstream's, and
// pipes the response back as it comes (streams included). Usage:
//   node bench/forwarder.mjs <port|0> <upstream origin> [upstream api key]; prints "ready PORT".
import { createServer } from "node:http";
import { pipeline } from "node:stream";
import { Pool } from "undici";

const port = Number(process.argv[2] ?? 0);
const upstreamOrigin = process.argv[3] ?? "http://127.0.0.1:8000";
const upstreamAuthorization = `Bearer ${process.argv[4] ?? "sk-up"}`;
const pool = new Pool(upstreamOrigin, { connections: 256, keepAliveTimeout: 60_000 });
const hopByHop = ["connection", "keep-alive", "transfer-encoding", "upgrade"];
// The request's length is recomputed by undici; the response keeps its own (no chunked re-encoding).
const requestDropped = new Set([...hopByHop, "host", "content-length"]);
const responseDropped = new Set(hopByHop);

/** @param {Record<string, string | string[] | undefined>} headers @param {Set<string>} dropped */
function forwardable(headers, dropped) {
  /** @type {Record<string, string | string[]>} */
  const kept = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !dropped.has(name)) kept[name] = value;
  }
  return kept;
}

/** @param {import("node:http").IncomingMessage} request @returns {Promise<Buffer>} */
async function readBody(request) {
  /** @type {Buffer[]} */
  const parts = [];
  for await (const part of request) parts.push(part);
  return Buffer.concat(parts);
}

const server = createServer(async (request, response) => {
  try {
    // Bodies are small JSON: read whole (any gateway parses it), so headers and body leave in one write.
    const body = request.method === "GET" || request.method === "HEAD" ? null : await readBody(request);
    const upstream = await pool.request({
      method: /** @type {import("undici").Dispatcher.HttpMethod} */ (request.method ?? "GET"),
      path: request.url ?? "/",
      headers: { ...forwardable(request.headers, requestDropped), authorization: upstreamAuthorization },
      body,
    });
    response.writeHead(upstream.statusCode, forwardable(upstream.headers, responseDropped));
    // A client that goes away destroys the pipeline, and with it the upstream request.
    pipeline(upstream.body, response, () => {});
  } catch (error) {
    if (response.headersSent) return response.destroy();
    const message = error instanceof Error ? error.message : String(error);
    response.writeHead(502, { "content-type": "application/json" });
    response.end(
      JSON.stringify({ error: { message, type: "api_connection_error", param: null, code: null } }),
    );
  }
});
server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  console.log(`ready ${typeof address === "object" && address !== null ? address.port : port}`);
});
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
