import OpenAI, { AzureOpenAI } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ProxyProcess, runCli, startProxy } from "../fakes/proxy-process.js";
import { rawExchange } from "../fakes/raw-http.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { assertMatchesOpenAISchema } from "../spec/openai-schemas.js";

const MASTER_KEY = "sk-master-1234";

let upstream: FakeUpstream;
let proxy: ProxyProcess;
let client: OpenAI;

function config(upstreamBase: string): string {
  return `
model_list:
  - model_name: my-model
    litellm_params:
      model: openai/upstream-model
      api_base: ${upstreamBase}
      api_key: os.environ/E2E_UPSTREAM_KEY
  - model_name: no-system
    litellm_params:
      model: openai/plain-model
      api_base: ${upstreamBase}/
      api_key: sk-upstream
      supports_system_message: false
  - model_name: text-model
    litellm_params:
      model: text-completion-openai/text-model
      api_base: ${upstreamBase}
      api_key: sk-upstream
  - model_name: embedder
    litellm_params:
      model: openai/embed-model
      api_base: ${upstreamBase}
      api_key: sk-upstream
  - model_name: quick-timeout
    litellm_params:
      model: openai/slow
      api_base: ${upstreamBase}
      api_key: sk-upstream
      timeout: 0.5
  - model_name: no-v1
    litellm_params:
      model: openai/x
      api_base: ${upstreamBase.replace(/\/v1$/, "")}
      api_key: sk-upstream
  - model_name: retry-once
    litellm_params:
      model: openai/flaky
      api_base: ${upstreamBase}
      api_key: sk-upstream
      max_retries: 1
  - model_name: "wild/*"
    litellm_params:
      model: "openai/*"
      api_base: ${upstreamBase}
      api_key: sk-upstream
  - model_name: unreachable
    litellm_params:
      model: openai/x
      api_base: http://127.0.0.1:1/v1
      api_key: sk-upstream
router_settings:
  num_retries: 0
general_settings:
  master_key: ${MASTER_KEY}
  max_request_size_mb: 0.05
`;
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  proxy = await startProxy({
    config: config(upstream.baseUrl),
    env: { E2E_UPSTREAM_KEY: "sk-upstream-from-env" },
  });
  client = new OpenAI({ apiKey: MASTER_KEY, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await proxy?.stop();
  await upstream?.close();
});

beforeEach(() => {
  upstream.clear();
});

function upstreamBody(index = 0): Record<string, unknown> {
  const request = upstream.requests[index];
  if (request === undefined) throw new Error(`the upstream received no request #${index}`);
  return request.body as Record<string, unknown>;
}

async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${proxy.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json", ...headers },
    body,
  });
}

describe("chat completions through the proxy", () => {
  it("replaces the model name and sends the deployment's key, never the client's", async () => {
    const completion = await client.chat.completions.create({
      model: "my-model",
      messages: [{ role: "user", content: "hello there" }],
    });
    expect(completion.choices[0]?.message.content).toBe("echo: hello there");
    const received = upstream.requests[0];
    expect(received?.path).toBe("/v1/chat/completions");
    expect(received?.headers.authorization).toBe("Bearer sk-upstream-from-env");
    const raw = await post(
      "/v1/chat/completions",
      JSON.stringify({ model: "my-model", messages: [{ role: "user", content: "h" }] }),
    );
    expect(raw.headers.get("x-llmgate-timeout")).toBe("600");
    expect(raw.headers.get("x-llmgate-model-group")).toBe("my-model");
    expect(upstreamBody().model).toBe("upstream-model");
  });

  it("streams chunk by chunk with the same content as the JSON answer, ending in [DONE]", async () => {
    const messages = [{ role: "user" as const, content: "stream me some words please" }];
    const whole = await client.chat.completions.create({ model: "my-model", messages });
    const stream = await client.chat.completions.create({ model: "my-model", messages, stream: true });
    let text = "";
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      expect(chunk.object).toBe("chat.completion.chunk");
      text += chunk.choices[0]?.delta.content ?? "";
    }
    expect(chunks).toBeGreaterThan(2);
    expect(text).toBe(whole.choices[0]?.message.content);

    const raw = await post(
      "/chat/completions",
      JSON.stringify({ model: "my-model", messages, stream: true }),
    );
    expect(raw.headers.get("content-type")).toContain("text/event-stream");
    expect((await raw.text()).trimEnd().endsWith("data: [DONE]")).toBe(true);
  });

  it("passes every OpenAI field through untouched", async () => {
    const tools = [{ type: "function" as const, function: { name: "f", parameters: { type: "object" } } }];
    await client.chat.completions.create({
      model: "my-model",
      messages: [{ role: "user", content: "x" }],
      tools,
      tool_choice: "auto",
      response_format: { type: "json_object" },
      seed: 7,
      n: 1,
      stop: ["\n"],
      user: "u-1",
      logprobs: true,
      // @ts-expect-error an unknown field passes through
      custom_field: { a: 1 },
    });
    const body = upstreamBody();
    expect(body.tools).toEqual(tools);
    expect(body.tool_choice).toBe("auto");
    expect(body.response_format).toEqual({ type: "json_object" });
    expect(body.seed).toBe(7);
    expect(body.stop).toEqual(["\n"]);
    expect(body.user).toBe("u-1");
    expect(body.custom_field).toEqual({ a: 1 });
  });

  it("maps system messages onto user messages when the deployment does not support them", async () => {
    await client.chat.completions.create({
      model: "no-system",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "hi" },
        { role: "system", content: "last words" },
      ],
    });
    const body = upstreamBody();
    expect(body.messages).toEqual([
      { role: "user", content: "be brief hi" },
      { role: "user", content: "last words" },
    ]);
  });

  it("serves any name of a wildcard group, non-ASCII names included, streamed or not", async () => {
    for (const stream of [false, true]) {
      const response = await post(
        "/v1/chat/completions",
        JSON.stringify({ model: "wild/模型", messages: [{ role: "user", content: "w" }], stream }),
      );
      expect(response.status).toBe(200);
      expect(response.headers.get("x-llmgate-model-group")).toBe(encodeURIComponent("wild/模型"));
      expect(await response.text()).toContain(stream ? "data: [DONE]" : "echo: w");
    }
    expect(upstreamBody().model).toBe("模型");
  });

  it("serves the Azure-style and engines paths with the model from the path", async () => {
    for (const path of [
      "/openai/deployments/my-model/chat/completions",
      "/engines/my-model/chat/completions",
    ]) {
      const response = await post(path, JSON.stringify({ messages: [{ role: "user", content: "p" }] }));
      expect(response.status).toBe(200);
      expect(((await response.json()) as { object: string }).object).toBe("chat.completion");
      // The path's model wins over the body's.
      const named = await post(
        path,
        JSON.stringify({ model: "embedder", messages: [{ role: "user", content: "p" }] }),
      );
      expect(named.status).toBe(200);
      expect(upstreamBody(upstream.requests.length - 1).model).toBe("upstream-model");
    }
    const azure = new AzureOpenAI({
      endpoint: proxy.url,
      deployment: "my-model",
      apiVersion: "2024-10-21",
      apiKey: MASTER_KEY,
      maxRetries: 0,
    });
    const answer = await azure.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "az" }],
    });
    expect(answer.choices[0]?.message.content).toBe("echo: az");
    expect(upstreamBody(upstream.requests.length - 1).model).toBe("upstream-model");
  });
});

describe("answers in OpenAI's shape", () => {
  it("relays a server's answer with what it left out filled in, and a 200 error body as an error", async () => {
    upstream.script({
      kind: "json",
      body: { choices: [{ message: { content: "hi" }, finish_reason: "eos_token" }] },
    });
    const answer = await client.chat.completions.create({
      model: "my-model",
      messages: [{ role: "user", content: "x" }],
    });
    assertMatchesOpenAISchema("CreateChatCompletionResponse", answer);
    expect(answer).toMatchObject({ object: "chat.completion", model: "upstream-model" });
    upstream.script({
      kind: "json",
      body: { error: { message: "overloaded", type: "server_error", code: "503" } },
    });
    const error = await client.chat.completions
      .create({ model: "my-model", messages: [{ role: "user", content: "x" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
  });

  it("does not pass a stream answered without events for an empty answer", async () => {
    const answer = {
      id: "chatcmpl-j",
      object: "chat.completion",
      created: 1,
      model: "upstream-model",
      choices: [{ index: 0, message: { role: "assistant", content: "json" }, finish_reason: "stop" }],
    };
    upstream.script(
      { kind: "json", body: answer },
      { kind: "json", body: answer },
      { kind: "json", body: answer },
    );
    const response = await post(
      "/v1/chat/completions",
      JSON.stringify({ model: "my-model", messages: [{ role: "user", content: "x" }], stream: true }),
    );
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toContain("without an event stream");
  });

  it("encodes float embeddings as base64 when the client asked base64 (its default) and the server ignored it", async () => {
    const floats = {
      object: "list",
      data: [{ object: "embedding", index: 0, embedding: [0.5, -0.25, 2] }],
      model: "embed-model",
      usage: { prompt_tokens: 1, total_tokens: 1 },
    };
    upstream.script({ kind: "json", body: floats }, { kind: "json", body: floats });
    const decoded = await client.embeddings.create({ model: "embedder", input: "x" });
    expect(upstreamBody().encoding_format).toBe("base64");
    expect(decoded.data[0]?.embedding).toEqual([0.5, -0.25, 2]);
    const asFloats = await client.embeddings.create({
      model: "embedder",
      input: "x",
      encoding_format: "float",
    });
    expect(asFloats.data[0]?.embedding).toEqual([0.5, -0.25, 2]);
  });
});

describe("completions, embeddings, models", () => {
  it("text completions go to /completions", async () => {
    const completion = await client.completions.create({ model: "text-model", prompt: "say hi" });
    expect(completion.object).toBe("text_completion");
    expect(upstream.requests[0]?.path).toBe("/v1/completions");
    const stream = await client.completions.create({ model: "text-model", prompt: "say hi", stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? "";
    expect(text).toBe(completion.choices[0]?.text);
  });

  it("embeddings", async () => {
    const result = await client.embeddings.create({
      model: "embedder",
      input: ["good morning", "good night"],
    });
    expect(result.data).toHaveLength(2);
    expect(upstream.requests[0]?.path).toBe("/v1/embeddings");
    expect(upstreamBody().model).toBe("embed-model");
  });

  it("lists the configured model names under /models and /v1/models", async () => {
    const models = await client.models.list();
    const ids = models.data.map((model) => model.id);
    expect(ids).toContain("my-model");
    expect(ids).toContain("embedder");
    const bare = await fetch(`${proxy.url}/models`, { headers: { authorization: `Bearer ${MASTER_KEY}` } });
    expect(bare.status).toBe(200);
  });

  it("answers the liveliness and readiness probes without a key", async () => {
    expect((await fetch(`${proxy.url}/health/liveliness`)).status).toBe(200);
    expect((await fetch(`${proxy.url}/health/readiness`)).status).toBe(200);
  });
});

describe("authentication", () => {
  it("refuses a missing or wrong key with 401 and OpenAI's error shape", async () => {
    const wrong = new OpenAI({ apiKey: "sk-wrong", baseURL: `${proxy.url}/v1`, maxRetries: 0 });
    await expect(
      wrong.chat.completions.create({ model: "my-model", messages: [{ role: "user", content: "x" }] }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const none = await fetch(`${proxy.url}/v1/chat/completions`, { method: "POST", body: "{}" });
    expect(none.status).toBe(401);
    expect(none.headers.get("x-llmgate-call-id")).toBeTruthy();
    expect(none.headers.get("x-llmgate-response-duration-ms")).toBeTruthy();
    const body = (await none.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBe("authentication_error");
    expect(upstream.requests).toHaveLength(0);
  });

  it("accepts the key in x-api-key and api-key headers", async () => {
    const body = JSON.stringify({ model: "my-model", messages: [{ role: "user", content: "k" }] });
    for (const name of ["x-api-key", "api-key"]) {
      const response = await fetch(`${proxy.url}/v1/chat/completions`, {
        method: "POST",
        headers: { [name]: MASTER_KEY, "content-type": "application/json" },
        body,
      });
      expect(response.status).toBe(200);
    }
  });

  it("refuses api_base, api_key and other redirections in the body", async () => {
    for (const field of ["api_base", "api_key", "base_url", "organization", "extra_headers", "extra_body"]) {
      const response = await post(
        "/v1/chat/completions",
        JSON.stringify({
          model: "my-model",
          messages: [{ role: "user", content: "x" }],
          [field]: "http://127.0.0.1:9/v1",
        }),
      );
      expect(response.status).toBe(400);
    }
    expect(upstream.requests).toHaveLength(0);
  });
});

describe("bad input", () => {
  it("answers malformed JSON, a missing model or messages, and an unknown model with 400, and keeps serving", async () => {
    const malformed = await post("/v1/chat/completions", "{not json");
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get("x-llmgate-call-id")).toBeTruthy();
    const missingModel = await post("/v1/chat/completions", JSON.stringify({ messages: [] }));
    expect(missingModel.status).toBe(400);
    const missingMessages = await post("/v1/chat/completions", JSON.stringify({ model: "my-model" }));
    expect(missingMessages.status).toBe(400);
    const unknown = await post(
      "/v1/chat/completions",
      JSON.stringify({ model: "nope", messages: [{ role: "user", content: "x" }] }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get("x-llmgate-call-id")).toBeTruthy();
    expect(Number(unknown.headers.get("x-llmgate-response-duration-ms"))).toBeGreaterThanOrEqual(0);
    const unknownBody = (await unknown.json()) as { error: { message: string } };
    expect(unknownBody.error.message).toContain("my-model");
    const ok = await client.chat.completions.create({
      model: "my-model",
      messages: [{ role: "user", content: "still" }],
    });
    expect(ok.choices[0]?.message.content).toBe("echo: still");
  });

  it("refuses wrong types of the fields it acts on, and a body too deeply nested to send, with 400", async () => {
    const base = { model: "my-model", messages: [{ role: "user", content: "x" }] };
    for (const [extra, param] of [
      [{ stream: "yes" }, "stream"],
      [{ stream_options: "x" }, "stream_options"],
      [{ fallbacks: 123 }, "fallbacks"],
      [{ fallbacks: { a: 1 } }, "fallbacks"],
    ] as const) {
      const response = await post("/v1/chat/completions", JSON.stringify({ ...base, ...extra }));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { param: string } }).error.param).toBe(param);
    }
    const nested = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    const deep = await post("/v1/chat/completions", `${JSON.stringify(base).slice(0, -1)},"x":${nested}}`);
    expect(deep.status).toBe(400);
    expect(deep.headers.get("x-llmgate-attempted-retries")).toBe("0");
    expect(upstream.requests).toHaveLength(0);
  });

  it("keeps a huge client timeout working (Node's timers stop at 2^31 ms)", async () => {
    const response = await post(
      "/v1/chat/completions",
      JSON.stringify({ model: "my-model", messages: [{ role: "user", content: "t" }], timeout: 1e10 }),
    );
    expect(response.status).toBe(200);
  });

  it("answers requests refused before routing (bad request line, huge headers, bad URL) in OpenAI's shape", async () => {
    const garbage = await rawExchange(proxy.url, "BLAH\r\n\r\n");
    expect(garbage).toMatch(/^HTTP\/1\.1 400/);
    expect(garbage).toContain('{"error":{"message":"malformed HTTP request');
    const huge = await rawExchange(
      proxy.url,
      `GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
    );
    expect(huge).toMatch(/^HTTP\/1\.1 431/);
    expect(huge).toContain('"type":"invalid_request_error"');
    const badUrl = await post("/engines/%ZZ/chat/completions", "{}");
    expect(badUrl.status).toBe(400);
    expect(((await badUrl.json()) as { error: { message: string } }).error.message).toContain(
      "malformed request",
    );
    const longName = await post(
      `/engines/${"m".repeat(300)}/chat/completions`,
      JSON.stringify({ messages: [{ role: "user", content: "x" }] }),
    );
    expect(longName.status).toBe(400);
    expect(((await longName.json()) as { error: { message: string } }).error.message).toContain(
      "this proxy serves",
    );
  });

  it("reads a JSON body whatever content type the client gives it", async () => {
    const body = JSON.stringify({ model: "my-model", messages: [{ role: "user", content: "typed" }] });
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "application/octet-stream"]) {
      const response = await post("/v1/chat/completions", body, { "content-type": type });
      expect(response.status).toBe(200);
    }
  });

  it("answers an oversized body with 413", async () => {
    const response = await post(
      "/v1/chat/completions",
      JSON.stringify({ model: "my-model", messages: [{ role: "user", content: "x".repeat(100_000) }] }),
    );
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      "max_request_size_mb",
    );
  });
});

describe("upstream failures", () => {
  it("keeps the upstream status for 401/403/404/429/5xx, and retry-after on 429", async () => {
    for (const status of [401, 403, 404, 429, 500, 503]) {
      upstream.script({ kind: "error", status, headers: status === 429 ? { "retry-after": "7" } : {} });
      const response = await post(
        "/v1/chat/completions",
        JSON.stringify({ model: "my-model", messages: [{ role: "user", content: "x" }] }),
      );
      expect(response.status).toBe(status);
      if (status === 429) expect(response.headers.get("retry-after")).toBe("7");
      const body = (await response.json()) as { error: { message: string } };
      expect(typeof body.error.message).toBe("string");
    }
  });

  it("honours a deployment's max_retries", async () => {
    upstream.script({ kind: "error", status: 500 });
    const response = await post(
      "/v1/chat/completions",
      JSON.stringify({ model: "retry-once", messages: [{ role: "user", content: "again" }] }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("x-llmgate-max-retries")).toBe("1");
    expect(response.headers.get("x-llmgate-attempted-retries")).toBe("1");
    expect(upstream.requests).toHaveLength(2);
    upstream.script({ kind: "error", status: 500 }, { kind: "error", status: 500 });
    const failed = await post(
      "/v1/chat/completions",
      JSON.stringify({ model: "retry-once", messages: [{ role: "user", content: "again" }] }),
    );
    expect(failed.status).toBe(500);
    expect(upstream.requests).toHaveLength(4);
  });

  it("raises the official client's error classes", async () => {
    upstream.script({ kind: "error", status: 429 });
    await expect(
      client.chat.completions.create({ model: "my-model", messages: [{ role: "user", content: "x" }] }),
    ).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    upstream.script({
      kind: "error",
      status: 400,
      body: {
        error: {
          message: "This model's maximum context length is 10 tokens",
          code: "context_length_exceeded",
        },
      },
    });
    const error = await client.chat.completions
      .create({ model: "my-model", messages: [{ role: "user", content: "x" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("context_length_exceeded");
  });

  it("answers 502 for an unreachable upstream and 408 for a timeout", async () => {
    const unreachable = await post(
      "/v1/chat/completions",
      JSON.stringify({ model: "unreachable", messages: [{ role: "user", content: "x" }] }),
    );
    expect(unreachable.status).toBe(502);
    upstream.script({ kind: "hang" });
    const slow = await post(
      "/v1/chat/completions",
      JSON.stringify({ model: "quick-timeout", messages: [{ role: "user", content: "x" }] }),
    );
    expect(slow.status).toBe(408);
  });

  it("suggests /v1 when an api_base without it gets a 404", async () => {
    const response = await post(
      "/v1/chat/completions",
      JSON.stringify({ model: "no-v1", messages: [{ role: "user", content: "x" }] }),
    );
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain("/v1");
  });

  it("sends a failure in the middle of a stream as an SSE error event", async () => {
    upstream.script({
      kind: "stream",
      chunks: [
        {
          id: "c",
          object: "chat.completion.chunk",
          created: 1,
          model: "m",
          choices: [{ index: 0, delta: { role: "assistant", content: "par" }, finish_reason: null }],
        },
        {
          id: "c",
          object: "chat.completion.chunk",
          created: 1,
          model: "m",
          choices: [{ index: 0, delta: { content: "tial" }, finish_reason: null }],
        },
      ],
      dieAfter: 2,
    });
    const response = await post(
      "/v1/chat/completions",
      JSON.stringify({ model: "my-model", messages: [{ role: "user", content: "x" }], stream: true }),
    );
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('"content":"par"');
    expect(text).toContain("event: error");
    expect(text).toMatch(/data: \{"error":\{"message":/);
    expect(text).not.toContain("[DONE]");
  });

  it("aborts the upstream request within a second when the client disconnects mid-stream", async () => {
    upstream.script({
      kind: "stream",
      chunks: Array.from({ length: 50 }, (_, index) => ({
        id: "c",
        object: "chat.completion.chunk",
        created: 1,
        model: "m",
        choices: [{ index: 0, delta: { content: `w${index} ` }, finish_reason: null }],
      })),
      delayMs: 200,
    });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: "my-model", messages: [{ role: "user", content: "x" }], stream: true },
      { signal: controller.signal },
    );
    for await (const _chunk of stream) {
      controller.abort();
      break;
    }
    const abortedAt = Date.now();
    await upstream.waitForAborted(1, 2000);
    expect((upstream.aborted[0]?.receivedAt ?? 0) > 0).toBe(true);
    expect(Date.now() - abortedAt).toBeLessThan(1000);
  });
});

describe("configuration at start", () => {
  it("refuses a wrong field with its path and line, and exits non-zero", async () => {
    const { mkdtemp, writeFile } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const directory = await mkdtemp(join(tmpdir(), "llmgate-bad-config-"));
    const file = join(directory, "config.yaml");
    await writeFile(
      file,
      "model_list:\n  - model_name: a\n    litellm_params:\n      model: openai/x\n      api_bse: http://x\n",
    );
    const result = await runCli(["--config", file, "--port", "0"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("model_list[0].litellm_params.api_bse");
    expect(result.stderr).toContain(":5:");
    expect(result.stderr).toContain("api_base");
  });
});
