/** Small helpers for the SDK's end-to-end tests (the SDK called in-process against a fake upstream). */

import { afterAll, beforeAll, beforeEach } from "vitest";
import { createHttpClient, type HttpClient } from "../../src/index.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";

/** Reads a stream to the end. */
export async function collect<Chunk>(stream: AsyncIterable<Chunk>): Promise<Chunk[]> {
  const chunks: Chunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

/** The rejection of `promise`; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

export interface RecordingClient extends HttpClient {
  /** The URLs the SDK asked for, before any redirect. */
  urls: string[];
}

/**
 * An HttpClient that records where the SDK wanted to go, then sends the request to the fake upstream
 * instead (same path): for default api_bases like OpenAI's or llamafile's 127.0.0.1:8080.
 */
export function redirectingClient(upstream: FakeUpstream): RecordingClient {
  const inner = createHttpClient();
  const urls: string[] = [];
  return {
    urls,
    request(request) {
      urls.push(request.url.href);
      const url = new URL(request.url.pathname + request.url.search, upstream.url);
      return inner.request({ ...request, url });
    },
    close: () => inner.close(),
  };
}

/** An HttpClient that must never be used: it records the attempt and fails. */
export function forbiddenClient(): RecordingClient {
  const urls: string[] = [];
  return {
    urls,
    request(request) {
      urls.push(request.url.href);
      return Promise.reject(new Error(`unexpected network call to ${request.url.href}`));
    },
    close: () => Promise.resolve(),
  };
}

/** The text of chat chunks' deltas, joined. */
export function chatChunkText(
  chunks: readonly { choices: readonly { delta: { content?: unknown } }[] }[],
): string {
  let text = "";
  for (const chunk of chunks) {
    for (const choice of chunk.choices)
      if (typeof choice.delta.content === "string") text += choice.delta.content;
  }
  return text;
}

/** A fake upstream for one test file: started before its tests, cleared before each, closed after. */
export function useFakeUpstream(receive: (upstream: FakeUpstream) => void): void {
  let started: FakeUpstream | undefined;
  beforeAll(async () => {
    const upstream = await startFakeUpstream();
    started = upstream;
    receive(upstream);
  });
  afterAll(async () => {
    await started?.close();
  });
  beforeEach(() => {
    started?.clear();
  });
}
