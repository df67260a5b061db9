import type { IncomingMessage } from "node:http";
import type { FastifyInstance } from "fastify";

/** How often requests still arriving are checked. */
const SWEEP_INTERVAL_MS = 1000;

/**
 * `general_settings.client_request_timeout`: a request must arrive whole (headers and body) within
 * this many seconds, or its connection is answered 408 and closed; a client that trickles its body
 * would otherwise hold a connection forever. (Node's own `requestTimeout` does not cut a body that
 * is still arriving once the request is routed.) One sweep a second over the requests still
 * arriving, oldest first, instead of a timer per request.
 */
export function registerReceiveTimeout(app: FastifyInstance, timeoutSeconds: number): void {
  if (timeoutSeconds <= 0) return;
  const limitMs = timeoutSeconds * 1000;
  /** Requests whose body is still arriving, by arrival (a Map keeps insertion order). */
  const arriving = new Map<IncomingMessage, number>();
  app.addHook("onRequest", (request, _reply, done) => {
    if (!request.raw.complete) arriving.set(request.raw, Date.now());
    done();
  });
  app.addHook("preHandler", (request, _reply, done) => {
    arriving.delete(request.raw);
    done();
  });
  const timer = setInterval(() => {
    const now = Date.now();
    for (const [raw, startedAt] of arriving) {
      if (raw.complete || raw.socket === null || raw.socket.destroyed) {
        arriving.delete(raw);
        continue;
      }
      if (now - startedAt <= limitMs) break;
      arriving.delete(raw);
      const body = JSON.stringify({
        error: {
          message: `the request did not arrive whole within ${timeoutSeconds}s (general_settings.client_request_timeout)`,
          type: "invalid_request_error",
          param: null,
          code: "request_timeout",
        },
      });
      const socket = raw.socket;
      if (socket.writable) {
        socket.write(
          `HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy();
    }
  }, SWEEP_INTERVAL_MS);
  timer.unref();
  app.addHook("onClose", async () => clearInterval(timer));
}
