/**
 * Streams through the real CLI: a stream is retried or failed over only before its first chunk
 * reaches the client; after that, a dying upstream ends the stream with one SSE error event.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeUpstream } from "../fakes/upstream.js";
import {
  attempts,
  chatBody,
  contentChunk,
  contentsOf,
  type DeploymentSpec,
  MASTER_KEY,
  parseSse,
  type RouterProxy,
  rejectionOf,
  settledInFlight,
  startRouterProxy,
  startUpstreams,
} from "./router-helpers.js";

let gateway: RouterProxy;
let a: FakeUpstream;
let b: FakeUpstream;

function ordered(group: string, params: Record<string, unknown> = {}): DeploymentSpec[] {
  return [
    { group, apiBase: a.baseUrl, id: `${group}-first`, params: { order: 1, ...params } },
    { group, apiBase: b.baseUrl, id: `${group}-second`, params: { order: 2, ...params } },
  ];
}

const PIECES = ["The ", "quick ", "brown ", "fox"];

beforeAll(async () => {
  const started = await startUpstreams(2);
  if (started[0] === undefined || started[1] === undefined) throw new Error("upstreams did not start");
  [a, b] = [started[0], started[1]];
  gateway = await startRouterProxy({
    deployments: [
      ...ordered("slow-first-byte", { stream_timeout: 0.5 }),
      ...ordered("dies-early"),
      ...ordered("errors-early"),
      ...ordered("dies-half-way"),
      ...ordered("dies-half-way-client"),
      { group: "solo-stream", apiBase: a.baseUrl, id: "solo-stream-only" },
      ...ordered("client-leaves"),
      ...ordered("x-llmgate-stream-timeout"),
      ...ordered("x-litellm-stream-timeout"),
    ],
  });
}, 30_000);

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([a, b].map((upstream) => upstream?.close()));
});

beforeEach(() => {
  for (const upstream of [a, b]) {
    upstream.clear();
    upstream.setDefault({ kind: "default" });
  }
});

async function streamText(group: string, text = "hello"): Promise<string> {
  const stream = await gateway.client.chat.completions.create({ ...chatBody(group, text), stream: true });
  let content = "";
  for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? "";
  return content;
}

describe("before the first chunk: retried like any failed call", () => {
  it("fails over a stream whose first byte is later than stream_timeout", async () => {
    a.script({ kind: "slow-first-byte", delayMs: 5000 });
    const startedAt = Date.now();
    expect(await streamText("slow-first-byte")).toBe("echo: hello");
    const elapsed = Date.now() - startedAt;
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(2500);
    expect([attempts(a), attempts(b)]).toEqual([1, 1]);
    await a.waitForAborted(1);
  });

  it.each(["x-llmgate-stream-timeout", "x-litellm-stream-timeout"])(
    "honours a %s request header",
    async (header) => {
      a.script({ kind: "slow-first-byte", delayMs: 5000 });
      const startedAt = Date.now();
      const response = await gateway.post(
        "/v1/chat/completions",
        { ...chatBody(header), stream: true },
        {
          [header]: "0.5",
        },
      );
      expect(response.status).toBe(200);
      expect(contentsOf(parseSse(await response.text())).join("")).toBe("echo: hello");
      expect(Date.now() - startedAt).toBeLessThan(2500);
      expect([attempts(a), attempts(b)]).toEqual([1, 1]);
    },
  );

  it("retries a stream that dies before its first chunk on the other deployment", async () => {
    a.script({ kind: "stream", chunks: [contentChunk("never")], dieAfter: 0 });
    const response = await gateway.post("/v1/chat/completions", { ...chatBody("dies-early"), stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-llmgate-model-id")).toBe("dies-early-second");
    expect(response.headers.get("x-llmgate-attempted-retries")).toBe("1");
    const events = parseSse(await response.text());
    expect(contentsOf(events).join("")).toBe("echo: hello");
    expect(events.at(-1)?.data).toBe("[DONE]");
    expect([attempts(a), attempts(b)]).toEqual([1, 1]);
  });

  it("retries a stream request answered with a 503 before any chunk", async () => {
    a.script({ kind: "error", status: 503 });
    expect(await streamText("errors-early", "again")).toBe("echo: again");
    expect([attempts(a), attempts(b)]).toEqual([1, 1]);
  });
});

describe("after the first chunk: never retried", () => {
  it("ends a stream that dies half way with one SSE error event, no content repeated", async () => {
    a.script({
      kind: "stream",
      chunks: PIECES.map((piece) => contentChunk(piece)),
      dieAfter: 2,
      done: false,
    });
    const response = await gateway.post("/v1/chat/completions", {
      ...chatBody("dies-half-way"),
      stream: true,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = parseSse(await response.text());
    expect(contentsOf(events)).toEqual(["The ", "quick "]);
    const last = events.at(-1);
    const error = JSON.parse(last?.data ?? "null") as { error?: Record<string, unknown> } | null;
    expect(error?.error).toEqual(
      expect.objectContaining({
        message: expect.any(String),
        type: expect.any(String),
        code: expect.anything(),
      }),
    );
    expect(events.some((event) => event.data === "[DONE]")).toBe(false);
    expect([attempts(a), attempts(b)]).toEqual([1, 0]);
  });

  it("the openai client gets the chunks sent, then one APIError", async () => {
    a.script({
      kind: "stream",
      chunks: PIECES.map((piece) => contentChunk(piece)),
      dieAfter: 3,
      done: false,
    });
    const stream = await gateway.client.chat.completions.create({
      ...chatBody("dies-half-way-client"),
      stream: true,
    });
    const received: string[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? "");
      })(),
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(received).toEqual(["The ", "quick ", "brown "]);
    expect([attempts(a), attempts(b)]).toEqual([1, 0]);
  });

  it("streams a group's only deployment to the end", async () => {
    a.script({ kind: "stream", chunks: PIECES.map((piece) => contentChunk(piece)), delayMs: 20 });
    expect(await streamText("solo-stream")).toBe("The quick brown fox");
    expect(attempts(a)).toBe(1);
  });
});

describe("a client that leaves", () => {
  it("closes the upstream stream and frees the deployment when the client goes away mid-stream", async () => {
    const many = Array.from({ length: 50 }, (_, index) => contentChunk(`${index} `));
    a.script({ kind: "stream", chunks: many, delayMs: 100 });
    const response = await gateway.post("/v1/chat/completions", {
      ...chatBody("client-leaves"),
      stream: true,
    });
    const reader = response.body?.getReader();
    if (reader === undefined) throw new Error("no body");
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('"0 "');
    await reader.cancel();
    await a.waitForAborted(1);
    expect(await settledInFlight(gateway)).toEqual({});
    expect([attempts(a), attempts(b)]).toEqual([1, 0]);
  });

  it("abandons a hanging upstream call when the client goes away, and retries nothing", async () => {
    a.script({ kind: "hang" });
    const controller = new AbortController();
    const pending = fetch(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
      body: JSON.stringify(chatBody("client-leaves")),
      signal: controller.signal,
    });
    await a.waitForRequests(1);
    controller.abort();
    await rejectionOf(pending);
    await a.waitForAborted(1);
    expect(await settledInFlight(gateway)).toEqual({});
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([attempts(a), attempts(b)]).toEqual([1, 0]);
  });

  it("leaves nothing in flight after all of the above", async () => {
    expect(await settledInFlight(gateway)).toEqual({});
  });
});
