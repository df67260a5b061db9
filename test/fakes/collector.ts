/**
 * A fake telemetry collector on loopback for the callback tests: it records every POST (path,
 * headers, JSON body) and answers 200, or as told: an error status, or never (a hung collector).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface CollectedPost {
  path: string;
  headers: Record<string, string>;
  body: unknown;
  rawBody: string;
  receivedAt: number;
}

export type CollectorMode = { kind: "ok" } | { kind: "status"; status: number } | { kind: "hang" };

export interface FakeCollector {
  url: string;
  posts: CollectedPost[];
  setMode(mode: CollectorMode): void;
  /** POSTs received on paths starting with `prefix`. */
  postsTo(prefix: string): CollectedPost[];
  /** Resolves once `predicate` holds for the posts; rejects after `timeoutMs`. */
  waitFor(predicate: (posts: CollectedPost[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  return headers;
}

export async function startFakeCollector(): Promise<FakeCollector> {
  const posts: CollectedPost[] = [];
  let mode: CollectorMode = { kind: "ok" };
  const hung = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    let text = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      text += chunk;
    });
    request.on("end", () => {
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {}
      posts.push({
        path: request.url ?? "",
        headers: headersOf(request),
        body,
        rawBody: text,
        receivedAt: Date.now(),
      });
      if (mode.kind === "hang") {
        hung.add(response);
        return;
      }
      const status = mode.kind === "status" ? mode.status : 200;
      response.writeHead(status, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    posts,
    setMode: (next) => {
      mode = next;
    },
    postsTo: (prefix) => posts.filter((post) => post.path.startsWith(prefix)),
    waitFor: async (predicate, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(posts)) {
        if (Date.now() > deadline) throw new Error(`collector: condition not met in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: async () => {
      for (const response of hung) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
