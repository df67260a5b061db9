import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  BadRequestError,
  ContentPolicyViolationError,
  ContextWindowExceededError,
  InternalServerError,
  LlmgateError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequestTooLargeError,
  ServiceUnavailableError,
  Timeout,
  UnprocessableEntityError,
} from "../../errors/index.js";
import type { UpstreamFailure, UpstreamTarget } from "../types.js";
import { mapOpenAICompatibleError, parseRetryAfter } from "./errors.js";

const TARGET: UpstreamTarget = {
  providerId: "hosted_vllm",
  model: "qwen3-32b",
  apiBase: "http://gpu-box:8000/v1",
  apiKey: undefined,
  organization: undefined,
};

function failure(status: number, body: unknown, overrides: Partial<UpstreamFailure> = {}): UpstreamFailure {
  return { status, body, headers: {}, target: TARGET, ...overrides };
}

function openAIBody(message: string, extra: Record<string, unknown> = {}): unknown {
  return { error: { message, type: "invalid_request_error", param: null, code: null, ...extra } };
}

describe("mapOpenAICompatibleError: class by status", () => {
  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [408, Timeout],
    [413, RequestTooLargeError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
    [500, InternalServerError],
    [502, InternalServerError],
    [503, ServiceUnavailableError],
    [418, BadRequestError],
  ])("maps %i to %s", (status, ErrorClass) => {
    const error = mapOpenAICompatibleError(failure(status, openAIBody("something went wrong")));
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error.status).toBe(status);
    expect(error).not.toBeInstanceOf(ContextWindowExceededError);
    expect(error).not.toBeInstanceOf(ContentPolicyViolationError);
  });

  it("maps 429 to a retryable rate-limit error and 401 to a final one", () => {
    expect(mapOpenAICompatibleError(failure(429, openAIBody("slow down"))).isRetryable).toBe(true);
    expect(mapOpenAICompatibleError(failure(401, openAIBody("bad key"))).isRetryable).toBe(false);
  });

  it("sets provider, model, body, param and code", () => {
    const body = openAIBody("Invalid value for 'temperature'", {
      param: "temperature",
      code: "invalid_value",
    });
    const error = mapOpenAICompatibleError(failure(400, body));
    expect(error).toMatchObject({
      status: 400,
      provider: "hosted_vllm",
      model: "qwen3-32b",
      body,
      param: "temperature",
      code: "invalid_value",
      retryAfter: undefined,
    });
    expect(LlmgateError.is(error)).toBe(true);
  });

  it("ignores numeric codes that only echo the status (vLLM, sglang)", () => {
    const body = { object: "error", message: "bad", type: "BadRequestError", param: null, code: 400 };
    const error = mapOpenAICompatibleError(failure(400, body));
    expect(error.code).toBeNull();
    expect(error.param).toBeNull();
  });
});

describe("mapOpenAICompatibleError: message", () => {
  it("prefixes provider, status and model and keeps the upstream message verbatim", () => {
    const error = mapOpenAICompatibleError(failure(401, openAIBody("Incorrect API key provided: sk-***.")));
    expect(error.message).toBe("hosted_vllm error (401) from qwen3-32b: Incorrect API key provided: sk-***.");
  });

  it.each([
    [
      "error.message (OpenAI)",
      { error: { message: "from error.message" }, message: "not this" },
      "from error.message",
    ],
    ["message (vLLM)", { object: "error", message: "from message", type: "BadRequestError" }, "from message"],
    ["detail string (FastAPI)", { detail: "Not Found" }, "Not Found"],
    [
      "detail list (FastAPI validation)",
      { detail: [{ loc: ["body", "messages"], msg: "Field required" }, { msg: "Input should be a string" }] },
      "Field required; Input should be a string",
    ],
    ["error string", { error: "model 'llama9' not found" }, "model 'llama9' not found"],
    [
      "text body",
      "  upstream connect error or disconnect/reset before headers\n",
      "upstream connect error or disconnect/reset before headers",
    ],
    ["unknown JSON shape", { status: "failed", reason: "busy" }, '{"status":"failed","reason":"busy"}'],
    ["JSON with an empty message", { error: { message: "" } }, '{"error":{"message":""}}'],
  ])("takes the message from %s", (_name, body, expected) => {
    const error = mapOpenAICompatibleError(failure(502, body));
    expect(error.message).toBe(`hosted_vllm error (502) from qwen3-32b: ${expected}`);
  });

  it("cuts a long text body", () => {
    const error = mapOpenAICompatibleError(failure(502, `<html>${"x".repeat(2000)}</html>`));
    const upstream = error.message.slice("hosted_vllm error (502) from qwen3-32b: ".length);
    expect(upstream).toHaveLength(501);
    expect(upstream.endsWith("…")).toBe(true);
  });

  it.each([
    ["no body", undefined],
    ["an empty text body", "   "],
    ["an empty object", {}],
    ["null", null],
  ])("falls back to the HTTP status with %s", (_name, body) => {
    expect(mapOpenAICompatibleError(failure(503, body)).message).toBe(
      "hosted_vllm error (503) from qwen3-32b: HTTP 503",
    );
  });
});

describe("mapOpenAICompatibleError: the deployment's key", () => {
  it("never repeats it, in the message or the body, however the server echoed it", () => {
    const target = { ...TARGET, apiKey: "sk-up-SECRET-9876" };
    const json = mapOpenAICompatibleError(
      failure(401, openAIBody("Incorrect API key provided: sk-up-SECRET-9876."), { target }),
    );
    expect(json.message).toContain("Incorrect API key provided: [redacted api key].");
    expect(JSON.stringify(json.body)).not.toContain("SECRET");
    const html = mapOpenAICompatibleError(
      failure(500, "<html>Authorization: Bearer sk-up-SECRET-9876</html>", { target }),
    );
    expect(html.message).not.toContain("SECRET");
    expect(html.body).toBe("<html>Authorization: Bearer [redacted api key]</html>");
  });
});

describe("mapOpenAICompatibleError: context window", () => {
  it("uses the OpenAI code string_above_max_length", () => {
    const body = openAIBody("Invalid 'messages[0].content': string too long.", {
      param: "messages[0].content",
      code: "string_above_max_length",
    });
    expect(mapOpenAICompatibleError(failure(400, body))).toBeInstanceOf(ContextWindowExceededError);
  });

  it("uses the OpenAI code context_length_exceeded", () => {
    const body = openAIBody("Request too big.", { param: "messages", code: "context_length_exceeded" });
    const error = mapOpenAICompatibleError(failure(400, body));
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, code: "context_length_exceeded", param: "messages" });
    expect(error.isRetryable).toBe(false);
  });

  it.each([
    [
      "OpenAI",
      400,
      openAIBody(
        "This model's maximum context length is 4097 tokens. However, your messages resulted in 6988 tokens. Please reduce the length of the messages.",
        { param: "messages" },
      ),
    ],
    [
      "vLLM",
      400,
      {
        object: "error",
        message:
          "This model's maximum context length is 4096 tokens. However, you requested 4472 tokens (376 in the messages, 4096 in the completion). Please reduce the length of the messages or completion.",
        type: "BadRequestError",
        param: null,
        code: 400,
      },
    ],
    [
      "sglang",
      400,
      {
        object: "error",
        message: "The input (61709 tokens) is longer than the model's context length (40960 tokens).",
        type: "BadRequestError",
        param: null,
        code: 400,
      },
    ],
    [
      "OpenRouter",
      400,
      openAIBody(
        "This endpoint's maximum context length is 131072 tokens. However, you requested about 138956 tokens (7884 of text input, 131072 in the output). Please reduce the length of either one.",
      ),
    ],
    [
      "llama.cpp (400)",
      400,
      {
        error: {
          code: 400,
          message:
            "request (4390 tokens) exceeds the available context size (4096 tokens), try increasing it",
          type: "exceed_context_size_error",
          n_prompt_tokens: 4390,
          n_ctx: 4096,
        },
      },
    ],
    [
      "llama.cpp (500, by type)",
      500,
      { error: { code: 500, message: "something odd", type: "exceed_context_size_error", n_ctx: 256 } },
    ],
    [
      "llama.cpp (500, by wording)",
      500,
      { error: { code: 500, message: "Context size has been exceeded.", type: "server_error" } },
    ],
    [
      "TGI (422)",
      422,
      {
        error:
          "Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4000 `inputs` tokens and 512 `max_new_tokens`",
        error_type: "validation",
      },
    ],
    ["Ollama", 400, { error: "prompt too long; exceeded max context length by 812 tokens" }],
    [
      "Mistral",
      400,
      {
        object: "error",
        message:
          "Prompt contains 40466 tokens and 0 draft tokens, too large for model with 32768 maximum context length",
        type: "invalid_request_message_error",
        param: null,
        code: "3051",
      },
    ],
    [
      "Anthropic via a compatible endpoint",
      400,
      {
        type: "error",
        error: {
          type: "invalid_request_error",
          message: "prompt is too long: 209353 tokens > 199999 maximum",
        },
      },
    ],
    ["a 413 with the wording", 413, openAIBody("Please reduce the length of the messages or completion.")],
  ])("recognises %s", (_name, status, body) => {
    const error = mapOpenAICompatibleError(failure(status, body));
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(error.status).toBe(400);
    expect(error.code).toBe("context_length_exceeded");
    expect(error.isRetryable).toBe(false);
    expect(error.message).toContain(`hosted_vllm error (${status}) from qwen3-32b: `);
    expect(error.body).toBe(body);
  });

  it("does not treat the wording as a context-window error under other statuses", () => {
    const body = openAIBody("This model's maximum context length is 4097 tokens.");
    expect(mapOpenAICompatibleError(failure(429, body))).toBeInstanceOf(RateLimitError);
    expect(mapOpenAICompatibleError(failure(503, body))).toBeInstanceOf(ServiceUnavailableError);
  });
});

describe("mapOpenAICompatibleError: content policy", () => {
  const azureBody = {
    error: {
      message:
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
      type: null,
      param: "prompt",
      code: "content_filter",
      status: 400,
      innererror: {
        code: "ResponsibleAIPolicyViolation",
        content_filter_result: { violence: { filtered: true, severity: "medium" } },
      },
    },
  };

  it("recognises Azure's content_filter answer", () => {
    const error = mapOpenAICompatibleError(failure(400, azureBody));
    expect(error).toBeInstanceOf(ContentPolicyViolationError);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({
      status: 400,
      code: "content_policy_violation",
      param: "prompt",
      body: azureBody,
    });
  });

  it.each([
    ["code content_policy_violation", openAIBody("Rejected.", { code: "content_policy_violation" })],
    ["code content_filter", openAIBody("Filtered.", { code: "content_filter" })],
    ["type ResponsibleAIPolicyViolation", openAIBody("Filtered.", { type: "ResponsibleAIPolicyViolation" })],
    [
      "innererror ResponsibleAIPolicyViolation",
      openAIBody("Filtered.", { innererror: { code: "ResponsibleAIPolicyViolation" } }),
    ],
    [
      "the content management policy wording",
      openAIBody("The prompt triggered the content management policy."),
    ],
    ["the code quoted in the message", openAIBody("Error: content_policy_violation (prompt flagged)")],
    [
      "the safety system wording",
      openAIBody(
        "Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed.",
      ),
    ],
  ])("recognises %s", (_name, body) => {
    expect(mapOpenAICompatibleError(failure(400, body))).toBeInstanceOf(ContentPolicyViolationError);
  });

  it("keeps a non-400 status as its own class", () => {
    expect(mapOpenAICompatibleError(failure(500, azureBody))).toBeInstanceOf(InternalServerError);
  });
});

describe("mapOpenAICompatibleError: 404 hint", () => {
  function notFound(apiBase: string): LlmgateError {
    return mapOpenAICompatibleError(
      failure(404, { detail: "Not Found" }, { target: { ...TARGET, apiBase } }),
    );
  }

  it("suggests /v1 when the api_base has no version segment", () => {
    const error = notFound("http://gpu-box:8000");
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe(
      'hosted_vllm error (404) from qwen3-32b: Not Found (the api_base "http://gpu-box:8000" has no /v1 path; ' +
        'OpenAI-compatible servers usually serve under "http://gpu-box:8000/v1": try that api_base)',
    );
  });

  it("suggests /v1 after a path without a version", () => {
    expect(notFound("https://example.com/llm/").message).toContain(
      'serve under "https://example.com/llm/v1"',
    );
  });

  it.each([
    "http://gpu-box:8000/v1",
    "https://generativelanguage.googleapis.com/v1beta/openai",
    "https://api.groq.com/openai/v1",
    "https://example.com/api/v2/",
    "not a url",
  ])("adds no hint for %s", (apiBase) => {
    expect(notFound(apiBase).message).not.toContain("has no /v1 path");
  });

  it("adds no hint to other statuses", () => {
    const target = { ...TARGET, apiBase: "http://gpu-box:8000" };
    const error = mapOpenAICompatibleError(failure(400, { detail: "Bad" }, { target }));
    expect(error.message).not.toContain("has no /v1 path");
  });
});

describe("retry-after", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");

  it.each([
    ["retry-after in seconds", { "retry-after": "20" }, 20],
    ["retry-after with a fraction", { "retry-after": "1.5" }, 1.5],
    ["retry-after as an HTTP date", { "retry-after": "Wed, 01 Jan 2025 00:00:30 GMT" }, 30],
    ["retry-after as a past HTTP date", { "retry-after": "Tue, 31 Dec 2024 23:59:00 GMT" }, 0],
    ["retry-after-ms", { "retry-after-ms": "250" }, 0.25],
    ["retry-after-ms over retry-after", { "retry-after-ms": "1500", "retry-after": "9" }, 1.5],
    ["a header list", { "retry-after": ["7", "8"] }, 7],
    ["a header name in another case", { "Retry-After": "3" }, 3],
  ])("reads %s", (_name, headers, expected) => {
    expect(parseRetryAfter(headers, now)).toBe(expected);
    const error = mapOpenAICompatibleError(failure(429, openAIBody("Rate limit reached"), { headers }), now);
    expect(error.retryAfter).toBe(expected);
  });

  it.each([
    ["no header", {}],
    ["an empty header", { "retry-after": "" }],
    ["a negative number", { "retry-after": "-5" }],
    ["garbage", { "retry-after": "soon" }],
    ["garbage milliseconds and no retry-after", { "retry-after-ms": "abc" }],
  ])("gives undefined for %s", (_name, headers) => {
    expect(parseRetryAfter(headers, now)).toBeUndefined();
  });
});
