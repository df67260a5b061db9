/**
 * The response cache end to end (local type, one proxy, master key): hits and misses counted at the
 * fake upstream, the key's sensitivity to each parameter, per-request controls, errors never cached,
 * text completions, embeddings per item, and the management routes.
 */
import type OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { DEFAULT_EMBEDDING_DIMENSIONS, embeddingVector } from "../fakes/upstream-answers.js";
import { cacheKey, chat, isHit, startCacheGate, upstreamCount } from "./cache-helpers.js";
import { type ApiAnswer, at, type Gate, MASTER_KEY, sleep } from "./keys-helpers.js";

let upstream: FakeUpstream;
let gate: Gate;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gate = await startCacheGate(upstream);
  client = gate.client(MASTER_KEY);
});

afterAll(async () => {
  await gate?.stop();
  await upstream?.close();
});

beforeEach(async () => {
  const flushed = await gate.api("POST", "/cache/flushall");
  expect(flushed.status).toBe(200);
  upstream.clear();
});

const chatCalls = () => upstreamCount(upstream, "/chat/completions");

/** Sends the body twice: the first must miss, the second hit. Returns the key. */
async function missThenHit(body: Record<string, unknown>): Promise<string> {
  const before = chatCalls();
  const first = await chat(gate, body);
  expect(first.status, JSON.stringify(first.body)).toBe(200);
  expect(isHit(first), `first of ${JSON.stringify(body)}`).toBe(false);
  const second = await chat(gate, body);
  expect(isHit(second), `second of ${JSON.stringify(body)}`).toBe(true);
  expect(chatCalls() - before).toBe(1);
  return String(cacheKey(first));
}

describe("hits and misses", () => {
  it("answers the same request a second time from the cache, without calling the upstream", async () => {
    const first = await chat(gate, {});
    expect(first.status).toBe(200);
    expect(isHit(first)).toBe(false);
    const second = await chat(gate, {});
    expect(second.status).toBe(200);
    expect(isHit(second)).toBe(true);
    expect(second.body).toEqual(first.body);
    expect(cacheKey(second)).toBe(cacheKey(first));
    expect(cacheKey(first)).toMatch(/^[0-9a-f]{64}$/);
    expect(second.headers.get("x-llmgate-response-cost")).toBe("0");
    expect(second.headers.get("x-llmgate-model-group")).toBe("mini");
    expect(chatCalls()).toBe(1);
    // The cache's own field never reaches the upstream.
    await chat(gate, { cache: { "no-cache": true } });
    expect(at(upstream.requests.at(-1)?.body, "cache")).toBeUndefined();
  });

  it("serves the official client from the cache", async () => {
    const request = { model: "mini", messages: [{ role: "user" as const, content: "client hit" }] };
    const first = await client.chat.completions.create(request);
    const second = await client.chat.completions.create(request);
    expect(second.id).toBe(first.id);
    expect(second.choices[0]?.message.content).toBe("echo: client hit");
    expect(chatCalls()).toBe(1);
  });

  it("caches answers cut at max_tokens (finish_reason length) like any other", async () => {
    const answer = {
      id: "chatcmpl-cut",
      object: "chat.completion",
      created: 1,
      model: "gpt-4o-mini",
      choices: [{ index: 0, message: { role: "assistant", content: "cut" }, finish_reason: "length" }],
      usage: { prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 },
    };
    upstream.script({ kind: "json", body: answer });
    await missThenHit({ messages: [{ role: "user", content: "long one" }], max_tokens: 1 });
  });

  it("never caches an error", async () => {
    upstream.script({ kind: "error", status: 500 }, { kind: "error", status: 400 });
    const body = { messages: [{ role: "user", content: "fails first" }] };
    expect((await chat(gate, body)).status).toBe(500);
    expect((await chat(gate, body)).status).toBe(400);
    const third = await chat(gate, body);
    expect(third.status).toBe(200);
    expect(isHit(third)).toBe(false);
    expect(isHit(await chat(gate, body))).toBe(true);
    expect(chatCalls()).toBe(3);
  });

  it("caches text completions", async () => {
    const body = { model: "texter", prompt: "complete me", max_tokens: 5 };
    const first = await gate.api("POST", "/v1/completions", body);
    const second = await gate.api("POST", "/v1/completions", body);
    expect(isHit(first)).toBe(false);
    expect(isHit(second)).toBe(true);
    expect(second.body).toEqual(first.body);
    expect(upstreamCount(upstream, "/completions") - chatCalls()).toBe(1);
    const streamed = await client.completions.create({ ...body, stream: true });
    let text = "";
    for await (const chunk of streamed) text += chunk.choices[0]?.text ?? "";
    expect(text).toBe("echo: complete me");
    expect(upstreamCount(upstream, "/completions") - chatCalls()).toBe(1);
  });
});

describe("the same request at the same time", () => {
  const body = (text: string) => ({ messages: [{ role: "user", content: text }] });

  it("asks the upstream once: the others wait for that answer", async () => {
    upstream.setDefault({ kind: "slow-first-byte", delayMs: 300 });
    try {
      const answers = await Promise.all(Array.from({ length: 5 }, () => chat(gate, body("at once"))));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
      expect(answers.filter(isHit)).toHaveLength(4);
      expect(new Set(answers.map((answer) => at(answer.body, "id"))).size).toBe(1);
      expect(chatCalls()).toBe(1);
    } finally {
      upstream.setDefault({ kind: "default" });
    }
  });

  it("waits for a stream too, and replays it once complete", async () => {
    const base = { id: "chatcmpl-slow", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini" };
    upstream.script({
      kind: "stream",
      delayMs: 100,
      chunks: [
        {
          ...base,
          choices: [{ index: 0, delta: { role: "assistant", content: "slow" }, finish_reason: null }],
        },
        { ...base, choices: [{ index: 0, delta: { content: " stream" }, finish_reason: null }] },
        { ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] },
      ],
    });
    const first = chat(gate, { ...body("stream at once"), stream: true });
    await sleep(50);
    const others = await Promise.all([
      chat(gate, body("stream at once")),
      chat(gate, body("stream at once")),
    ]);
    expect((await first).status).toBe(200);
    for (const answer of others) {
      expect(isHit(answer)).toBe(true);
      expect(at(answer.body, "choices", 0, "message", "content")).toBe("slow stream");
    }
    expect(chatCalls()).toBe(1);
  });

  it("lets the others ask for themselves when the first gets an error", async () => {
    upstream.script({ kind: "json", status: 500, body: { error: { message: "boom" } }, delayMs: 300 });
    const first = chat(gate, body("first fails"));
    await sleep(50);
    const others = await Promise.all([chat(gate, body("first fails")), chat(gate, body("first fails"))]);
    expect((await first).status).toBe(500);
    expect(others.map((answer) => answer.status)).toEqual([200, 200]);
    expect(chatCalls()).toBe(3);
  });
});

describe("the key", () => {
  const base = { messages: [{ role: "user", content: "key test" }] };

  it("changes with every parameter that changes the answer", async () => {
    const tool = {
      type: "function",
      function: { name: "f", parameters: { type: "object", properties: {} } },
    };
    const variants: Record<string, unknown>[] = [
      {},
      { model: "priced" },
      { messages: [{ role: "user", content: "key test!" }] },
      { messages: [{ role: "system", content: "be brief" }, ...base.messages] },
      { temperature: 0.5 },
      { temperature: 0.6 },
      { top_p: 0.9 },
      { max_tokens: 10 },
      { max_completion_tokens: 10 },
      { seed: 7 },
      { n: 2 },
      { stop: ["x"] },
      { presence_penalty: 0.1 },
      { frequency_penalty: 0.1 },
      { logit_bias: { "42": 1 } },
      { logprobs: true },
      { tools: [tool] },
      { tools: [tool], tool_choice: "required" },
      { response_format: { type: "json_object" } },
      { reasoning_effort: "low" },
      { parallel_tool_calls: false },
    ];
    const keys = new Set<string>();
    for (const variant of variants) keys.add(await missThenHit({ ...base, ...variant }));
    expect(keys.size).toBe(variants.length);
  });

  it("does not change with fields that do not change the answer", async () => {
    const key = await missThenHit(base);
    const same: Record<string, unknown>[] = [
      { user: "someone" },
      { metadata: { purpose: "test" } },
      { timeout: 30 },
      { num_retries: 1 },
      { temperature: null },
      { stream_options: { include_usage: true } },
    ];
    for (const variant of same) {
      const answer = await chat(gate, { ...base, ...variant });
      expect(isHit(answer), JSON.stringify(variant)).toBe(true);
      expect(cacheKey(answer)).toBe(key);
    }
    // Field order and whitespace: the same request written differently.
    const reordered = `{ "messages" : [ { "content": "key test",  "role":"user" } ],\n  "model":"mini" }`;
    const response = await fetch(`${gate.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
      body: reordered,
    });
    expect(response.headers.get("x-llmgate-cache-hit")).toBe("true");
    expect(response.headers.get("x-llmgate-cache-key")).toBe(key);
    expect(chatCalls()).toBe(1);
  });
});

describe("per-request controls", () => {
  const body = (text: string, cache?: Record<string, unknown>) => ({
    messages: [{ role: "user", content: text }],
    ...(cache === undefined ? {} : { cache }),
  });

  it("no-cache reads around the cache and stores the fresh answer", async () => {
    const first = await chat(gate, body("no-cache"));
    const fresh = await chat(gate, body("no-cache", { "no-cache": true }));
    expect(isHit(fresh)).toBe(false);
    expect(at(fresh.body, "id")).not.toBe(at(first.body, "id"));
    const after = await chat(gate, body("no-cache"));
    expect(isHit(after)).toBe(true);
    expect(at(after.body, "id")).toBe(at(fresh.body, "id"));
    expect(chatCalls()).toBe(2);
  });

  it("no-store reads the cache but never writes it", async () => {
    expect(isHit(await chat(gate, body("no-store", { "no-store": true })))).toBe(false);
    expect(isHit(await chat(gate, body("no-store")))).toBe(false);
    expect(isHit(await chat(gate, body("no-store", { "no-store": true })))).toBe(true);
    expect(chatCalls()).toBe(2);
  });

  it("ttl keeps an answer that many seconds", async () => {
    await chat(gate, body("ttl", { ttl: 1 }));
    expect(isHit(await chat(gate, body("ttl")))).toBe(true);
    await sleep(1200);
    expect(isHit(await chat(gate, body("ttl")))).toBe(false);
  });

  it("s-maxage accepts only younger entries", async () => {
    await chat(gate, body("maxage"));
    await sleep(1200);
    expect(isHit(await chat(gate, body("maxage", { "s-maxage": 60 })))).toBe(true);
    expect(isHit(await chat(gate, body("maxage", { "s-maxage": 1 })))).toBe(false);
    expect(chatCalls()).toBe(2);
  });

  it("namespace keeps answers apart", async () => {
    await missThenHit(body("namespaced", { namespace: "team-a-space" }));
    expect(isHit(await chat(gate, body("namespaced", { namespace: "team-b-space" })))).toBe(false);
    expect(isHit(await chat(gate, body("namespaced")))).toBe(false);
    expect(isHit(await chat(gate, body("namespaced", { namespace: "team-a-space" })))).toBe(true);
  });

  it("refuses an unknown control or a wrong type with a 400 naming it", async () => {
    const typo = await chat(gate, body("typo", { no_cache: true }));
    expect(typo.status).toBe(400);
    expect(at(typo.body, "error", "param")).toBe("cache.no_cache");
    const wrong = await chat(gate, body("typo", { ttl: "soon" }));
    expect(wrong.status).toBe(400);
    expect(at(wrong.body, "error", "param")).toBe("cache.ttl");
    expect(chatCalls()).toBe(0);
  });
});

describe("embeddings", () => {
  const vector = (text: string) => embeddingVector(text, DEFAULT_EMBEDDING_DIMENSIONS);
  const embedCalls = () => upstream.requests.filter((request) => request.path.endsWith("/embeddings"));

  it("caches each input item: only new items go upstream, the answer keeps the input order", async () => {
    // The official client asks for base64 (and decodes it): its items are keyed apart from float ones.
    const first = await client.embeddings.create({ model: "embedder", input: ["alpha", "beta"] });
    expect(first.data.map((item) => item.embedding)).toEqual([vector("alpha"), vector("beta")]);
    await gate.api("POST", "/v1/embeddings", { model: "embedder", input: ["alpha", "beta"] });
    const second = await gate.api("POST", "/v1/embeddings", {
      model: "embedder",
      input: ["beta", "gamma", "alpha"],
    });
    expect(second.status).toBe(200);
    expect(at(embedCalls().at(-1)?.body, "input")).toEqual(["gamma"]);
    const data = at(second.body, "data") as { index: number; embedding: number[] }[];
    expect(data.map((item) => item.index)).toEqual([0, 1, 2]);
    expect(data.map((item) => item.embedding)).toEqual([vector("beta"), vector("gamma"), vector("alpha")]);
    expect(second.headers.get("x-llmgate-cache-hit")).toBe("false");
    expect(second.headers.get("x-llmgate-cache-items-hit")).toBe("2/3");
    const third = await gate.api("POST", "/v1/embeddings", { model: "embedder", input: "gamma" });
    expect(at(third.body, "data", 0, "embedding")).toEqual(vector("gamma"));
    expect(isHit(third)).toBe(true);
    expect(embedCalls().length).toBe(3);
    const all = await gate.api("POST", "/v1/embeddings", { model: "embedder", input: ["alpha", "gamma"] });
    expect(isHit(all)).toBe(true);
    expect(at(all.body, "usage", "prompt_tokens")).toBe(0);
    expect(embedCalls().length).toBe(3);
    // The client's base64 items of the first call are hits for it too.
    const again = await client.embeddings.create({ model: "embedder", input: ["beta", "alpha"] });
    expect(again.data.map((item) => item.embedding)).toEqual([vector("beta"), vector("alpha")]);
    expect(embedCalls().length).toBe(3);
  });

  it("keys items by the other parameters too (dimensions, encoding_format)", async () => {
    const embed = (extra: Record<string, unknown>) =>
      gate.api("POST", "/v1/embeddings", { model: "embedder", input: "delta", ...extra });
    await embed({});
    await embed({ dimensions: 4 });
    const base64 = await embed({ encoding_format: "base64" });
    expect(typeof at(base64.body, "data", 0, "embedding")).toBe("string");
    expect(embedCalls().length).toBe(3);
    expect(isHit(await embed({ encoding_format: "base64" }))).toBe(true);
    expect(isHit(await embed({ encoding_format: "float" }))).toBe(false);
    expect(embedCalls().length).toBe(4);
  });
});

describe("management", () => {
  it("pings the cache with its type", async () => {
    const ping = await gate.api("GET", "/cache/ping");
    expect(ping.status).toBe(200);
    expect(at(ping.body, "status")).toBe("healthy");
    expect(at(ping.body, "cache_type")).toBe("local");
    expect((await gate.api("GET", "/cache/ping", undefined, null)).status).toBe(401);
  });

  it("counts hits and misses by call type in /metrics", async () => {
    const count = async (name: string) => {
      const text = String((await gate.api("GET", "/metrics")).body);
      return Number(new RegExp(`${name}\\{call_type="acompletion"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    };
    const [hits, misses] = [
      await count("llmgate_cache_hits_total"),
      await count("llmgate_cache_misses_total"),
    ];
    await chat(gate, { messages: [{ role: "user", content: "metrics" }] });
    await chat(gate, { messages: [{ role: "user", content: "metrics" }] });
    expect(await count("llmgate_cache_hits_total")).toBe(hits + 1);
    expect(await count("llmgate_cache_misses_total")).toBe(misses + 1);
  });

  it("deletes entries by their x-llmgate-cache-key", async () => {
    const first = await chat(gate, { messages: [{ role: "user", content: "delete me" }] });
    const deleted = await gate.api("POST", "/cache/delete", { keys: [cacheKey(first)] });
    expect(deleted.status).toBe(200);
    expect(at(deleted.body, "deleted")).toBe(1);
    expect(isHit(await chat(gate, { messages: [{ role: "user", content: "delete me" }] }))).toBe(false);
    const bad: ApiAnswer = await gate.api("POST", "/cache/delete", { keys: "nope" });
    expect(bad.status).toBe(400);
  });

  it("flushes everything with the master key only", async () => {
    await chat(gate, { messages: [{ role: "user", content: "flush me" }] });
    const { key } = await gate.newKey({});
    expect((await gate.api("POST", "/cache/flushall", undefined, key)).status).toBe(403);
    expect(isHit(await chat(gate, { messages: [{ role: "user", content: "flush me" }] }))).toBe(true);
    expect((await gate.api("POST", "/cache/flushall")).status).toBe(200);
    expect(isHit(await chat(gate, { messages: [{ role: "user", content: "flush me" }] }))).toBe(false);
  });
});
