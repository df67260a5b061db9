/**
 * gemini/<model> end to end: the real CLI with a LiteLLM config, the fake Gemini API on loopback
 * (which checks requests as Google does), and the official openai client; plus the SDK's
 * completion() and embedding() in-process.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContextWindowExceededError, completion, embedding, RateLimitError } from "../../src/index.js";
import { type FakeGoogleUpstream, startFakeGoogleUpstream } from "../fakes/gemini-upstream.js";
import { vectorOf } from "../fakes/gemini-upstream-answers.js";
import { type ProxyProcess, startProxy } from "../fakes/proxy-process.js";
import { assertMatchesOpenAISchema } from "../spec/openai-schemas.js";

const MASTER_KEY = "sk-master-gemini";
const GEMINI_KEY = "AIzaSy-e2e-gemini-key-42";

let fake: FakeGoogleUpstream;
let proxy: ProxyProcess;
let client: OpenAI;

beforeAll(async () => {
  fake = await startFakeGoogleUpstream({ apiKey: GEMINI_KEY });
  proxy = await startProxy({
    config: `
model_list:
  - model_name: gemini-flash
    litellm_params:
      model: gemini/gemini-2.5-flash
      api_base: ${fake.baseUrl}
      api_key: os.environ/E2E_GEMINI_KEY
  - model_name: gemini-embed
    litellm_params:
      model: gemini/gemini-embedding-001
      api_base: ${fake.baseUrl}/
      api_key: os.environ/E2E_GEMINI_KEY
  - model_name: gemini-wrong-key
    litellm_params:
      model: gemini/gemini-2.5-flash
      api_base: ${fake.baseUrl}
      api_key: AIzaSy-not-the-key
router_settings:
  num_retries: 0
general_settings:
  master_key: ${MASTER_KEY}
`,
    env: { E2E_GEMINI_KEY: GEMINI_KEY },
  });
  client = new OpenAI({ apiKey: MASTER_KEY, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await proxy?.stop();
  await fake?.close();
});

function lastRequest() {
  const request = fake.requests.at(-1);
  if (request === undefined) throw new Error("the fake Gemini API received no request");
  return request;
}

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Weather of a city",
    strict: true,
    parameters: {
      type: "object",
      properties: { city: { type: "string" } },
      required: ["city"],
      additionalProperties: false,
    },
  },
};

describe("gemini/ through the proxy with the openai client", () => {
  it("starts without a provider warning", () => {
    expect(proxy.stderr()).not.toMatch(/unknown provider|not implemented/i);
  });

  it("answers a chat completion translated to and from generateContent", async () => {
    const response = await client.chat.completions.create({
      model: "gemini-flash",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hello Gemini" },
      ],
      temperature: 0.3,
      max_tokens: 50,
    });
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    expect(response.choices[0]?.message.content).toBe("Echo: Hello Gemini");
    expect(response.choices[0]?.finish_reason).toBe("stop");
    expect(response.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
    const request = lastRequest();
    expect(request.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(request.headers["x-goog-api-key"]).toBe(GEMINI_KEY);
    expect(request.body).toMatchObject({
      system_instruction: { parts: [{ text: "Be brief." }] },
      contents: [{ role: "user", parts: [{ text: "Hello Gemini" }] }],
      generationConfig: { temperature: 0.3, maxOutputTokens: 50 },
    });
  });

  it("streams chunks from streamGenerateContent?alt=sse, with the usage chunk when asked", async () => {
    const stream = await client.chat.completions.create({
      model: "gemini-flash",
      messages: [{ role: "user", content: "one two three four" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    for (const chunk of chunks) assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe("Echo: one two three four");
    expect(chunks.filter((chunk) => (chunk.choices[0]?.delta.content ?? "") !== "").length).toBeGreaterThan(
      2,
    );
    expect(
      chunks.find((chunk) => chunk.choices[0]?.finish_reason !== null && chunk.choices[0] !== undefined)
        ?.choices[0]?.finish_reason,
    ).toBe("stop");
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 });
    expect(lastRequest().query).toBe("?alt=sse");
  });

  it("calls tools (functionDeclarations with a cleaned schema) and takes the results back", async () => {
    const first = await client.chat.completions.create({
      model: "gemini-flash",
      messages: [{ role: "user", content: "Weather in Paris?" }],
      tools: [weatherTool],
      tool_choice: "required",
    });
    assertMatchesOpenAISchema("CreateChatCompletionResponse", first);
    const toolCall = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe("tool_calls");
    expect(toolCall?.id).toMatch(/^call_/);
    expect(toolCall?.type === "function" ? toolCall.function : undefined).toEqual({
      name: "get_weather",
      arguments: JSON.stringify({ city: "city-value" }),
    });
    expect(lastRequest().body).toMatchObject({ toolConfig: { functionCallingConfig: { mode: "ANY" } } });
    const second = await client.chat.completions.create({
      model: "gemini-flash",
      messages: [
        { role: "user", content: "Weather in Paris?" },
        first.choices[0]?.message as OpenAI.Chat.ChatCompletionMessageParam,
        { role: "tool", tool_call_id: String(toolCall?.id), content: '{"temperature": 21}' },
      ],
      tools: [weatherTool],
    });
    expect(second.choices[0]?.message.content).toBe("Echo: Weather in Paris?");
    expect((lastRequest().body as { contents: unknown[] }).contents.at(-1)).toEqual({
      role: "user",
      parts: [{ functionResponse: { name: "get_weather", response: { temperature: 21 } } }],
    });
  });

  it("streams a tool call as one delta with its full arguments", async () => {
    const stream = await client.chat.completions.create({
      model: "gemini-flash",
      messages: [{ role: "user", content: "Weather?" }],
      tools: [weatherTool],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    for (const chunk of chunks) assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", chunk);
    const deltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(deltas).toHaveLength(1);
    expect(deltas[0]).toMatchObject({ index: 0, type: "function", function: { name: "get_weather" } });
    expect(JSON.parse(String(deltas[0]?.function?.arguments))).toEqual({ city: "city-value" });
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("answers response_format json_schema as JSON content", async () => {
    const response = await client.chat.completions.create({
      model: "gemini-flash",
      messages: [{ role: "user", content: "Say hi" }],
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "echo",
          schema: { type: "object", properties: { echo: { type: "string" } }, additionalProperties: false },
        },
      },
    });
    expect(JSON.parse(String(response.choices[0]?.message.content))).toEqual({ echo: "Echo: Say hi" });
    expect(lastRequest().body).toMatchObject({
      generationConfig: {
        responseMimeType: "application/json",
        responseSchema: { type: "object", properties: { echo: { type: "string" } } },
      },
    });
  });

  it("embeds with batchEmbedContents (the client's default base64 decodes to the vectors)", async () => {
    const response = await client.embeddings.create({
      model: "gemini-embed",
      input: ["first", "second"],
      dimensions: 6,
    });
    // float32 on the wire (base64), as OpenAI sends it
    expect(response.data.map((item) => item.embedding)).toEqual(
      ["first", "second"].map((text) => vectorOf(text, 6).map(Math.fround)),
    );
    expect(response.usage.prompt_tokens).toBeGreaterThan(0);
    expect(lastRequest()).toMatchObject({ action: "batchEmbedContents", model: "gemini-embedding-001" });
  });

  it("maps Google's errors: 429 -> RateLimitError, the context-window wording -> context_length_exceeded, a bad key -> 401", async () => {
    fake.enqueue({
      kind: "error",
      status: 429,
      statusName: "RESOURCE_EXHAUSTED",
      message: "Resource has been exhausted (e.g. check quota).",
      details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "3s" }],
    });
    const limited = await client.chat.completions
      .create({ model: "gemini-flash", messages: [{ role: "user", content: "x" }] })
      .catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as Error).message).toContain("Resource has been exhausted");
    fake.enqueue({
      kind: "error",
      status: 400,
      statusName: "INVALID_ARGUMENT",
      message: "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).",
    });
    const tooLong = await client.chat.completions
      .create({ model: "gemini-flash", messages: [{ role: "user", content: "x" }] })
      .catch((error: unknown) => error);
    expect(tooLong).toBeInstanceOf(OpenAI.BadRequestError);
    expect((tooLong as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("context_length_exceeded");
    const wrongKey = await client.chat.completions
      .create({ model: "gemini-wrong-key", messages: [{ role: "user", content: "x" }] })
      .catch((error: unknown) => error);
    expect(wrongKey).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((wrongKey as Error).message).toContain("API key not valid");
  });
});

describe("gemini/ through the SDK", () => {
  it("completion() and embedding() reach the api_base", async () => {
    const response = await completion({
      model: "gemini/gemini-2.5-flash",
      api_base: fake.baseUrl,
      api_key: GEMINI_KEY,
      messages: [{ role: "user", content: "from the SDK" }],
      reasoning_effort: "low",
    });
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    expect(response.choices[0]?.message).toMatchObject({
      content: "Echo: from the SDK",
      reasoning_content: "Thinking it over.",
    });
    expect(response.usage?.completion_tokens_details).toEqual({ reasoning_tokens: 12 });
    expect(lastRequest().body).toMatchObject({
      generationConfig: { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } },
    });
    const vectors = await embedding({
      model: "gemini/gemini-embedding-001",
      api_base: fake.baseUrl,
      api_key: GEMINI_KEY,
      input: "one",
    });
    expect(vectors.data[0]?.embedding).toEqual(vectorOf("one", 8));
  });

  it("completion() throws our classes", async () => {
    fake.enqueue({ kind: "error", status: 429, statusName: "RESOURCE_EXHAUSTED", message: "quota" });
    await expect(
      completion({
        model: "gemini/gemini-2.5-flash",
        api_base: fake.baseUrl,
        api_key: GEMINI_KEY,
        max_retries: 0,
        messages: [{ role: "user", content: "x" }],
      }),
    ).rejects.toBeInstanceOf(RateLimitError);
    fake.enqueue({
      kind: "error",
      status: 400,
      statusName: "INVALID_ARGUMENT",
      message: "The input token count (5) exceeds the maximum number of tokens allowed (4).",
    });
    await expect(
      completion({
        model: "gemini/gemini-2.5-flash",
        api_base: fake.baseUrl,
        api_key: GEMINI_KEY,
        messages: [{ role: "user", content: "x" }],
      }),
    ).rejects.toBeInstanceOf(ContextWindowExceededError);
  });
});
