/** The fake upstream's public types: the behaviours a test can script and what it records. */

export type Headers = Record<string, string>;

export type Behaviour =
  /** Answers `body` as JSON (a string body is sent verbatim, e.g. to send malformed JSON). */
  | { kind: "json"; status?: number; body: unknown; headers?: Headers; delayMs?: number }
  /** Answers an error status with `body`, or an OpenAI-style error body for the status. */
  | { kind: "error"; status: number; body?: unknown; headers?: Headers }
  /**
   * Answers an SSE stream: an object chunk is sent as `data: <json>\n\n`, a string chunk verbatim
   * (for comments, CRLF, split lines). `delayMs` waits between chunks; `dieAfter` destroys the socket
   * after that many chunks; `done: false` leaves out the final `data: [DONE]`.
   */
  | {
      kind: "stream";
      chunks: (object | string)[];
      delayMs?: number;
      /** Waits this long after the headers, before the first chunk. */
      firstDelayMs?: number;
      dieAfter?: number;
      done?: boolean;
      status?: number;
      headers?: Headers;
    }
  /** Never answers; the request is recorded in `aborted` when the client gives up. */
  | { kind: "hang" }
  /** Waits `delayMs` before the first byte, then gives the default answer. */
  | { kind: "slow-first-byte"; delayMs: number }
  /** Resets the connection at once (the client sees ECONNRESET). */
  | { kind: "reset" }
  /** The route's default answer (echo chat, deterministic embeddings, ...). */
  | { kind: "default" };

export interface RecordedRequest {
  method: string;
  /** The path as received, prefix included, without the query string. */
  path: string;
  /** The query string, with its "?", or "". */
  query: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Headers;
  /** The parsed JSON body, or the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  rawBody: string;
  /** Date.now() when the request arrived. */
  receivedAt: number;
  /** Date.now() when the client closed the connection before the response ended. */
  abortedAt?: number;
}

export interface FakeUpstreamOptions {
  /** The path prefix the routes live under; default "/v1". Use "" to serve at the root. */
  prefix?: string;
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401. */
  apiKey?: string;
  /** The ids `GET /models` lists; default ["fake-model"]. */
  models?: string[];
}

export interface FakeUpstream {
  /** "http://127.0.0.1:PORT", without the prefix. */
  url: string;
  /** url + prefix, e.g. "http://127.0.0.1:PORT/v1": what a client's base URL should be. */
  baseUrl: string;
  port: number;
  requests: RecordedRequest[];
  aborted: RecordedRequest[];
  /** Queues behaviours, consumed one per routed request, in order. */
  script(...behaviours: Behaviour[]): void;
  setDefault(behaviour: Behaviour): void;
  /** Forgets recorded requests and the queued script; keeps the default. */
  clear(): void;
  /** Resolves once `count` requests were recorded; rejects after `timeoutMs` (default 5000). */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  /** Resolves once `count` requests were aborted by their client; rejects after `timeoutMs`. */
  waitForAborted(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}
