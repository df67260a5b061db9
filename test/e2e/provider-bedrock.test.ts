/**
 * bedrock/<model id> end to end: the real CLI with a LiteLLM config, the fake Bedrock runtime on
 * loopback (SigV4 checked against a known secret, Converse JSON, event-stream frames), and the
 * official openai client; plus the SDK's completion() and embedding() in-process.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuthenticationError,
  ContextWindowExceededError,
  completion,
  embedding,
  RateLimitError,
  UnsupportedParamsError,
} from "../../src/index.js";
import { type FakeBedrock, startFakeBedrock } from "../fakes/bedrock-upstream.js";
import { type ProxyProcess, startProxy } from "../fakes/proxy-process.js";
import { assertMatchesOpenAISchema } from "../spec/openai-schemas.js";

const MASTER_KEY = "sk-master-bedrock";
const BEARER_TOKEN = "ABSKbedrock-api-key-for-tests-0001";
const PROFILE_ID = "us.anthropic.claude-3-5-sonnet-20241022-v2:0";
const PROFILE_ARN = `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${PROFILE_ID}`;

let fake: FakeBedrock;
let proxy: ProxyProcess;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeBedrock({ bearerToken: BEARER_TOKEN });
  proxy = await startProxy({
    config: `
model_list:
  - model_name: claude
    litellm_params:
      model: bedrock/${PROFILE_ID}
      api_base: ${fake.baseUrl}/
      aws_access_key_id: os.environ/E2E_AWS_KEY_ID
      aws_secret_access_key: os.environ/E2E_AWS_SECRET
      aws_region_name: us-east-1
  - model_name: claude-arn
    litellm_params:
      model: bedrock/converse/${PROFILE_ARN}
      aws_bedrock_runtime_endpoint: ${fake.baseUrl}
  - model_name: nova-bearer
    litellm_params:
      model: bedrock/amazon.nova-pro-v1:0
      api_base: ${fake.baseUrl}
      api_key: ${BEARER_TOKEN}
  - model_name: claude-wrong-secret
    litellm_params:
      model: bedrock/${PROFILE_ID}
      api_base: ${fake.baseUrl}
      aws_access_key_id: ${fake.keys.accessKeyId}
      aws_secret_access_key: not-the-secret-at-all
      aws_region_name: us-east-1
  - model_name: titan
    litellm_params:
      model: bedrock/amazon.titan-embed-text-v2:0
      api_base: ${fake.baseUrl}
  - model_name: cohere
    litellm_params:
      model: bedrock/cohere.embed-english-v3
      api_base: ${fake.baseUrl}
router_settings:
  num_retries: 0
general_settings:
  master_key: ${MASTER_KEY}
`,
    env: {
      E2E_AWS_KEY_ID: fake.keys.accessKeyId,
      E2E_AWS_SECRET: fake.keys.secretAccessKey,
      // The deployments without keys in their litellm_params read these.
      AWS_ACCESS_KEY_ID: fake.keys.accessKeyId,
      AWS_SECRET_ACCESS_KEY: fake.keys.secretAccessKey,
      AWS_REGION: "us-east-1",
    },
  });
  client = new OpenAI({ apiKey: MASTER_KEY, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await proxy?.stop();
  await fake?.close();
});

function lastRequest() {
  const request = fake.requests.at(-1);
  if (request === undefined) throw new Error("the fake Bedrock received no request");
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

async function collect(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) {
  const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe("bedrock/ through the proxy with the openai client", () => {
  it("starts without a provider warning", () => {
    expect(proxy.stderr()).not.toMatch(/unknown provider|not implemented/i);
  });

  it("answers a chat completion through Converse, SigV4-signed on the encoded model id", async () => {
    const response = await client.chat.completions.create({
      model: "claude",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hello there" },
        { role: "user", content: "friend" },
      ],
      max_tokens: 100,
      temperature: 0.2,
    });
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    expect(response.choices[0]?.message.content).toBe("echo: Hello there friend");
    expect(response.choices[0]?.finish_reason).toBe("stop");
    expect(response.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 });
    const request = lastRequest();
    expect(request.auth).toBe("sigv4");
    expect(request.rawPath).toBe("/model/us.anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse");
    expect(request.body).toEqual({
      messages: [{ role: "user", content: [{ text: "Hello there" }, { text: "friend" }] }],
      system: [{ text: "Be brief." }],
      inferenceConfig: { maxTokens: 100, temperature: 0.2 },
    });
  });

  it("signs an inference-profile ARN (bedrock/converse/) with the environment's keys and its region", async () => {
    const response = await client.chat.completions.create({
      model: "claude-arn",
      messages: [{ role: "user", content: "via arn" }],
    });
    expect(response.choices[0]?.message.content).toBe("echo: via arn");
    expect(lastRequest().modelId).toBe(PROFILE_ARN);
    expect(lastRequest().rawPath).toContain("inference-profile%2Fus.anthropic");
  });

  it("sends a Bedrock API key as a bearer token, unsigned", async () => {
    const response = await client.chat.completions.create({
      model: "nova-bearer",
      messages: [{ role: "user", content: "bearer" }],
    });
    expect(response.choices[0]?.message.content).toBe("echo: bearer");
    expect(lastRequest().auth).toBe("bearer");
  });

  it("streams chunks from event-stream frames, with the usage chunk when asked", async () => {
    const chunks = await collect(
      await client.chat.completions.create({
        model: "claude",
        messages: [{ role: "user", content: "stream these words please" }],
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    for (const chunk of chunks) assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe("echo: stream these words please");
    expect(chunks.length).toBeGreaterThan(4);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 });
    expect(lastRequest().operation).toBe("converse-stream");
  });

  it("calls tools and takes their results back (non-stream)", async () => {
    const first = await client.chat.completions.create({
      model: "claude",
      messages: [{ role: "user", content: "What is the weather in Paris?" }],
      tools: [weatherTool],
      tool_choice: "required",
    });
    assertMatchesOpenAISchema("CreateChatCompletionResponse", first);
    const message = first.choices[0]?.message;
    expect(first.choices[0]?.finish_reason).toBe("tool_calls");
    const call = message?.tool_calls?.[0];
    expect(call?.type === "function" && call.function.name).toBe("get_weather");
    expect(call?.type === "function" && JSON.parse(call.function.arguments)).toEqual({ city: "Paris" });
    expect(lastRequest().body).toMatchObject({ toolConfig: { toolChoice: { any: {} } } });
    if (message === undefined || call === undefined) throw new Error("no tool call");
    const second = await client.chat.completions.create({
      model: "claude",
      messages: [
        { role: "user", content: "What is the weather in Paris?" },
        message,
        { role: "tool", tool_call_id: call.id, content: "sunny, 21 C" },
      ],
      tools: [weatherTool],
    });
    expect(second.choices[0]?.message.content).toBe("tool said: sunny, 21 C");
    const sent = lastRequest().body as { messages: Array<{ role: string; content: unknown[] }> };
    expect(sent.messages.map((turn) => turn.role)).toEqual(["user", "assistant", "user"]);
    expect(sent.messages[2]?.content).toEqual([
      { toolResult: { toolUseId: call.id, content: [{ text: "sunny, 21 C" }] } },
    ]);
  });

  it("streams tool-call deltas whose argument pieces add up to the JSON", async () => {
    const chunks = await collect(
      await client.chat.completions.create({
        model: "claude",
        messages: [{ role: "user", content: "use get_weather for Paris" }],
        tools: [weatherTool],
        stream: true,
      }),
    );
    for (const chunk of chunks) assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", chunk);
    const deltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(deltas[0]).toMatchObject({ index: 0, type: "function", function: { name: "get_weather" } });
    expect(deltas[0]?.id).toMatch(/^tooluse_/);
    expect(deltas.every((delta) => delta.index === 0)).toBe(true);
    const args = deltas.map((delta) => delta.function?.arguments ?? "").join("");
    expect(JSON.parse(args)).toEqual({ city: "Paris" });
    expect(deltas.length).toBeGreaterThan(2);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("answers response_format json_schema as message content (a forced tool)", async () => {
    const response = await client.chat.completions.create({
      model: "claude",
      messages: [{ role: "user", content: "Give me a city" }],
      response_format: {
        type: "json_schema",
        json_schema: { name: "city", schema: { type: "object", properties: { name: { type: "string" } } } },
      },
    });
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    expect(JSON.parse(response.choices[0]?.message.content ?? "")).toEqual({ name: "Paris" });
    expect(response.choices[0]?.finish_reason).toBe("stop");
    expect(response.choices[0]?.message.tool_calls).toBeUndefined();
  });

  it("embeds with Titan (base64, the client's default) and Cohere (several inputs)", async () => {
    const titan = await client.embeddings.create({ model: "titan", input: "hello world", dimensions: 256 });
    assertMatchesOpenAISchema("CreateEmbeddingResponse", titan);
    expect(titan.data[0]?.embedding).toHaveLength(256);
    expect(titan.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
    expect(lastRequest().body).toEqual({ inputText: "hello world", dimensions: 256 });
    const floats = await client.embeddings.create({ model: "titan", input: "hi", encoding_format: "float" });
    expect(floats.data[0]?.embedding).toHaveLength(1024);
    // Titan embeds one text a call: several are sent as one call each and come back in order.
    const several = await client.embeddings.create({
      model: "titan",
      input: ["one two", "three", "four five six"],
    });
    assertMatchesOpenAISchema("CreateEmbeddingResponse", several);
    expect(several.data.map((item) => item.index)).toEqual([0, 1, 2]);
    expect(several.usage).toEqual({ prompt_tokens: 6, total_tokens: 6 });
    const cohere = await client.embeddings.create({ model: "cohere", input: ["one", "two", "three"] });
    assertMatchesOpenAISchema("CreateEmbeddingResponse", cohere);
    expect(cohere.data.map((item) => item.index)).toEqual([0, 1, 2]);
    expect(lastRequest().body).toEqual({ texts: ["one", "two", "three"], input_type: "search_document" });
  });

  it("maps Bedrock's errors to the client's classes", async () => {
    const messages = [{ role: "user" as const, content: "x" }];
    fake.enqueue({
      kind: "error",
      status: 429,
      type: "ThrottlingException",
      message: "Too many requests, please wait.",
    });
    const throttled = await client.chat.completions
      .create({ model: "claude", messages })
      .catch((error: unknown) => error);
    expect(throttled).toBeInstanceOf(OpenAI.RateLimitError);
    expect((throttled as Error).message).toMatch(/Too many requests/);
    fake.enqueue({
      kind: "error",
      status: 400,
      type: "ValidationException",
      message: "Input is too long for requested model.",
    });
    const tooLong = await client.chat.completions
      .create({ model: "claude", messages })
      .catch((error: unknown) => error);
    expect(tooLong).toBeInstanceOf(OpenAI.BadRequestError);
    expect((tooLong as InstanceType<typeof OpenAI.APIError>).code).toBe("context_length_exceeded");
    const wrongSecret = await client.chat.completions
      .create({ model: "claude-wrong-secret", messages })
      .catch((error: unknown) => error);
    expect(wrongSecret).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((wrongSecret as Error).message).toMatch(/signature we calculated does not match/);
    expect((wrongSecret as Error).message).not.toContain("not-the-secret-at-all");
  });

  it("ends a stream with an error when Bedrock sends an exception frame", async () => {
    fake.enqueue({
      kind: "stream-exception",
      afterEvents: 3,
      type: "modelStreamErrorException",
      message: "Model stream broke",
    });
    const stream = await client.chat.completions.create({
      model: "claude",
      messages: [{ role: "user", content: "a long enough answer" }],
      stream: true,
    });
    let text = "";
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().catch((error: unknown) => error);
    expect(text).toBe("echo: a long");
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as Error).message).toMatch(/Model stream broke/);
  });
});

describe("bedrock/ through the SDK's completion() and embedding()", () => {
  const params = () => ({
    model: `bedrock/${PROFILE_ID}`,
    api_base: fake.baseUrl,
    aws_access_key_id: fake.keys.accessKeyId,
    aws_secret_access_key: fake.keys.secretAccessKey,
    aws_region_name: fake.region,
    max_retries: 0,
  });

  it("answers and streams, with keys from the call", async () => {
    const response = await completion(
      { ...params(), messages: [{ role: "user", content: "sdk hello" }] },
      { env: {} },
    );
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    expect(response.choices[0]?.message.content).toBe("echo: sdk hello");
    expect(response.model).toBe(PROFILE_ID);
    const stream = await completion(
      { ...params(), messages: [{ role: "user", content: "sdk stream" }], stream: true },
      { env: {} },
    );
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("echo: sdk stream");
  });

  it("reads the AWS keys and region from the environment at call time", async () => {
    const env = {
      AWS_ACCESS_KEY_ID: fake.keys.accessKeyId,
      AWS_SECRET_ACCESS_KEY: fake.keys.secretAccessKey,
      AWS_DEFAULT_REGION: fake.region,
    };
    const response = await completion(
      {
        model: `bedrock/${PROFILE_ID}`,
        api_base: fake.baseUrl,
        max_retries: 0,
        messages: [{ role: "user", content: "env" }],
      },
      { env },
    );
    expect(response.choices[0]?.message.content).toBe("echo: env");
    const elsewhere = await completion(
      {
        model: `bedrock/${PROFILE_ID}`,
        api_base: fake.baseUrl,
        max_retries: 0,
        messages: [{ role: "user", content: "x" }],
      },
      { env: { ...env, AWS_DEFAULT_REGION: "eu-west-1" } },
    ).catch((error: unknown) => error);
    expect(elsewhere).toBeInstanceOf(AuthenticationError);
    expect((elsewhere as Error).message).toMatch(/scoped to a valid region/);
  });

  it("raises our classes: rate limit (retry-after kept), context window, unsupported parameter", async () => {
    fake.enqueue({
      kind: "error",
      status: 429,
      type: "ThrottlingException",
      message: "Slow down",
      headers: { "retry-after": "3" },
    });
    const throttled = await completion(
      { ...params(), messages: [{ role: "user", content: "x" }] },
      { env: {} },
    ).catch((error: unknown) => error);
    expect(throttled).toBeInstanceOf(RateLimitError);
    expect((throttled as RateLimitError).retryAfter).toBe(3);
    fake.enqueue({
      kind: "stream-exception",
      afterEvents: 1,
      type: "validationException",
      message: "Too many input tokens",
    });
    const stream = await completion(
      { ...params(), messages: [{ role: "user", content: "x" }], stream: true },
      { env: {} },
    );
    const failure = await (async () => {
      for await (const _chunk of stream);
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ContextWindowExceededError);
    const refused = await completion(
      { ...params(), messages: [{ role: "user", content: "x" }], seed: 1 },
      { env: {} },
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UnsupportedParamsError);
    const dropped = await completion(
      { ...params(), messages: [{ role: "user", content: "dropped" }], seed: 1, drop_params: true },
      { env: {} },
    );
    expect(dropped.choices[0]?.message.content).toBe("echo: dropped");
  });

  it("fails a stream whose connection breaks half way, after the chunks that came", async () => {
    fake.enqueue({ kind: "stream-cut", afterEvents: 3 });
    const stream = await completion(
      { ...params(), messages: [{ role: "user", content: "cut me off" }], stream: true },
      { env: {} },
    );
    let text = "";
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().catch((error: unknown) => error);
    expect(text).toBe("echo: cut me");
    expect(failure).toBeInstanceOf(Error);
    expect((failure as { isRetryable?: boolean }).isRetryable).toBe(true);
  });

  it("embeds through embedding()", async () => {
    const response = await embedding(
      {
        ...params(),
        model: "bedrock/cohere.embed-english-v3",
        input: ["a b", "c"],
        input_type: "search_query",
      },
      { env: {} },
    );
    expect(response.data).toHaveLength(2);
    expect(lastRequest().body).toEqual({ texts: ["a b", "c"], input_type: "search_query" });
  });
});
