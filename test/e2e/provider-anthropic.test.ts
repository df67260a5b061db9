/**
 * anthropic/<model> end to end: the real CLI with a LiteLLM config, the fake Anthropic Messages API
 * on loopback, and the official openai client; plus the SDK's completion() in-process.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ContextWindowExceededError,
  completion,
  RateLimitError,
  ServiceUnavailableError,
  UnsupportedParamsError,
} from "../../src/index.js";
import { type FakeAnthropic, startFakeAnthropic } from "../fakes/anthropic-upstream.js";
import { type ProxyProcess, startProxy } from "../fakes/proxy-process.js";
import { assertMatchesOpenAISchema } from "../spec/openai-schemas.js";

const MASTER_KEY = "sk-master-anthropic";
const ANTHROPIC_KEY = "sk-ant-e2e-key-123";

let fake: FakeAnthropic;
let proxy: ProxyProcess;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeAnthropic({ apiKey: ANTHROPIC_KEY });
  proxy = await startProxy({
    config: `
model_list:
  - model_name: claude
    litellm_params:
      model: anthropic/claude-sonnet-4-5
      api_base: ${fake.url}
      api_key: os.environ/E2E_ANTHROPIC_KEY
  - model_name: claude-wrong-key
    litellm_params:
      model: anthropic/claude-sonnet-4-5
      api_base: ${fake.url}/
      api_key: sk-ant-not-the-key
router_settings:
  num_retries: 0
general_settings:
  master_key: ${MASTER_KEY}
`,
    env: { E2E_ANTHROPIC_KEY: ANTHROPIC_KEY },
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
  if (request === undefined) throw new Error("the fake Anthropic API received no request");
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

describe("anthropic/ through the proxy with the openai client", () => {
  it("starts without a provider warning", () => {
    expect(proxy.stderr()).not.toMatch(/unknown provider|not implemented/i);
  });

  it("answers a chat completion translated to and from Anthropic's Messages API", async () => {
    const response = await client.chat.completions.create({
      model: "claude",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "hello there" },
      ],
    });
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    expect(response.choices[0]?.message.content).toBe("echo: hello there");
    expect(response.choices[0]?.finish_reason).toBe("stop");
    expect(response.usage?.prompt_tokens).toBeGreaterThan(0);
    const request = lastRequest();
    expect(request.path).toBe("/v1/messages");
    expect(request.headers["x-api-key"]).toBe(ANTHROPIC_KEY);
    expect(request.headers["anthropic-version"]).toBe("2023-06-01");
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 4096,
      system: [{ type: "text", text: "Be brief." }],
      messages: [{ role: "user", content: [{ type: "text", text: "hello there" }] }],
    });
  });

  it("streams chunks the spec accepts, with usage when asked", async () => {
    const stream = await client.chat.completions.create({
      model: "claude",
      messages: [{ role: "user", content: "stream this please" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    for (const chunk of chunks) assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe(
      "echo: stream this please",
    );
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === "stop")).toBe(true);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
    expect(lastRequest().body.stream).toBe(true);
  });

  it("streams without a usage chunk when the client did not ask for one", async () => {
    const stream = await client.chat.completions.create({
      model: "claude",
      messages: [{ role: "user", content: "no usage" }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.choices.length === 1)).toBe(true);
  });

  it("calls tools and takes their results back", async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Weather in Paris?" }];
    const response = await client.chat.completions.create({
      model: "claude",
      messages,
      tools: [weatherTool],
    });
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    const choice = response.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    const toolCall = choice?.message.tool_calls?.[0];
    expect(toolCall?.type).toBe("function");
    if (toolCall?.type !== "function") throw new Error("expected a function tool call");
    expect(toolCall.function.name).toBe("get_weather");
    expect(JSON.parse(toolCall.function.arguments)).toEqual({ city: "example" });
    const answer = await client.chat.completions.create({
      model: "claude",
      tools: [weatherTool],
      messages: [
        ...messages,
        { role: "assistant", content: null, tool_calls: [toolCall] },
        { role: "tool", tool_call_id: toolCall.id, content: "18C and sunny" },
      ],
    });
    expect(answer.choices[0]?.message.content).toBe('tool results: "18C and sunny"');
    const sent = lastRequest().body.messages as { role: string; content: { type: string }[] }[];
    expect(sent.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
    expect(sent[2]?.content[0]).toEqual({
      type: "tool_result",
      tool_use_id: toolCall.id,
      content: "18C and sunny",
    });
  });

  it("streams tool calls whose argument pieces add up to the JSON", async () => {
    const stream = await client.chat.completions.create({
      model: "claude",
      messages: [{ role: "user", content: "Weather in Rome?" }],
      tools: [weatherTool],
      tool_choice: { type: "function", function: { name: "get_weather" } },
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
    expect(id).toMatch(/^toolu_/);
    expect(name).toBe("get_weather");
    expect(JSON.parse(args)).toEqual({ city: "example" });
    expect(finishReason).toBe("tool_calls");
    expect(lastRequest().body.tool_choice).toEqual({ type: "tool", name: "get_weather" });
  });

  it("answers a json_schema response_format as JSON content", async () => {
    const response = await client.chat.completions.create({
      model: "claude",
      messages: [{ role: "user", content: "A person, please" }],
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "person",
          schema: { type: "object", properties: { name: { type: "string" }, age: { type: "integer" } } },
        },
      },
    });
    expect(JSON.parse(response.choices[0]?.message.content ?? "")).toEqual({ name: "example", age: 1 });
    expect(response.choices[0]?.finish_reason).toBe("stop");
  });

  it("maps Anthropic's errors to the openai client's classes", async () => {
    const messages = [{ role: "user" as const, content: "x" }];
    await expect(
      client.chat.completions.create({ model: "claude-wrong-key", messages }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    fake.enqueue({
      kind: "error",
      status: 429,
      type: "rate_limit_error",
      message: "slow down",
      headers: { "retry-after": "1" },
    });
    await expect(client.chat.completions.create({ model: "claude", messages })).rejects.toBeInstanceOf(
      OpenAI.RateLimitError,
    );
    fake.enqueue({
      kind: "error",
      status: 400,
      type: "invalid_request_error",
      message: "prompt is too long: 250000 tokens > 200000 maximum",
    });
    const tooLong = await client.chat.completions
      .create({ model: "claude", messages })
      .catch((error: unknown) => error);
    expect(tooLong).toBeInstanceOf(OpenAI.BadRequestError);
    expect((tooLong as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("context_length_exceeded");
    fake.enqueue({ kind: "error", status: 529, type: "overloaded_error", message: "Overloaded" });
    const overloaded = await client.chat.completions
      .create({ model: "claude", messages })
      .catch((error: unknown) => error);
    expect(overloaded).toBeInstanceOf(OpenAI.InternalServerError);
    expect((overloaded as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    const refused = await client.chat.completions
      .create({ model: "claude", messages, seed: 3 })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as Error).message).toMatch(/seed/);
  });

  it("ends a stream with an error when Anthropic sends an error event", async () => {
    fake.enqueue({
      kind: "stream-error",
      text: "Partial answer",
      type: "overloaded_error",
      message: "Overloaded",
    });
    const stream = await client.chat.completions.create({
      model: "claude",
      messages: [{ role: "user", content: "x" }],
      stream: true,
    });
    let text = "";
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().catch((error: unknown) => error);
    expect(text).toBe("Partial answer");
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as Error).message).toMatch(/Overloaded/);
  });
});

describe("anthropic/ through the SDK's completion()", () => {
  const params = () => ({
    model: "anthropic/claude-haiku-4-5",
    api_base: fake.url,
    api_key: ANTHROPIC_KEY,
    max_retries: 0,
  });

  it("answers and streams", async () => {
    const response = await completion(
      { ...params(), messages: [{ role: "user", content: "sdk hello" }] },
      { env: {} },
    );
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    expect(response.choices[0]?.message.content).toBe("echo: sdk hello");
    expect(lastRequest().body.model).toBe("claude-haiku-4-5");
    const stream = await completion(
      {
        ...params(),
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
  });

  it("reads ANTHROPIC_API_KEY and ANTHROPIC_API_BASE at call time", async () => {
    const response = await completion(
      { model: "anthropic/claude-haiku-4-5", messages: [{ role: "user", content: "env" }], max_retries: 0 },
      { env: { ANTHROPIC_API_KEY: ANTHROPIC_KEY, ANTHROPIC_API_BASE: `${fake.url}/v1/messages` } },
    );
    expect(response.choices[0]?.message.content).toBe("echo: env");
    expect(lastRequest().path).toBe("/v1/messages");
  });

  it("raises typed errors: rate limit, context window, overloaded (retried), unsupported params", async () => {
    const messages = [{ role: "user" as const, content: "x" }];
    fake.enqueue({
      kind: "error",
      status: 429,
      type: "rate_limit_error",
      message: "slow down",
      headers: { "retry-after": "7" },
    });
    const limited = await completion({ ...params(), messages }, { env: {} }).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).retryAfter).toBe(7);
    fake.enqueue({
      kind: "error",
      status: 400,
      type: "invalid_request_error",
      message: "prompt is too long",
    });
    await expect(completion({ ...params(), messages }, { env: {} })).rejects.toBeInstanceOf(
      ContextWindowExceededError,
    );
    fake.enqueue({ kind: "error", status: 529, type: "overloaded_error", message: "Overloaded" });
    await expect(completion({ ...params(), messages }, { env: {} })).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
    fake.enqueue({ kind: "error", status: 529, type: "overloaded_error", message: "Overloaded" });
    const retried = await completion({ ...params(), max_retries: 1, messages }, { env: {} });
    expect(retried.choices[0]?.message.content).toBe("echo: x");
    await expect(
      completion({ ...params(), messages, presence_penalty: 1 }, { env: {} }),
    ).rejects.toBeInstanceOf(UnsupportedParamsError);
    const dropped = await completion(
      { ...params(), messages, presence_penalty: 1, drop_params: true },
      { env: {} },
    );
    expect(dropped.choices[0]?.message.content).toBe("echo: x");
    expect(lastRequest().body).not.toHaveProperty("presence_penalty");
  });
});
