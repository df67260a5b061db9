/**
 * azure/<deployment> end to end: a fake Azure OpenAI resource (deployment URLs with api-version,
 * `api-key`), checked against the official AzureOpenAI client; the real CLI with a LiteLLM config;
 * the official openai client against the proxy; and completion() in-process.
 */
import OpenAI, { AzureOpenAI } from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AuthenticationError, BadRequestError, completion } from "../../src/index.js";
import { type ProxyProcess, startProxy } from "../fakes/proxy-process.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { assertMatchesOpenAISchema } from "../spec/openai-schemas.js";

const MASTER_KEY = "sk-master-azure";
const AZURE_KEY = "azure-resource-key";
const AD_TOKEN = "eyJ-azure-ad-token";
const DEPLOYMENT = "gpt4o-prod";

let resource: FakeUpstream;
let proxy: ProxyProcess;
let client: OpenAI;

beforeAll(async () => {
  // One deployment of the resource: its routes live under /openai/deployments/<deployment>.
  resource = await startFakeUpstream({ prefix: `/openai/deployments/${DEPLOYMENT}` });
  proxy = await startProxy({
    config: `
model_list:
  - model_name: gpt-4o
    litellm_params:
      model: azure/${DEPLOYMENT}
      api_base: ${resource.url}/
      api_key: ${AZURE_KEY}
      api_version: "2024-10-21"
  - model_name: gpt-4o-ad
    litellm_params:
      model: azure/${DEPLOYMENT}
      api_base: ${resource.url}
      azure_ad_token: ${AD_TOKEN}
  - model_name: gpt-4o-env
    litellm_params:
      model: azure/${DEPLOYMENT}
general_settings:
  master_key: ${MASTER_KEY}
  database_url: ":memory:"
router_settings:
  num_retries: 0
`,
    env: {
      AZURE_API_BASE: resource.url,
      AZURE_API_KEY: "env-azure-key",
      AZURE_API_VERSION: "2025-01-01-preview",
      REDIS_URL: "",
    },
  });
  client = new OpenAI({ apiKey: MASTER_KEY, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
}, 30_000);

afterAll(async () => {
  await proxy?.stop();
  await resource?.close();
});

beforeEach(() => {
  resource.clear();
});

const messages = [{ role: "user" as const, content: "hello azure" }];
const last = () => resource.requests[resource.requests.length - 1];

describe("the fake Azure resource", () => {
  it("speaks what the official AzureOpenAI client sends", async () => {
    const azureClient = new AzureOpenAI({
      endpoint: resource.url,
      apiKey: AZURE_KEY,
      apiVersion: "2024-10-21",
      deployment: DEPLOYMENT,
    });
    const answer = await azureClient.chat.completions.create({ model: "ignored", messages });
    expect(answer.choices[0]?.message.content).toContain("hello azure");
    expect(last()?.path).toBe(`/openai/deployments/${DEPLOYMENT}/chat/completions`);
    expect(last()?.query).toBe("?api-version=2024-10-21");
    expect(last()?.headers["api-key"]).toBe(AZURE_KEY);
  });
});

describe("azure/ through the proxy", () => {
  it("starts without a provider warning", () => {
    expect(proxy.stderr()).not.toMatch(/provider/i);
  });

  it("answers chat at the deployment's URL with api-version and api-key", async () => {
    const answer = await client.chat.completions.create({ model: "gpt-4o", messages });
    assertMatchesOpenAISchema("CreateChatCompletionResponse", answer);
    expect(answer.choices[0]?.message.content).toContain("hello azure");
    expect(last()?.path).toBe(`/openai/deployments/${DEPLOYMENT}/chat/completions`);
    expect(last()?.query).toBe("?api-version=2024-10-21");
    expect(last()?.headers["api-key"]).toBe(AZURE_KEY);
    expect(last()?.headers.authorization).toBeUndefined();
  });

  it("streams, embeds (base64, the client's default) and completes text", async () => {
    const stream = await client.chat.completions.create({ model: "gpt-4o", messages, stream: true });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toContain("hello azure");
    const embeddings = await client.embeddings.create({ model: "gpt-4o", input: ["a", "b"] });
    assertMatchesOpenAISchema("CreateEmbeddingResponse", embeddings);
    expect(embeddings.data).toHaveLength(2);
    expect(embeddings.data[0]?.embedding.length).toBeGreaterThan(0);
    expect(last()?.path).toBe(`/openai/deployments/${DEPLOYMENT}/embeddings`);
    const text2 = await client.completions.create({ model: "gpt-4o", prompt: "say hi" });
    expect(text2.choices[0]?.text).toBeTruthy();
    expect(last()?.path).toBe(`/openai/deployments/${DEPLOYMENT}/completions`);
  });

  it("leaves Azure's content-filter annotation chunks out of the stream", async () => {
    const annotation = { id: "", object: "", created: 0, model: "", choices: [], prompt_filter_results: [] };
    const chunk = (content: string | undefined, finish: string | null) => ({
      id: "chatcmpl-az",
      object: "chat.completion.chunk",
      created: 1,
      model: "gpt-4o",
      choices: [{ index: 0, delta: content === undefined ? {} : { content }, finish_reason: finish }],
    });
    resource.script({ kind: "stream", chunks: [annotation, chunk("Hi", null), chunk(undefined, "stop")] });
    const stream = await client.chat.completions.create({ model: "gpt-4o", messages, stream: true });
    const chunks = [];
    for await (const received of stream) chunks.push(received);
    expect(chunks.map((received) => received.object)).toEqual([
      "chat.completion.chunk",
      "chat.completion.chunk",
    ]);
    expect(chunks[0]?.choices[0]?.delta.content).toBe("Hi");
  });

  it("says a 404 is a deployment or resource that does not exist", async () => {
    resource.script({
      kind: "error",
      status: 404,
      body: {
        error: {
          code: "DeploymentNotFound",
          message: "The API deployment for this resource does not exist.",
        },
      },
    });
    const missing = await client.chat.completions
      .create({ model: "gpt-4o", messages })
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as Error).message).toContain("check the deployment name");
    expect((missing as Error).message).not.toContain("/v1 path");
  });

  it("sends azure_ad_token as a bearer token, and reads AZURE_* variables at call time", async () => {
    await client.chat.completions.create({ model: "gpt-4o-ad", messages });
    expect(last()?.headers.authorization).toBe(`Bearer ${AD_TOKEN}`);
    expect(last()?.headers["api-key"]).toBeUndefined();
    await client.chat.completions.create({ model: "gpt-4o-env", messages });
    expect(last()?.headers["api-key"]).toBe("env-azure-key");
    expect(last()?.query).toBe("?api-version=2025-01-01-preview");
  });

  it("maps Azure's errors: 401, content filter, 429 with retry-after", async () => {
    resource.script({
      kind: "error",
      status: 401,
      body: { error: { code: "401", message: "Access denied due to invalid subscription key." } },
    });
    await expect(client.chat.completions.create({ model: "gpt-4o", messages })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
    resource.script({
      kind: "error",
      status: 400,
      body: {
        error: {
          message:
            "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
          type: null,
          param: "prompt",
          code: "content_filter",
          status: 400,
          innererror: {
            code: "ResponsibleAIPolicyViolation",
            content_filter_result: { hate: { filtered: true, severity: "high" } },
          },
        },
      },
    });
    const filtered = await client.chat.completions
      .create({ model: "gpt-4o", messages })
      .catch((error: unknown) => error);
    expect(filtered).toBeInstanceOf(OpenAI.BadRequestError);
    expect((filtered as InstanceType<typeof OpenAI.APIError>).code).toBe("content_policy_violation");
    resource.script({ kind: "error", status: 429, headers: { "retry-after": "7" } });
    const limited = await client.chat.completions
      .create({ model: "gpt-4o", messages })
      .catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.APIError>).headers?.get("retry-after")).toBe("7");
  });

  it("never shows the key or the AD token in /model/info", async () => {
    const response = await fetch(`${proxy.url}/model/info`, {
      headers: { authorization: `Bearer ${MASTER_KEY}` },
    });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).toContain("azure/");
    expect(text).not.toContain(AZURE_KEY);
    expect(text).not.toContain(AD_TOKEN);
  });
});

describe("azure/ in the SDK", () => {
  it("calls the deployment, and refuses a call without api_base or credentials clearly", async () => {
    const answer = await completion({
      model: `azure/${DEPLOYMENT}`,
      api_base: resource.url,
      api_key: AZURE_KEY,
      messages,
    });
    expect(answer.choices[0]?.message.content).toContain("hello azure");
    expect(last()?.query).toBe(`?api-version=2024-10-21`);
    await expect(completion({ model: "azure/x", messages })).rejects.toBeInstanceOf(BadRequestError);
    await expect(completion({ model: "azure/x", api_base: resource.url, messages })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
  });
});
