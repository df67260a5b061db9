import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  BadRequestError,
  type ChatCompletion,
  call,
  completion,
  embedding,
  InternalServerError,
  NotFoundError,
  RateLimitError,
  textCompletion,
} from "../../src/index.js";
import type { FakeUpstream } from "../fakes/upstream.js";
import { assertMatchesOpenAISchema } from "../spec/openai-schemas.js";
import {
  chatChunkText,
  collect,
  forbiddenClient,
  redirectingClient,
  rejectionOf,
  useFakeUpstream,
} from "./sdk-helpers.js";

let upstream: FakeUpstream;
useFakeUpstream((started) => {
  upstream = started;
});

const messages = [{ role: "user" as const, content: "Hey, how's it going?" }];
const noEnv = { env: {} };

function lastRequest() {
  const request = upstream.requests.at(-1);
  if (request === undefined) throw new Error("the fake upstream received no request");
  return request;
}

function lastBody(): Record<string, unknown> {
  return lastRequest().body as Record<string, unknown>;
}

describe("openai/ chat", () => {
  it("answers a chat.completion the spec accepts, sent to <api_base>/chat/completions with the prefix stripped", async () => {
    const response = await completion(
      { model: "openai/mistral", api_key: "sk-1234", api_base: upstream.baseUrl, messages },
      noEnv,
    );
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    expect(response.object).toBe("chat.completion");
    expect(response.choices[0]?.message.content).toBe("echo: Hey, how's it going?");
    const request = lastRequest();
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/v1/chat/completions");
    expect(request.headers.authorization).toBe("Bearer sk-1234");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.body).toEqual({ model: "mistral", messages });
  });

  it("streams chat.completion.chunk objects the spec accepts whose content equals the non-streamed answer", async () => {
    const params = { model: "openai/mistral", api_key: "sk-1234", api_base: upstream.baseUrl, messages };
    const whole = await completion(params, noEnv);
    const chunks = await collect(await completion({ ...params, stream: true }, noEnv));
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", chunk);
      expect(chunk.object).toBe("chat.completion.chunk");
    }
    expect(chatChunkText(chunks)).toBe(whole.choices[0]?.message.content);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("stop");
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(lastBody()).toEqual({ model: "mistral", messages, stream: true });
  });

  it("ignores a trailing slash on api_base", async () => {
    await completion({ model: "openai/m", api_key: "k", api_base: `${upstream.baseUrl}/`, messages }, noEnv);
    expect(lastRequest().path).toBe("/v1/chat/completions");
    await completion(
      { model: "openai/m", api_key: "k", api_base: `${upstream.baseUrl}///`, messages },
      noEnv,
    );
    expect(lastRequest().path).toBe("/v1/chat/completions");
  });

  it("answers in OpenAI's shape when the server leaves fields out (vLLM, llama.cpp, TGI)", async () => {
    upstream.script({
      kind: "json",
      body: {
        id: "cmpl-v",
        object: "chat.completion",
        created: 5,
        model: "mistral",
        choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "eos_token" }],
        usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4, prompt_tokens_details: null },
      },
    });
    const response = await completion(
      { model: "openai/mistral", api_key: "k", api_base: upstream.baseUrl, messages },
      noEnv,
    );
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    expect(response.choices[0]).toMatchObject({ finish_reason: "stop", logprobs: null });
    expect(response.choices[0]?.message.refusal).toBeNull();
  });

  it("throws the mapped error of a 200 whose body is an error", async () => {
    upstream.script({
      kind: "json",
      body: { error: { message: "Rate limit reached", type: "rate_limit_error", code: null } },
    });
    const error = await completion(
      { model: "openai/mistral", api_key: "k", api_base: upstream.baseUrl, messages, max_retries: 0 },
      noEnv,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitError);
  });

  it("keeps a query of the api_base after the endpoint path", async () => {
    await completion(
      { model: "openai/m", api_key: "k", api_base: `${upstream.baseUrl}/?api-version=2024-10-21`, messages },
      noEnv,
    );
    expect(lastRequest()).toMatchObject({ path: "/v1/chat/completions", query: "?api-version=2024-10-21" });
  });

  it("guesses no /v1: an api_base without it gets a 404 as a NotFoundError suggesting /v1", async () => {
    const error = await rejectionOf(
      completion(
        { model: "openai/m", api_key: "k", api_base: upstream.url, messages, max_retries: 0 },
        noEnv,
      ),
    );
    expect(lastRequest().path).toBe("/chat/completions");
    expect(upstream.requests).toHaveLength(1);
    expect(error).toBeInstanceOf(NotFoundError);
    const notFound = error as NotFoundError;
    expect(notFound.status).toBe(404);
    expect(notFound.message).toContain(`${upstream.url}/v1`);
    expect(notFound.provider).toBe("openai");
    expect(notFound.model).toBe("m");
  });

  it("keeps a model name that has slashes of its own after the provider prefix", async () => {
    await completion(
      { model: "openai/meta-llama/Llama-3-8B", api_key: "k", api_base: upstream.baseUrl, messages },
      noEnv,
    );
    expect(lastBody().model).toBe("meta-llama/Llama-3-8B");
  });

  it("sends none of the routing fields upstream and does not change the caller's params", async () => {
    const params = {
      model: "openai/m",
      api_key: "k",
      api_base: upstream.baseUrl,
      messages,
      timeout: 30,
      stream_timeout: 10,
      max_retries: 1,
      organization: "org-1",
      extra_headers: { "x-trace": "1" },
      drop_params: true,
      supports_system_message: true,
      signal: new AbortController().signal,
      additional_drop_params: [],
    };
    const copy = { ...params };
    await completion(params, noEnv);
    expect(lastBody()).toEqual({ model: "m", messages });
    expect(params).toEqual(copy);
  });
});

describe("embedding and textCompletion", () => {
  it("embeds through <api_base>/embeddings with a response the spec accepts", async () => {
    const response = await embedding(
      { model: "openai/GPT-J", api_key: "k", api_base: upstream.baseUrl, input: ["good morning", "hi"] },
      noEnv,
    );
    assertMatchesOpenAISchema("CreateEmbeddingResponse", response);
    expect(response.data).toHaveLength(2);
    expect(lastRequest().path).toBe("/v1/embeddings");
    expect(lastBody()).toEqual({ model: "GPT-J", input: ["good morning", "hi"] });
  });

  it("parses a large body lazily when asked: id and usage at once, the rest only when read", async () => {
    const params = {
      model: "openai/e",
      api_key: "k",
      api_base: upstream.baseUrl,
      input: "lazy me",
      dimensions: 1536,
    };
    const lazy = await call("embeddings", params, { env: {}, parseLazily: true });
    if (lazy.kind !== "response") throw new Error("expected a response");
    expect(Buffer.isBuffer(lazy.rawBody)).toBe(true);
    expect(lazy.rawBody?.length).toBeGreaterThan(4096);
    const parsed = JSON.parse(String(lazy.rawBody));
    expect(lazy.summary).toEqual({ usage: parsed.usage });
    expect(lazy.data).toEqual(parsed);
    expect(lazy.data).toBe(lazy.data);
    // Without the option, or for a small body, everything is parsed at once.
    const eager = await call("embeddings", params, { env: {} });
    expect(eager.kind === "response" && eager.summary).toBeUndefined();
    const small = await call("embeddings", { ...params, dimensions: 4 }, { env: {}, parseLazily: true });
    expect(small.kind === "response" && small.summary).toBeUndefined();
  });

  it("reads UTF-8 ids and skips UTF-8 text when parsing lazily, a byte order mark included", async () => {
    const answer = {
      id: "emb-é✓🎉",
      object: "list",
      data: [{ note: "ünïcode ".repeat(800) }],
      usage: { prompt_tokens: 2, total_tokens: 2 },
    };
    upstream.script({ kind: "json", body: `\uFEFF${JSON.stringify(answer)}` });
    const lazy = await call(
      "embeddings",
      { model: "openai/e", api_key: "k", api_base: upstream.baseUrl, input: "x" },
      { env: {}, parseLazily: true },
    );
    if (lazy.kind !== "response") throw new Error("expected a response");
    expect(lazy.summary).toEqual({ id: answer.id, usage: answer.usage });
    expect(lazy.data).toEqual(answer);
  });

  it("still refuses a large body that is not JSON when parsing lazily", async () => {
    upstream.script({ kind: "json", body: `{"data": [${"1,".repeat(5000)}` });
    const failure = await rejectionOf(
      call(
        "embeddings",
        { model: "openai/e", api_key: "k", api_base: upstream.baseUrl, input: "x", max_retries: 0 },
        { env: {}, parseLazily: true },
      ),
    );
    expect(failure).toBeInstanceOf(InternalServerError);
    expect((failure as Error).message).toMatch(/not JSON/);
  });

  it("passes embedding options (dimensions, encoding_format) through", async () => {
    const response = await embedding(
      {
        model: "openai/e",
        api_key: "k",
        api_base: upstream.baseUrl,
        input: "x",
        dimensions: 4,
        encoding_format: "base64",
      },
      noEnv,
    );
    expect(typeof response.data[0]?.embedding).toBe("string");
    expect(lastBody()).toEqual({ model: "e", input: "x", dimensions: 4, encoding_format: "base64" });
  });

  it("completes text through <api_base>/completions, streamed and not, with the same text", async () => {
    const params = {
      model: "text-completion-openai/foo",
      api_key: "k",
      api_base: upstream.baseUrl,
      prompt: "Say hi",
    };
    const whole = await textCompletion(params, noEnv);
    assertMatchesOpenAISchema("CreateCompletionResponse", whole);
    expect(whole.object).toBe("text_completion");
    expect(whole.choices[0]?.text).toBe("echo: Say hi");
    expect(lastRequest().path).toBe("/v1/completions");
    expect(lastBody()).toEqual({ model: "foo", prompt: "Say hi" });

    const chunks = await collect(await textCompletion({ ...params, stream: true }, noEnv));
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.object).toBe("text_completion");
    expect(chunks.map((chunk) => chunk.choices[0]?.text ?? "").join("")).toBe("echo: Say hi");
    expect(lastBody()).toEqual({ model: "foo", prompt: "Say hi", stream: true });
  });

  it("completes text with openai/ too", async () => {
    const response = await textCompletion(
      { model: "openai/foo", api_key: "k", api_base: upstream.baseUrl, prompt: "p", max_tokens: 5 },
      noEnv,
    );
    expect(response.choices[0]?.text).toBe("echo: p");
    expect(lastRequest().path).toBe("/v1/completions");
    expect(lastBody()).toEqual({ model: "foo", prompt: "p", max_tokens: 5 });
  });
});

describe("text-completion-openai/ chat", () => {
  const params = {
    model: "text-completion-openai/gpt-3.5-turbo-instruct",
    api_key: "k",
    messages: [{ role: "user" as const, content: "Say hi" }],
  };

  it("goes to /completions with a prompt and comes back as a chat.completion", async () => {
    const response = await completion({ ...params, api_base: upstream.baseUrl }, noEnv);
    expect(lastRequest().path).toBe("/v1/completions");
    expect(lastBody()).toEqual({ model: "gpt-3.5-turbo-instruct", prompt: "Say hi" });
    expect(response.object).toBe("chat.completion");
    expect(response.choices[0]?.message).toMatchObject({ role: "assistant", content: "echo: Say hi" });
    expect(response.choices[0]?.finish_reason).toBe("stop");
    expect(response.usage?.total_tokens).toBeGreaterThan(0);
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
  });

  it("streams chat.completion.chunk objects", async () => {
    const chunks = await collect(
      await completion({ ...params, api_base: upstream.baseUrl, stream: true }, noEnv),
    );
    expect(lastRequest().path).toBe("/v1/completions");
    expect(lastBody()).toMatchObject({ prompt: "Say hi", stream: true });
    for (const chunk of chunks) {
      expect(chunk.object).toBe("chat.completion.chunk");
      assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", chunk);
    }
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chatChunkText(chunks)).toBe("echo: Say hi");
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("stop");
  });
});

describe("text-completion-openai/ chat usage", () => {
  it("ends a stream with the usage chunk when include_usage is asked", async () => {
    const chunks = await collect(
      await completion(
        {
          model: "text-completion-openai/x",
          api_key: "k",
          api_base: upstream.baseUrl,
          messages,
          stream: true,
          stream_options: { include_usage: true },
        },
        noEnv,
      ),
    );
    expect(lastBody()).toMatchObject({ stream_options: { include_usage: true } });
    const last = chunks.at(-1);
    expect(last?.object).toBe("chat.completion.chunk");
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.total_tokens).toBeGreaterThan(0);
  });
});

describe("presets without a key", () => {
  it("hosted_vllm/ with an api_base and no key sends no Authorization header", async () => {
    await completion({ model: "hosted_vllm/llama", api_base: upstream.baseUrl, messages }, noEnv);
    expect(lastRequest().headers.authorization).toBeUndefined();
    expect(lastBody().model).toBe("llama");
  });

  it("hosted_vllm/ reads HOSTED_VLLM_API_BASE and HOSTED_VLLM_API_KEY", async () => {
    await completion(
      { model: "hosted_vllm/llama", messages },
      {
        env: {
          HOSTED_VLLM_API_BASE: upstream.baseUrl,
          HOSTED_VLLM_API_KEY: "vllm-key",
          OPENAI_API_KEY: "sk-no",
        },
      },
    );
    expect(lastRequest().path).toBe("/v1/chat/completions");
    expect(lastRequest().headers.authorization).toBe("Bearer vllm-key");
  });

  it("hosted_vllm/ without any api_base fails before any network traffic", async () => {
    const client = forbiddenClient();
    const error = await rejectionOf(
      completion({ model: "hosted_vllm/llama", messages }, { env: {}, httpClient: client }),
    );
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain("HOSTED_VLLM_API_BASE");
    expect(client.urls).toEqual([]);
  });

  it("llamafile/ defaults to http://127.0.0.1:8080/v1 and sends no key", async () => {
    const client = redirectingClient(upstream);
    try {
      await completion({ model: "llamafile/mistral-7b", messages }, { env: {}, httpClient: client });
      expect(client.urls).toEqual(["http://127.0.0.1:8080/v1/chat/completions"]);
      expect(lastRequest().headers.authorization).toBeUndefined();
      expect(lastBody().model).toBe("mistral-7b");
    } finally {
      await client.close();
    }
  });
});

describe("environment fallbacks", () => {
  it("reads OPENAI_API_KEY and OPENAI_ORGANIZATION (the openai-organization header)", async () => {
    await completion(
      { model: "openai/m", api_base: upstream.baseUrl, messages },
      { env: { OPENAI_API_KEY: "sk-env", OPENAI_ORGANIZATION: "org-env" } },
    );
    expect(lastRequest().headers.authorization).toBe("Bearer sk-env");
    expect(lastRequest().headers["openai-organization"]).toBe("org-env");
  });

  it("prefers the call's api_key and organization to the environment", async () => {
    await completion(
      {
        model: "openai/m",
        api_base: upstream.baseUrl,
        messages,
        api_key: "sk-call",
        organization: "org-call",
      },
      { env: { OPENAI_API_KEY: "sk-env", OPENAI_ORGANIZATION: "org-env" } },
    );
    expect(lastRequest().headers.authorization).toBe("Bearer sk-call");
    expect(lastRequest().headers["openai-organization"]).toBe("org-call");
  });

  it("sends no openai-organization header when none is set", async () => {
    await completion({ model: "openai/m", api_base: upstream.baseUrl, messages, api_key: "k" }, noEnv);
    expect(lastRequest().headers["openai-organization"]).toBeUndefined();
  });

  it("takes api_base from OPENAI_BASE_URL before OPENAI_API_BASE", async () => {
    await completion(
      { model: "openai/m", api_key: "k", messages },
      { env: { OPENAI_BASE_URL: upstream.baseUrl, OPENAI_API_BASE: "http://127.0.0.1:1/v1" } },
    );
    expect(lastRequest().path).toBe("/v1/chat/completions");
  });

  it("takes api_base from OPENAI_API_BASE when OPENAI_BASE_URL is not set", async () => {
    await completion(
      { model: "openai/m", api_key: "k", messages },
      { env: { OPENAI_API_BASE: `${upstream.baseUrl}/` } },
    );
    expect(lastRequest().path).toBe("/v1/chat/completions");
  });

  it("prefers the call's api_base to the environment", async () => {
    await completion(
      { model: "openai/m", api_key: "k", messages, api_base: upstream.baseUrl },
      { env: { OPENAI_BASE_URL: "http://127.0.0.1:1/v1" } },
    );
    expect(upstream.requests).toHaveLength(1);
  });

  it("falls back to OpenAI's own URL", async () => {
    const client = redirectingClient(upstream);
    try {
      await completion(
        { model: "gpt-4o", messages },
        { env: { OPENAI_API_KEY: "sk-env" }, httpClient: client },
      );
      expect(client.urls).toEqual(["https://api.openai.com/v1/chat/completions"]);
      expect(lastBody().model).toBe("gpt-4o");
      expect(lastRequest().headers.authorization).toBe("Bearer sk-env");
    } finally {
      await client.close();
    }
  });

  it("reads the environment at call time", async () => {
    const env: NodeJS.ProcessEnv = {};
    env.OPENAI_API_KEY = "sk-late";
    await completion({ model: "openai/m", api_base: upstream.baseUrl, messages }, { env });
    expect(lastRequest().headers.authorization).toBe("Bearer sk-late");
  });

  it('treats an explicit api_key of "" as no key, never falling back to OPENAI_API_KEY', async () => {
    await completion(
      { model: "openai/m", api_base: upstream.baseUrl, messages, api_key: "" },
      { env: { OPENAI_API_KEY: "sk-env" } },
    );
    expect(lastRequest().headers.authorization).toBeUndefined();
  });

  it("refuses a bare gpt-4o without any key with an AuthenticationError naming OPENAI_API_KEY, and no traffic", async () => {
    const client = forbiddenClient();
    for (const model of ["gpt-4o", "openai/gpt-4o"]) {
      const error = await rejectionOf(completion({ model, messages }, { env: {}, httpClient: client }));
      expect(error).toBeInstanceOf(AuthenticationError);
      const auth = error as AuthenticationError;
      expect(auth.status).toBe(401);
      expect(auth.message).toContain("OPENAI_API_KEY");
      expect(auth.provider).toBe("openai");
      expect(auth.model).toBe("gpt-4o");
    }
    const explicitEmpty = await rejectionOf(
      completion(
        { model: "gpt-4o", messages, api_key: "" },
        { env: { OPENAI_API_KEY: "sk-env" }, httpClient: client },
      ),
    );
    expect(explicitEmpty).toBeInstanceOf(AuthenticationError);
    const embeddingError = await rejectionOf(
      embedding({ model: "text-embedding-3-small", input: "x" }, { env: {}, httpClient: client }),
    );
    expect(embeddingError).toBeInstanceOf(AuthenticationError);
    expect(client.urls).toEqual([]);
  });

  it("sends a bare model name to OPENAI_BASE_URL without a key and without an Authorization header", async () => {
    await completion({ model: "gpt-4o", messages }, { env: { OPENAI_BASE_URL: upstream.baseUrl } });
    expect(lastBody().model).toBe("gpt-4o");
    expect(lastRequest().headers.authorization).toBeUndefined();
  });

  it("refuses an unknown provider prefix with a BadRequestError", async () => {
    const error = await rejectionOf(completion({ model: "nope/m", messages, api_key: "k" }, noEnv));
    expect(error).toBeInstanceOf(BadRequestError);
  });
});

describe("request fields", () => {
  it("passes every OpenAI field, and unknown ones, through untouched", async () => {
    const fields = {
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Weather",
            parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
          },
        },
      ],
      tool_choice: { type: "function", function: { name: "get_weather" } },
      response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } },
      stream_options: { include_usage: true },
      n: 2,
      stop: ["\n", "END"],
      seed: 0,
      logprobs: false,
      top_logprobs: 0,
      temperature: 0,
      presence_penalty: null,
      max_tokens: 10,
      max_completion_tokens: 20,
      user: "user-1",
      logit_bias: { "50256": -100 },
      parallel_tool_calls: false,
      metadata: { a: "b" },
      my_unknown_field: { nested: [1, "two", null] },
    };
    const toolMessages = [
      ...messages,
      {
        role: "assistant" as const,
        content: null,
        tool_calls: [
          { id: "call_1", type: "function" as const, function: { name: "get_weather", arguments: "{}" } },
        ],
      },
      { role: "tool" as const, tool_call_id: "call_1", content: "sunny" },
    ];
    await completion(
      { model: "openai/m", api_key: "k", api_base: upstream.baseUrl, messages: toolMessages, ...fields },
      noEnv,
    );
    expect(lastBody()).toEqual({ model: "m", messages: toolMessages, ...fields });
  });

  it("adds extra_headers to the request", async () => {
    await completion(
      {
        model: "openai/m",
        api_key: "k",
        api_base: upstream.baseUrl,
        messages,
        extra_headers: { "x-custom": "1", "X-Other": "two" },
      },
      noEnv,
    );
    expect(lastRequest().headers["x-custom"]).toBe("1");
    expect(lastRequest().headers["x-other"]).toBe("two");
    expect(lastRequest().headers.authorization).toBe("Bearer k");
  });

  it("lets extra_headers replace a header, whatever its case", async () => {
    await completion(
      {
        model: "openai/m",
        api_key: "k",
        api_base: upstream.baseUrl,
        messages,
        extra_headers: { Authorization: "Bearer other" },
      },
      noEnv,
    );
    expect(lastRequest().headers.authorization).toBe("Bearer other");
  });

  it("merges extra_body into the body", async () => {
    await completion(
      {
        model: "openai/m",
        api_key: "k",
        api_base: upstream.baseUrl,
        messages,
        temperature: 1,
        extra_body: { top_k: 5, guided_json: { type: "object" }, temperature: 0.5 },
      },
      noEnv,
    );
    expect(lastBody()).toEqual({
      model: "m",
      messages,
      top_k: 5,
      guided_json: { type: "object" },
      temperature: 0.5,
    });
  });

  it("drops additional_drop_params, and drop_params keeps what an OpenAI-compatible server accepts", async () => {
    await completion(
      {
        model: "openai/m",
        api_key: "k",
        api_base: upstream.baseUrl,
        messages,
        user: "u",
        seed: 1,
        temperature: 0,
        additional_drop_params: ["user", "seed"],
      },
      noEnv,
    );
    expect(lastBody()).toEqual({ model: "m", messages, temperature: 0 });
    await completion(
      { model: "openai/m", api_key: "k", api_base: upstream.baseUrl, messages, seed: 1, drop_params: true },
      noEnv,
    );
    expect(lastBody()).toEqual({ model: "m", messages, seed: 1 });
  });

  it("maps system messages onto user messages with supports_system_message: false", async () => {
    await completion(
      {
        model: "openai/m",
        api_key: "k",
        api_base: upstream.baseUrl,
        supports_system_message: false,
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Hi" },
          { role: "assistant", content: "Hello" },
          { role: "system", content: "Now in French." },
        ],
      },
      noEnv,
    );
    expect(lastBody().messages).toEqual([
      { role: "user", content: "Be brief. Hi" },
      { role: "assistant", content: "Hello" },
      { role: "user", content: "Now in French." },
    ]);
  });

  it("keeps system messages with supports_system_message true or unset", async () => {
    const withSystem = [{ role: "system" as const, content: "S" }, ...messages];
    await completion(
      { model: "openai/m", api_key: "k", api_base: upstream.baseUrl, messages: withSystem },
      noEnv,
    );
    expect(lastBody().messages).toEqual(withSystem);
  });
});

describe("mock_response", () => {
  it("answers a chat.completion the spec accepts without any upstream, even without a key", async () => {
    const client = forbiddenClient();
    const response: ChatCompletion = await completion(
      { model: "gpt-4o", messages, mock_response: "Hello there, friend" },
      { env: {}, httpClient: client },
    );
    assertMatchesOpenAISchema("CreateChatCompletionResponse", response);
    expect(response.choices[0]?.message.content).toBe("Hello there, friend");
    expect(response.model).toBe("gpt-4o");
    expect(response.usage?.total_tokens).toBe(
      (response.usage?.prompt_tokens ?? 0) + (response.usage?.completion_tokens ?? 0),
    );
    expect(client.urls).toEqual([]);
  });

  it("streams well-formed chunks that join to the mock text, with usage when asked", async () => {
    const client = forbiddenClient();
    const chunks = await collect(
      await completion(
        {
          model: "openai/m",
          messages,
          mock_response: "Hello there, friend",
          stream: true,
          stream_options: { include_usage: true },
        },
        { env: {}, httpClient: client },
      ),
    );
    for (const chunk of chunks) assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chatChunkText(chunks)).toBe("Hello there, friend");
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage?.completion_tokens).toBeGreaterThan(0);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(client.urls).toEqual([]);
  });

  it("mocks text completions and embeddings", async () => {
    const client = forbiddenClient();
    const context = { env: {}, httpClient: client };
    const text = await textCompletion(
      { model: "text-completion-openai/x", prompt: "p", mock_response: "done" },
      context,
    );
    assertMatchesOpenAISchema("CreateCompletionResponse", text);
    expect(text.choices[0]?.text).toBe("done");
    const chunks = await collect(
      await textCompletion(
        { model: "text-completion-openai/x", prompt: "p", mock_response: "a b c", stream: true },
        context,
      ),
    );
    expect(chunks.map((chunk) => chunk.choices[0]?.text ?? "").join("")).toBe("a b c");
    const vectors = await embedding({ model: "openai/e", input: ["a", "b"], mock_response: "x" }, context);
    assertMatchesOpenAISchema("CreateEmbeddingResponse", vectors);
    expect(vectors.data).toHaveLength(2);
    expect(client.urls).toEqual([]);
  });

  it("mocks an empty answer without breaking", async () => {
    const response = await completion({ model: "openai/m", messages, mock_response: "" }, noEnv);
    expect(response.choices[0]?.message.content).toBe("");
    const chunks = await collect(
      await completion({ model: "openai/m", messages, mock_response: "", stream: true }, noEnv),
    );
    for (const chunk of chunks) assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", chunk);
    expect(chatChunkText(chunks)).toBe("");
  });
});
