import { Agent, type Dispatcher } from "undici";

export interface UpstreamRequest {
  url: URL;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal | undefined;
  /** Milliseconds to wait for the response headers. */
  headersTimeoutMs: number;
  /** Milliseconds allowed between two body chunks. */
  bodyTimeoutMs: number;
}

export type UpstreamResponse = Dispatcher.ResponseData;

/** The upstream HTTP client: keep-alive connection pools per origin, shared by every call. */
export interface HttpClient {
  request(request: UpstreamRequest): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

export interface HttpClientOptions {
  /** Connections per origin (default: unlimited, like undici). */
  connections?: number;
  keepAliveTimeoutMs?: number;
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const agent = new Agent({
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    keepAliveMaxTimeout: 600_000,
    connections: options.connections ?? null,
    pipelining: 1,
  });
  return {
    request(request) {
      return agent.request({
        origin: request.url.origin,
        path: request.url.pathname + request.url.search,
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: request.signal,
        headersTimeout: request.headersTimeoutMs,
        bodyTimeout: request.bodyTimeoutMs,
      });
    },
    close() {
      return agent.close();
    },
  };
}

let defaultClient: HttpClient | undefined;

/** One client for SDK calls that bring none, made on first use (like undici's global dispatcher). */
export function getDefaultHttpClient(): HttpClient {
  defaultClient ??= createHttpClient();
  return defaultClient;
}
