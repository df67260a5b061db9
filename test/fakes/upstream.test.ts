import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeUpstream, startFakeUpstream } from "./upstream.js";
import { embeddingVector } from "./upstream-answers.js";

let upstream: FakeUpstream;

beforeEach(async () => {
  upstream = await startFakeUpstream();
});

afterEach(async () => {
  await upstream.close();
});

function client(baseURL = upstream.baseUrl): OpenAI {
  return new OpenAI({ apiKey: "sk-test", baseURL, maxRetries: 0, timeout: 5000 });
}

function postJson(path: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(upstream.baseUrl + path, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-test" },
    body: JSON.stringify(body),
    ...init,
  });
}

const chatBody: { model: string; messages: OpenAI.Chat.ChatCompletionMessageParam[] } = {
  model: "gpt-test",
  messages: [
    { role: "system", content: "be brief" },
    { role: "user", content: "first question" },
    { role: "assistant", content: "an answer" },
    { role: "user", content: "hello there world" },
  ],
};

interface EmbeddingsJson {
  data: { embedding: number[] }[];
}

interface ChatCompletionJson {
  choices: { message: { content: string } }[];
}

async function readJson<Shape>(response: Response): Promise<Shape> {
  return (await response.json()) as Shape;
}

/** Reads an SSE body to the end, returning its `data:` payloads. */
async function readEvents(response: Response): Promise<string[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((event) => event.startsWith("data: "))
    .map((event) => event.slice("data: ".length));
}

describe("default answers", () => {
  it("echoes the last user message in a well-formed chat completion and records the request", async () => {
    const response = await postJson("/chat/completions", chatBody);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    const completion = await response.json();
    expect(completion).toMatchObject({
      id: expect.stringMatching(/^chatcmpl-/),
      object: "chat.completion",
      created: expect.any(Number),
      model: "gpt-test",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "echo: hello there world" },
          logprobs: null,
          finish_reason: "stop",
        },
      ],
      usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
    });
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]).toMatchObject({
      method: "POST",
      path: "/v1/chat/completions",
      headers: { authorization: "Bearer sk-test", "content-type": "application/json" },
      body: chatBody,
    });
  });

  it("gives the same content streaming through the openai client, with a usage chunk on request", async () => {
    const openai = client();
    const plain = await openai.chat.completions.create({
      model: "gpt-test",
      messages: chatBody.messages,
    });
    const stream = await openai.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: [{ type: "text", text: "hello there world" }] }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const content = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    expect(content).toBe(plain.choices[0]?.message.content);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk")).toBe(true);
    const finish = chunks[chunks.length - 2];
    expect(finish?.choices[0]?.finish_reason).toBe("stop");
    const last = chunks[chunks.length - 1];
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    expect(upstream.requests[1]?.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it("streams chat over plain fetch ending with [DONE], without usage unless asked", async () => {
    const response = await postJson("/chat/completions", { ...chatBody, stream: true });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const events = await readEvents(response);
    expect(events[events.length - 1]).toBe("[DONE]");
    const chunks = events
      .slice(0, -1)
      .map((event) => JSON.parse(event) as { usage?: unknown; choices: { delta: { content?: string } }[] });
    expect(chunks.every((chunk) => chunk.usage === undefined)).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe(
      "echo: hello there world",
    );
  });

  it("answers text completions as JSON and as a stream", async () => {
    const openai = client();
    const completion = await openai.completions.create({ model: "text-test", prompt: "say this" });
    expect(completion).toMatchObject({
      object: "text_completion",
      model: "text-test",
      choices: [{ text: "echo: say this", index: 0, logprobs: null, finish_reason: "stop" }],
      usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
    });
    const stream = await openai.completions.create({
      model: "text-test",
      prompt: "say this",
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.text ?? "").join("")).toBe("echo: say this");
    expect(chunks[chunks.length - 1]?.usage?.total_tokens).toBe(5);
  });

  it("answers deterministic embeddings, one per input, in float and base64 encodings", async () => {
    const openai = client();
    // The openai client asks for base64 and decodes it.
    const viaClient = await openai.embeddings.create({ model: "embed-test", input: ["alpha", "beta gamma"] });
    const viaFetch = await readJson<EmbeddingsJson>(
      await postJson("/embeddings", { model: "embed-test", input: ["alpha", "beta gamma"] }),
    );
    expect(upstream.requests[0]?.body).toMatchObject({ encoding_format: "base64" });
    expect(viaClient.data).toHaveLength(2);
    expect(viaClient.data.map((item) => item.embedding)).toEqual(viaFetch.data.map((item) => item.embedding));
    expect(viaFetch.data[0]?.embedding).toEqual(embeddingVector("alpha", 8));
    expect(viaFetch.data[0]?.embedding).not.toEqual(viaFetch.data[1]?.embedding);
    expect(viaFetch).toMatchObject({
      object: "list",
      model: "embed-test",
      data: [
        { object: "embedding", index: 0 },
        { object: "embedding", index: 1 },
      ],
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
    const sized = await openai.embeddings.create({ model: "embed-test", input: "alpha", dimensions: 4 });
    expect(sized.data[0]?.embedding).toHaveLength(4);
  });

  it("lists models", async () => {
    const models = [];
    for await (const model of client().models.list()) models.push(model);
    expect(models).toEqual([
      { id: "fake-model", object: "model", created: expect.any(Number), owned_by: "fake-upstream" },
    ]);
  });

  it("rejects a body that is not JSON with a 400", async () => {
    const response = await fetch(`${upstream.baseUrl}/chat/completions`, { method: "POST", body: "{oops" });
    expect(response.status).toBe(400);
    expect(upstream.requests[0]?.body).toBe("{oops");
  });
});

describe("prefix", () => {
  it("answers 404 with an OpenAI error body outside the prefix, and records the request", async () => {
    const response = await fetch(`${upstream.url}/chat/completions`, { method: "POST", body: "{}" });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: { message: "Not Found", type: "invalid_request_error" },
    });
    await expect(
      client(upstream.url).chat.completions.create({
        model: "m",
        messages: [{ role: "user", content: "x" }],
      }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect(upstream.requests.map((request) => request.path)).toEqual([
      "/chat/completions",
      "/chat/completions",
    ]);
  });

  it("does not consume a scripted behaviour on a 404", async () => {
    upstream.script({ kind: "error", status: 500 });
    expect((await fetch(`${upstream.url}/models`)).status).toBe(404);
    expect((await fetch(`${upstream.baseUrl}/unknown`)).status).toBe(404);
    expect((await fetch(`${upstream.baseUrl}/models`)).status).toBe(500);
  });

  it("serves under a custom prefix", async () => {
    const other = await startFakeUpstream({ prefix: "/openai/v1" });
    try {
      expect(other.baseUrl).toBe(`${other.url}/openai/v1`);
      expect((await fetch(`${other.baseUrl}/models`)).status).toBe(200);
      expect((await fetch(`${other.url}/v1/models`)).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});

describe("scripted behaviours", () => {
  it("consumes the script in order, then falls back to the default", async () => {
    upstream.script(
      { kind: "json", status: 201, body: { first: true }, headers: { "x-extra": "yes" } },
      { kind: "json", body: "{not json" },
    );
    const first = await postJson("/chat/completions", chatBody);
    expect(first.status).toBe(201);
    expect(first.headers.get("x-extra")).toBe("yes");
    expect(await first.json()).toEqual({ first: true });
    expect(await (await postJson("/chat/completions", chatBody)).text()).toBe("{not json");
    const third = await readJson<ChatCompletionJson>(await postJson("/chat/completions", chatBody));
    expect(third.choices[0]?.message.content).toBe("echo: hello there world");
  });

  it("delays a json answer", async () => {
    upstream.script({ kind: "json", body: {}, delayMs: 150 });
    const started = Date.now();
    await postJson("/embeddings", {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("answers 429 with retry-after, which the openai client raises as RateLimitError", async () => {
    upstream.script({ kind: "error", status: 429, headers: { "retry-after": "7" } });
    const error = await client()
      .chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, code: "rate_limit_exceeded" });
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get("retry-after")).toBe("7");
  });

  it("sends a custom error body", async () => {
    const body = {
      error: { message: "maximum context length is 8 tokens", code: "context_length_exceeded" },
    };
    upstream.script({ kind: "error", status: 400, body });
    const response = await postJson("/chat/completions", chatBody);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(body);
  });

  it("streams scripted chunks: objects framed as data events, strings verbatim, with delays", async () => {
    upstream.script({
      kind: "stream",
      chunks: [{ n: 1 }, ": a comment\r\n\r\n", { n: 2 }],
      delayMs: 60,
    });
    const started = Date.now();
    const text = await (await postJson("/chat/completions", { stream: true })).text();
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    expect(text).toBe('data: {"n":1}\n\n: a comment\r\n\r\ndata: {"n":2}\n\ndata: [DONE]\n\n');
  });

  it("leaves out [DONE] when done is false", async () => {
    upstream.script({ kind: "stream", chunks: [{ n: 1 }], done: false });
    expect(await (await postJson("/chat/completions", {})).text()).toBe('data: {"n":1}\n\n');
  });

  it("destroys the socket after dieAfter chunks", async () => {
    upstream.script({ kind: "stream", chunks: [{ n: 1 }, { n: 2 }, { n: 3 }], dieAfter: 2 });
    const response = await postJson("/chat/completions", {});
    expect(response.status).toBe(200);
    const reader = response.body?.getReader();
    if (reader === undefined) throw new Error("no body");
    const decoder = new TextDecoder();
    let received = "";
    const error = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        received += decoder.decode(value, { stream: true });
      }
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(received).toBe('data: {"n":1}\n\ndata: {"n":2}\n\n');
    // The server cut the connection: that is not a client abort.
    expect(upstream.aborted).toEqual([]);
  });

  it("makes the openai client fail mid-stream when the stream dies", async () => {
    upstream.script({
      kind: "stream",
      chunks: [{ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [] }],
      dieAfter: 1,
    });
    const stream = await client().chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "x" }],
      stream: true,
    });
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) seen.push(chunk);
      })(),
    ).rejects.toThrow();
    expect(seen).toHaveLength(1);
  });

  it("hangs until the client gives up, recording the abort, and still closes promptly", async () => {
    upstream.script({ kind: "hang" });
    const started = Date.now();
    await expect(
      postJson("/chat/completions", chatBody, { signal: AbortSignal.timeout(150) }),
    ).rejects.toThrow();
    await upstream.waitForAborted(1, 2000);
    const abortedAt = upstream.aborted[0]?.abortedAt ?? 0;
    expect(abortedAt - started).toBeGreaterThanOrEqual(140);
    expect(upstream.aborted[0]?.path).toBe("/v1/chat/completions");
  });

  it("closes promptly while a request hangs and another waits in a delay", async () => {
    upstream.script({ kind: "hang" }, { kind: "slow-first-byte", delayMs: 60_000 });
    const pending = [
      postJson("/chat/completions", chatBody).catch((error: unknown) => error),
      postJson("/chat/completions", chatBody).catch((error: unknown) => error),
    ];
    await upstream.waitForRequests(2);
    const started = Date.now();
    await upstream.close();
    expect(Date.now() - started).toBeLessThan(1000);
    for (const result of await Promise.all(pending)) expect(result).toBeInstanceOf(Error);
    expect(upstream.aborted).toEqual([]);
  });

  it("records a client that disconnects mid-stream as aborted", async () => {
    upstream.script({ kind: "stream", chunks: [{ n: 1 }, { n: 2 }], delayMs: 5000 });
    const controller = new AbortController();
    const response = await postJson("/chat/completions", {}, { signal: controller.signal });
    const reader = response.body?.getReader();
    await reader?.read();
    controller.abort();
    await upstream.waitForAborted(1, 2000);
  });

  it("delays the first byte, then gives the default answer", async () => {
    upstream.script({ kind: "slow-first-byte", delayMs: 200 });
    const started = Date.now();
    const stream = await client().chat.completions.create({ ...chatBody, stream: true as const });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    let content = "";
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? "";
    expect(content).toBe("echo: hello there world");
  });

  it("resets the connection, which the openai client raises as APIConnectionError", async () => {
    upstream.script({ kind: "reset" }, { kind: "reset" });
    const error = await postJson("/embeddings", {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    await expect(client().embeddings.create({ model: "m", input: "x" })).rejects.toBeInstanceOf(
      OpenAI.APIConnectionError,
    );
    expect(upstream.requests).toHaveLength(2);
    expect(upstream.aborted).toEqual([]);
  });

  it("uses a new default, and clear() forgets requests and the script", async () => {
    upstream.setDefault({ kind: "error", status: 503 });
    upstream.script({ kind: "json", body: { scripted: true } });
    upstream.clear();
    expect((await fetch(`${upstream.baseUrl}/models`)).status).toBe(503);
    expect((await fetch(`${upstream.baseUrl}/models`)).status).toBe(503);
    expect(upstream.requests).toHaveLength(2);
    upstream.setDefault({ kind: "default" });
    expect((await fetch(`${upstream.baseUrl}/models`)).status).toBe(200);
  });
});

describe("api key", () => {
  it("answers 401 without the expected bearer key", async () => {
    const guarded = await startFakeUpstream({ apiKey: "sk-right" });
    try {
      const wrong = new OpenAI({ apiKey: "sk-wrong", baseURL: guarded.baseUrl, maxRetries: 0 });
      await expect(wrong.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
      const right = new OpenAI({ apiKey: "sk-right", baseURL: guarded.baseUrl, maxRetries: 0 });
      expect((await right.models.list()).data).toHaveLength(1);
    } finally {
      await guarded.close();
    }
  });
});
