/**
 * vertex_ai/<model> end to end: the real CLI with a LiteLLM config naming a service-account key
 * file, a fake Google token endpoint that verifies the account's RS256 JWT, the fake Vertex AI on
 * loopback that accepts only the tokens that endpoint issued, and the official openai client;
 * Gemini and Claude models, embeddings; plus the SDK's completion().
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthenticationError, completion } from "../../src/index.js";
import { type FakeGoogleUpstream, startFakeGoogleUpstream } from "../fakes/gemini-upstream.js";
import {
  type FakeTokenEndpoint,
  type ServiceAccountJson,
  startFakeTokenEndpoint,
} from "../fakes/google-token-endpoint.js";
import { type ProxyProcess, startProxy } from "../fakes/proxy-process.js";
import { assertMatchesOpenAISchema } from "../spec/openai-schemas.js";

const MASTER_KEY = "sk-master-vertex";

let tokens: FakeTokenEndpoint;
let fake: FakeGoogleUpstream;
let proxy: ProxyProcess;
let client: OpenAI;
let directory: string;
let account: ServiceAccountJson;
let textAccount: ServiceAccountJson;

beforeAll(async () => {
  tokens = await startFakeTokenEndpoint();
  fake = await startFakeGoogleUpstream({ isTokenValid: (token) => tokens.isTokenValid(token) });
  account = tokens.createServiceAccount("file-project");
  textAccount = tokens.createServiceAccount("text-project");
  // An account the token endpoint does not trust: its key is another one's.
  const untrusted = {
    ...tokens.createServiceAccount("x"),
    private_key: tokens.createServiceAccount("y").private_key,
  };
  directory = await mkdtemp(join(tmpdir(), "llmgate-vertex-e2e-"));
  const keyFile = join(directory, "service-account.json");
  await writeFile(keyFile, JSON.stringify(account));
  const untrustedFile = join(directory, "untrusted.json");
  await writeFile(untrustedFile, JSON.stringify(untrusted));
  proxy = await startProxy({
    config: `
model_list:
  - model_name: vertex-gemini
    litellm_params:
      model: vertex_ai/gemini-2.5-pro
      vertex_credentials: ${keyFile}
      vertex_location: europe-west4
      api_base: ${fake.baseUrl}
  - model_name: vertex-gemini-env
    litellm_params:
      model: vertex_ai/gemini-2.5-flash
      vertex_credentials: os.environ/E2E_VERTEX_CREDENTIALS
      vertex_project: os.environ/E2E_VERTEX_PROJECT
      api_base: ${fake.baseUrl}/
  - model_name: vertex-claude
    litellm_params:
      model: vertex_ai/claude-sonnet-4-5@20250929
      vertex_credentials: ${keyFile}
      vertex_location: us-east5
      api_base: ${fake.baseUrl}
  - model_name: vertex-embed
    litellm_params:
      model: vertex_ai/text-embedding-005
      vertex_credentials: ${keyFile}
      api_base: ${fake.baseUrl}
  - model_name: vertex-untrusted
    litellm_params:
      model: vertex_ai/gemini-2.5-pro
      vertex_credentials: ${untrustedFile}
      api_base: ${fake.baseUrl}
router_settings:
  num_retries: 0
general_settings:
  master_key: ${MASTER_KEY}
`,
    env: { E2E_VERTEX_CREDENTIALS: JSON.stringify(textAccount), E2E_VERTEX_PROJECT: "env-project" },
  });
  client = new OpenAI({ apiKey: MASTER_KEY, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await proxy?.stop();
  await fake?.close();
  await tokens?.close();
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
});

function lastRequest() {
  const request = fake.requests.at(-1);
  if (request === undefined) throw new Error("the fake Vertex AI received no request");
  return request;
}

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    parameters: {
      type: "object",
      properties: { city: { type: "string" } },
      required: ["city"],
      additionalProperties: false,
    },
  },
};

describe("vertex_ai/ through the proxy with the openai client", () => {
  it("starts without a provider warning", () => {
    expect(proxy.stderr()).not.toMatch(/unknown provider|not implemented/i);
  });

  it("answers Gemini chat at Vertex's path with a token the token endpoint issued", async () => {
    const response = await client.chat.completions.create({
      model: "vertex-gemini",
      messages: [{ role: "user", content: "Hello Vertex" }],
    });
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    expect(response.choices[0]?.message.content).toBe("Echo: Hello Vertex");
    const request = lastRequest();
    expect(request.path).toBe(
      "/v1/projects/file-project/locations/europe-west4/publishers/google/models/gemini-2.5-pro:generateContent",
    );
    const token = request.headers.authorization?.replace(/^Bearer /, "") ?? "";
    expect(tokens.isTokenValid(token)).toBe(true);
    expect(tokens.grants.find((grant) => grant.accessToken === token)?.clientEmail).toBe(
      account.client_email,
    );
  });

  it("caches the token: many calls, concurrent ones included, ask the token endpoint once per account", async () => {
    const before = tokens.grants.filter((grant) => grant.clientEmail === account.client_email).length;
    await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        client.chat.completions.create({
          model: "vertex-gemini",
          messages: [{ role: "user", content: `call ${index}` }],
        }),
      ),
    );
    expect(tokens.grants.filter((grant) => grant.clientEmail === account.client_email).length).toBe(before);
  });

  it("reads credentials given as JSON text, with vertex_project from the environment and the default location", async () => {
    const response = await client.chat.completions.create({
      model: "vertex-gemini-env",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(response.choices[0]?.message.content).toBe("Echo: hi");
    expect(lastRequest().path).toBe(
      "/v1/projects/env-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent",
    );
    expect(tokens.grants.some((grant) => grant.clientEmail === textAccount.client_email)).toBe(true);
  });

  it("streams Gemini chunks with the usage chunk when asked", async () => {
    const stream = await client.chat.completions.create({
      model: "vertex-gemini",
      messages: [{ role: "user", content: "a b c" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    for (const chunk of chunks) assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("Echo: a b c");
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
    expect(lastRequest().action).toBe("streamGenerateContent");
  });

  it("calls tools on Gemini", async () => {
    const response = await client.chat.completions.create({
      model: "vertex-gemini",
      messages: [{ role: "user", content: "Weather?" }],
      tools: [weatherTool],
    });
    expect(response.choices[0]?.finish_reason).toBe("tool_calls");
    const call = response.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === "function" ? call.function.name : undefined).toBe("get_weather");
  });

  it("answers Claude through rawPredict with an Anthropic body (no model, vertex-2023-10-16)", async () => {
    const response = await client.chat.completions.create({
      model: "vertex-claude",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hello Claude" },
      ],
    });
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    expect(response.choices[0]?.message.content).toBe("Echo: Hello Claude");
    expect(response.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 5 });
    const request = lastRequest();
    expect(request.path).toBe(
      "/v1/projects/file-project/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict",
    );
    expect(request.body).toMatchObject({
      anthropic_version: "vertex-2023-10-16",
      system: [{ type: "text", text: "Be brief." }],
    });
    expect((request.body as Record<string, unknown>).model).toBeUndefined();
  });

  it("streams Claude through streamRawPredict, tool calls included", async () => {
    const text = await client.chat.completions.create({
      model: "vertex-claude",
      messages: [{ role: "user", content: "one two" }],
      stream: true,
    });
    let content = "";
    for await (const chunk of text) {
      assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", chunk);
      content += chunk.choices[0]?.delta.content ?? "";
    }
    expect(content).toBe("Echo: one two");
    expect(lastRequest().action).toBe("streamRawPredict");
    const tools = await client.chat.completions.create({
      model: "vertex-claude",
      messages: [{ role: "user", content: "Weather?" }],
      tools: [weatherTool],
      stream: true,
    });
    let args = "";
    let finishReason: string | null | undefined;
    for await (const chunk of tools) {
      args += chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? "";
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    }
    expect(JSON.parse(args)).toEqual({ city: "Paris" });
    expect(finishReason).toBe("tool_calls");
  });

  it("embeds with :predict", async () => {
    const response = await client.embeddings.create({
      model: "vertex-embed",
      input: ["alpha beta", "gamma"],
      encoding_format: "float",
    });
    assertMatchesOpenAISchema("CreateEmbeddingResponse", response);
    expect(response.data).toHaveLength(2);
    expect(response.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    expect(lastRequest().path).toBe(
      "/v1/projects/file-project/locations/us-central1/publishers/google/models/text-embedding-005:predict",
    );
  });

  it("answers 401 with a clear message when the token endpoint refuses the account, without secrets", async () => {
    const error = await client.chat.completions
      .create({ model: "vertex-untrusted", messages: [{ role: "user", content: "x" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as Error).message).toMatch(/could not get an access token .*Invalid JWT Signature/);
    expect((error as Error).message).not.toContain("PRIVATE KEY");
  });

  it("maps Vertex's 429 to RateLimitError", async () => {
    fake.enqueue({
      kind: "error",
      status: 429,
      statusName: "RESOURCE_EXHAUSTED",
      message: "Resource exhausted. Please try again later.",
    });
    const error = await client.chat.completions
      .create({ model: "vertex-gemini", messages: [{ role: "user", content: "x" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
  });

  it("never logs a private key or an access token", () => {
    const logs = proxy.stdout() + proxy.stderr();
    expect(logs).not.toContain("PRIVATE KEY");
    for (const grant of tokens.grants) expect(logs).not.toContain(grant.accessToken);
  });
});

describe("vertex_ai/ through the SDK", () => {
  it("completion() with vertex_credentials as an object", async () => {
    const response = await completion({
      model: "vertex_ai/gemini-2.5-flash",
      vertex_credentials: account as unknown as Record<string, unknown>,
      vertex_location: "asia-northeast1",
      api_base: fake.baseUrl,
      messages: [{ role: "user", content: "sdk" }],
    });
    expect(response.choices[0]?.message.content).toBe("Echo: sdk");
    expect(lastRequest().location).toBe("asia-northeast1");
  });

  it("completion() without credentials is an AuthenticationError", async () => {
    await expect(
      completion({
        model: "vertex_ai/gemini-2.5-flash",
        api_base: fake.baseUrl,
        messages: [{ role: "user", content: "x" }],
      }),
    ).rejects.toBeInstanceOf(AuthenticationError);
  });
});
