/**
 * The SDK's response cache: `setCache({ type: "local" | "redis", ... })` once, then completion(),
 * textCompletion() and embedding() answer repeated requests without calling the upstream, with the
 * same per-call `cache` controls as the proxy.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { completion, embedding, Router, setCache, textCompletion } from "../../src/index.js";
import { startTestRedis, type TestRedis } from "../fakes/redis-server.js";
import type { FakeUpstream } from "../fakes/upstream.js";
import { DEFAULT_EMBEDDING_DIMENSIONS, embeddingVector } from "../fakes/upstream-answers.js";
import { at } from "./keys-helpers.js";
import { useFakeUpstream } from "./sdk-helpers.js";

let upstream: FakeUpstream;
useFakeUpstream((started) => {
  upstream = started;
});

afterEach(() => setCache(null));

const target = () => ({ api_base: upstream.baseUrl, api_key: "sk-upstream" });
const messages = (text: string) => [{ role: "user" as const, content: text }];
const calls = (route: string) => upstream.requests.filter((request) => request.path.endsWith(route)).length;

describe("setCache local", () => {
  it("serves a Router's repeated calls too, keyed by the model group", async () => {
    setCache({ type: "local" });
    const router = new Router({
      model_list: [
        { model_name: "group-a", litellm_params: { model: "openai/gpt-4o-mini", ...target() } },
        { model_name: "group-b", litellm_params: { model: "openai/gpt-4o-mini", ...target() } },
      ],
    });
    const first = await router.completion({ model: "group-a", messages: messages("routed cache") });
    const again = await router.completion({ model: "group-a", messages: messages("routed cache") });
    expect(again).toEqual(first);
    expect(calls("/chat/completions")).toBe(1);
    await router.completion({ model: "group-b", messages: messages("routed cache") });
    expect(calls("/chat/completions")).toBe(2);
    const vectors = await router.embedding({ model: "group-a", input: ["x", "y"] });
    const partly = await router.embedding({ model: "group-a", input: ["y", "z"] });
    expect(partly.data[0]?.embedding).toEqual(vectors.data[1]?.embedding);
    expect(at(upstream.requests.at(-1)?.body, "input")).toEqual(["z"]);
    setCache(null);
    await router.completion({ model: "group-a", messages: messages("routed cache") });
    expect(calls("/chat/completions")).toBe(3);
  });

  it("answers a repeated completion() from the cache, streamed or not", async () => {
    setCache({ type: "local" });
    const request = { model: "openai/gpt-4o-mini", messages: messages("sdk cache"), ...target() };
    const first = await completion(request);
    const second = await completion(request);
    expect(second).toEqual(first);
    expect(calls("/chat/completions")).toBe(1);
    const stream = await completion({ ...request, stream: true, stream_options: { include_usage: true } });
    let text = "";
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage !== null && chunk.usage !== undefined) usage = chunk.usage;
    }
    expect(text).toBe(first.choices[0]?.message.content);
    expect(usage).toEqual(first.usage);
    expect(calls("/chat/completions")).toBe(1);
    // The cache controls are never sent upstream.
    await completion({ ...request, cache: { "no-cache": true } });
    expect(calls("/chat/completions")).toBe(2);
    expect(at(upstream.requests.at(-1)?.body, "cache")).toBeUndefined();
  });

  it("stores a completed stream, and goes straight to the upstream with the cache off", async () => {
    setCache({});
    const request = { model: "openai/gpt-4o-mini", messages: messages("sdk stream"), ...target() };
    const stream = await completion({ ...request, stream: true });
    for await (const _chunk of stream) {
      // read to the end
    }
    const after = await completion(request);
    expect(after.choices[0]?.message.content).toBe("echo: sdk stream");
    expect(calls("/chat/completions")).toBe(1);
    setCache(null);
    await completion(request);
    expect(calls("/chat/completions")).toBe(2);
  });

  it("caches textCompletion() and embedding() items", async () => {
    setCache({ type: "local", ttl: 60 });
    const text = { model: "text-completion-openai/t", prompt: "sdk text", ...target() };
    await textCompletion(text);
    const again = await textCompletion(text);
    expect(again.choices[0]?.text).toBe("echo: sdk text");
    expect(calls("/completions") - calls("/chat/completions")).toBe(1);
    const model = { model: "openai/embedder", ...target() };
    await embedding({ ...model, input: ["one", "two"] });
    const mixed = await embedding({ ...model, input: ["two", "three", "one"] });
    expect(mixed.data.map((item) => item.embedding)).toEqual(
      ["two", "three", "one"].map((word) => embeddingVector(word, DEFAULT_EMBEDDING_DIMENSIONS)),
    );
    const sent = upstream.requests.filter((request) => request.path.endsWith("/embeddings")).at(-1);
    expect(at(sent?.body, "input")).toEqual(["three"]);
  });

  it("follows mode default_off: only calls that ask with use-cache", async () => {
    setCache({ mode: "default_off" });
    const request = { model: "openai/gpt-4o-mini", messages: messages("opt in"), ...target() };
    await completion(request);
    await completion(request);
    expect(calls("/chat/completions")).toBe(2);
    await completion({ ...request, cache: { "use-cache": true } });
    await completion({ ...request, cache: { "use-cache": true } });
    expect(calls("/chat/completions")).toBe(3);
  });

  it("refuses unknown options and types it does not have", () => {
    expect(() => setCache({ tpye: "local" } as never)).toThrow(/unknown option "tpye"/);
    expect(() => setCache({ type: "redis-semantic" } as never)).toThrow(/not implemented/);
  });
});

describe("setCache redis", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.kill();
  });

  it("shares answers through Redis between two caches set up one after the other", async () => {
    setCache({ type: "redis", host: "127.0.0.1", port: redis.port });
    const request = { model: "openai/gpt-4o-mini", messages: messages("sdk redis"), ...target() };
    const first = await completion(request);
    const client = redis.client();
    try {
      for (let attempt = 0; attempt < 50 && (await client.dbsize()) === 0; attempt++)
        await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      client.disconnect();
    }
    setCache({ type: "redis", url: redis.url });
    const second = await completion(request);
    expect(second.id).toBe(first.id);
    expect(calls("/chat/completions")).toBe(1);
  });
});
