/**
 * ollama/<model> and ollama_chat/<model> end to end: the real CLI with a LiteLLM config, the fake
 * Ollama server on loopback, and the official openai client; plus the SDK's completion(),
 * textCompletion() and embedding() in-process.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  APIConnectionError,
  completion,
  embedding,
  NotFoundError,
  textCompletion,
  UnsupportedParamsError,
} from "../../src/index.js";
import { type FakeOllama, startFakeOllama } from "../fakes/ollama-upstream.js";
import { type ProxyProcess, pickFreePort, startProxy } from "../fakes/proxy-process.js";
import { assertMatchesOpenAISchema } from "../spec/openai-schemas.js";

const MASTER_KEY = "sk-master-ollama";

let fake: FakeOllama;
let proxy: ProxyProcess;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeOllama();
  proxy = await startProxy({
    config: `
model_list:
  - model_name: llama
    litellm_params:
      model: ollama_chat/llama3.2
      api_base: ${fake.url}
  - model_name: llama-generate
    litellm_params:
      model: ollama/llama3.2
      api_base: ${fake.url}/
  - model_name: qwen
    litellm_params:
      model: ollama_chat/qwen3
      api_base: os.environ/E2E_OLLAMA_BASE
  - model_name: embedder
    litellm_params:
      model: ollama/all-minilm
      api_base: ${fake.url}
  - model_name: not-pulled
    litellm_params:
      model: ollama_chat/mistral-nemo
      api_base: ${fake.url}
router_settings:
  num_retries: 0
general_settings:
  master_key: ${MASTER_KEY}
`,
    env: { E2E_OLLAMA_BASE: fake.url },
  });
  client = new OpenAI({ apiKey: MASTER_KEY, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await proxy?.stop();
  await fake?.close();
});

beforeEach(() => fake.clear());

function lastRequest() {
  const request = fake.requests.at(-1);
  if (request === undefined) throw new Error("the fake Ollama server received no request");
  return request;
}

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather of a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

type Reasoning = { reasoning_content?: string };

describe("ollama_chat/ and ollama/ through the proxy with the openai client", () => {
  it("starts without a provider warning", () => {
    expect(proxy.stderr()).not.toMatch(/unknown provider|not implemented/i);
  });

  it("answers a chat completion through /api/chat", async () => {
    const response = await client.chat.completions.create({
      model: "llama",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "hello there" },
      ],
      max_tokens: 100,
      temperature: 0.3,
    });
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    expect(response.choices[0]?.message.content).toBe("echo: hello there");
    expect(response.choices[0]?.finish_reason).toBe("stop");
    expect(response.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(response.usage?.completion_tokens).toBeGreaterThan(0);
    const request = lastRequest();
    expect(request.path).toBe("/api/chat");
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toEqual({
      model: "llama3.2",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "hello there" },
      ],
      stream: false,
      options: { num_predict: 100, temperature: 0.3 },
    });
  });

  it("streams chunks the spec accepts, with usage when asked", async () => {
    const stream = await client.chat.completions.create({
      model: "llama",
      messages: [{ role: "user", content: "stream this, héllo 👋" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    for (const chunk of chunks) assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe(
      "echo: stream this, héllo 👋",
    );
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === "stop")).toBe(true);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
    expect(lastRequest().body.stream).toBe(true);
  });

  it("streams without a usage chunk when the client did not ask for one", async () => {
    const stream = await client.chat.completions.create({
      model: "llama",
      messages: [{ role: "user", content: "no usage" }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.choices.length === 1)).toBe(true);
  });

  it("calls tools and takes their results back as tool messages with tool_name", async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Weather in Paris?" }];
    const response = await client.chat.completions.create({ model: "llama", messages, tools: [weatherTool] });
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    const choice = response.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    const toolCall = choice?.message.tool_calls?.[0];
    if (toolCall?.type !== "function") throw new Error("expected a function tool call");
    expect(toolCall.id).toMatch(/^call_fake_\d+$/); // Ollama's own id, kept
    expect(toolCall.function.name).toBe("get_weather");
    expect(JSON.parse(toolCall.function.arguments)).toEqual({ city: "example" });
    expect(lastRequest().body.tools).toEqual([weatherTool]);
    const answer = await client.chat.completions.create({
      model: "llama",
      tools: [weatherTool],
      messages: [
        ...messages,
        { role: "assistant", content: null, tool_calls: [toolCall] },
        { role: "tool", tool_call_id: toolCall.id, content: "18C and sunny" },
      ],
    });
    expect(answer.choices[0]?.message.content).toBe("tool results: get_weather=18C and sunny");
    const sent = lastRequest().body.messages as Record<string, unknown>[];
    expect(sent[1]).toEqual({
      role: "assistant",
      content: "",
      tool_calls: [{ id: toolCall.id, function: { name: "get_weather", arguments: { city: "example" } } }],
    });
    expect(sent[2]).toEqual({ role: "tool", content: "18C and sunny", tool_name: "get_weather" });
  });

  it("streams a tool call whose argument pieces add up to the JSON", async () => {
    const stream = await client.chat.completions.create({
      model: "llama",
      messages: [{ role: "user", content: "Weather in Rome?" }],
      tools: [weatherTool],
      stream: true,
    });
    let name = "";
    let args = "";
    let id = "";
    let finishReason: string | null = null;
    for await (const chunk of stream) {
      assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", chunk);
      for (const toolCall of chunk.choices[0]?.delta.tool_calls ?? []) {
        expect(toolCall.index).toBe(0);
        id += toolCall.id ?? "";
        name += toolCall.function?.name ?? "";
        args += toolCall.function?.arguments ?? "";
      }
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    }
    expect(id).toMatch(/^call_/);
    expect(name).toBe("get_weather");
    expect(JSON.parse(args)).toEqual({ city: "example" });
    expect(finishReason).toBe("tool_calls");
  });

  it("maps reasoning_effort to think and thinking to reasoning_content, streamed and not", async () => {
    const messages = [{ role: "user" as const, content: "Count" }];
    const response = await client.chat.completions.create({
      model: "qwen",
      messages,
      reasoning_effort: "low",
    });
    expect((response.choices[0]?.message as Reasoning | undefined)?.reasoning_content).toBe(
      "Thinking about: Count",
    );
    expect(response.choices[0]?.message.content).toBe("echo: Count");
    expect(lastRequest().body.think).toBe(true);
    const stream = await client.chat.completions.create({
      model: "qwen",
      messages,
      reasoning_effort: "low",
      stream: true,
    });
    let reasoning = "";
    for await (const chunk of stream)
      reasoning += (chunk.choices[0]?.delta as Reasoning | undefined)?.reasoning_content ?? "";
    expect(reasoning).toBe("Thinking about: Count");
  });

  it("answers a json_schema response_format as JSON content (format is the schema)", async () => {
    const schema = { type: "object", properties: { name: { type: "string" }, age: { type: "integer" } } };
    const response = await client.chat.completions.create({
      model: "llama",
      messages: [{ role: "user", content: "A person, please" }],
      response_format: { type: "json_schema", json_schema: { name: "person", schema } },
    });
    expect(JSON.parse(response.choices[0]?.message.content ?? "")).toEqual({ name: "example", age: 1 });
    expect(lastRequest().body.format).toEqual(schema);
  });

  it("answers chat on ollama/ through /api/generate with LiteLLM's prompt", async () => {
    const response = await client.chat.completions.create({
      model: "llama-generate",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Why is the sky blue?" },
      ],
    });
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    const request = lastRequest();
    expect(request.path).toBe("/api/generate");
    expect(request.body).toEqual({
      model: "llama3.2",
      prompt: "### System:\nBe brief.\n\n### User:\nWhy is the sky blue?\n\n",
      stream: false,
    });
    expect(response.choices[0]?.message.content).toBe(`echo: ${String(request.body.prompt)}`);
  });

  it("answers text completions on ollama/ through /api/generate, streamed and not", async () => {
    const text = await client.completions.create({
      model: "llama-generate",
      prompt: "Once upon",
      max_tokens: 50,
    });
    assertMatchesOpenAISchema("CreateCompletionResponse", text);
    expect(text.choices[0]?.text).toBe("echo: Once upon");
    expect(text.usage?.total_tokens).toBeGreaterThan(0);
    expect(lastRequest()).toMatchObject({
      path: "/api/generate",
      body: { model: "llama3.2", prompt: "Once upon", stream: false, options: { num_predict: 50 } },
    });
    const stream = await client.completions.create({
      model: "llama-generate",
      prompt: "Stream it",
      stream: true,
    });
    let streamed = "";
    let finishReason: string | null = null;
    for await (const chunk of stream) {
      streamed += chunk.choices[0]?.text ?? "";
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    }
    expect(streamed).toBe("echo: Stream it");
    expect(finishReason).toBe("stop");
  });

  it("answers embeddings through /api/embed, in the openai client's default base64 and as floats", async () => {
    const expected = [
      [0.01, 0.02, 0.03, 0.04],
      [0.02, 0.03, 0.04, 0.05],
    ];
    const encoded = await client.embeddings.create({ model: "embedder", input: ["a", "bb"] });
    expect(encoded.data.map((item) => item.index)).toEqual([0, 1]);
    for (const [index, item] of encoded.data.entries()) {
      for (const [position, value] of item.embedding.entries())
        expect(value).toBeCloseTo(expected[index]?.[position] ?? Number.NaN, 6);
    }
    expect(encoded.usage.prompt_tokens).toBeGreaterThan(0);
    expect(lastRequest()).toMatchObject({
      path: "/api/embed",
      body: { model: "all-minilm", input: ["a", "bb"] },
    });
    expect(lastRequest().body).not.toHaveProperty("encoding_format");
    const floats = await client.embeddings.create({
      model: "embedder",
      input: "a",
      encoding_format: "float",
    });
    assertMatchesOpenAISchema("CreateEmbeddingResponse", floats);
    expect(floats.data[0]?.embedding).toEqual(expected[0]);
  });

  it("maps Ollama's errors to the openai client's classes", async () => {
    const messages = [{ role: "user" as const, content: "x" }];
    const missing = await client.chat.completions
      .create({ model: "not-pulled", messages })
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as Error).message).toMatch(/model "mistral-nemo" not found/);
    expect((missing as Error).message).toContain("ollama pull mistral-nemo");
    fake.enqueue({ kind: "error", status: 400, message: "invalid options: num_ctx" });
    await expect(client.chat.completions.create({ model: "llama", messages })).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    );
    fake.enqueue({ kind: "error", status: 500, message: "llama runner process has terminated" });
    const crashed = await client.chat.completions
      .create({ model: "llama", messages })
      .catch((error: unknown) => error);
    expect(crashed).toBeInstanceOf(OpenAI.InternalServerError);
    expect((crashed as Error).message).toMatch(/llama runner process has terminated/);
    const refused = await client.chat.completions
      .create({ model: "llama", messages, logit_bias: { "1": 5 } })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as Error).message).toMatch(/logit_bias/);
  });

  it("ends a stream with an error when Ollama sends an error line", async () => {
    fake.enqueue({
      kind: "stream-error",
      text: "Partial answer",
      message: "model runner has unexpectedly stopped",
    });
    const stream = await client.chat.completions.create({
      model: "llama",
      messages: [{ role: "user", content: "x" }],
      stream: true,
    });
    let text = "";
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().catch((error: unknown) => error);
    expect(text).toBe("Partial answer");
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as Error).message).toMatch(/unexpectedly stopped/);
  });
});

describe("ollama through the SDK's completion(), textCompletion() and embedding()", () => {
  it("answers and streams with api_base, sending api_key as a bearer token when given", async () => {
    const params = { model: "ollama_chat/llama3.2", api_base: `${fake.url}/`, max_retries: 0 };
    const response = await completion(
      { ...params, messages: [{ role: "user", content: "sdk hello" }] },
      { env: {} },
    );
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    expect(response.choices[0]?.message.content).toBe("echo: sdk hello");
    expect(lastRequest().headers.authorization).toBeUndefined();
    const stream = await completion(
      {
        ...params,
        api_key: "ollama-cloud-key",
        messages: [{ role: "user", content: "sdk stream" }],
        stream: true,
        stream_options: { include_usage: true },
      },
      { env: {} },
    );
    let text = "";
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe("echo: sdk stream");
    expect(usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
    expect(lastRequest().headers.authorization).toBe("Bearer ollama-cloud-key");
  });

  it("reads OLLAMA_API_BASE at call time, for chat, text completions and embeddings", async () => {
    const env = { OLLAMA_API_BASE: fake.url };
    const messages = [{ role: "user" as const, content: "env" }];
    expect(
      (await completion({ model: "ollama/llama3.2", messages, max_retries: 0 }, { env })).choices[0]?.message
        .content,
    ).toBe("echo: ### User:\nenv\n\n");
    const text = await textCompletion({ model: "ollama/llama3.2", prompt: "Hi", max_retries: 0 }, { env });
    expect(text.choices[0]?.text).toBe("echo: Hi");
    const vectors = await embedding(
      { model: "ollama_chat/all-minilm", input: "abc", max_retries: 0 },
      { env },
    );
    assertMatchesOpenAISchema("CreateEmbeddingResponse", vectors);
    expect(vectors.data[0]?.embedding).toEqual([0.03, 0.04, 0.05, 0.06]);
    expect(fake.requests.map((request) => request.path)).toEqual([
      "/api/generate",
      "/api/generate",
      "/api/embed",
    ]);
  });

  it("raises NotFoundError for a model not pulled and UnsupportedParamsError (unless dropped)", async () => {
    const messages = [{ role: "user" as const, content: "x" }];
    const params = { api_base: fake.url, max_retries: 0, messages };
    await expect(completion({ ...params, model: "ollama_chat/phi4" }, { env: {} })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      completion({ ...params, model: "ollama_chat/llama3.2", n: 3 }, { env: {} }),
    ).rejects.toBeInstanceOf(UnsupportedParamsError);
    const dropped = await completion(
      { ...params, model: "ollama_chat/llama3.2", n: 3, drop_params: true },
      { env: {} },
    );
    expect(dropped.choices[0]?.message.content).toBe("echo: x");
  });

  it("says Ollama cannot be reached at the URL when nothing listens there", async () => {
    const port = await pickFreePort();
    const failure = await completion(
      {
        model: "ollama_chat/llama3.2",
        api_base: `http://127.0.0.1:${port}`,
        messages: [{ role: "user", content: "x" }],
        max_retries: 0,
      },
      { env: {} },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(APIConnectionError);
    expect((failure as Error).message).toContain(
      `could not reach ollama_chat at http://127.0.0.1:${port}/api/chat`,
    );
    expect((failure as Error).message).toMatch(/ECONNREFUSED/);
  });
});
