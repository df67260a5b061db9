import { describe, expect, it } from "vitest";
import {
  APIConnectionError,
  AuthenticationError,
  BadRequestError,
  ContentPolicyViolationError,
  ContextWindowExceededError,
  completion,
  embedding,
  InternalServerError,
  LlmgateError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServiceUnavailableError,
  Timeout,
  UnprocessableEntityError,
} from "../../src/index.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { collect, rejectionOf, useFakeUpstream } from "./sdk-helpers.js";

let upstream: FakeUpstream;
useFakeUpstream((started) => {
  upstream = started;
});

const noEnv = { env: {} };
const messages = [{ role: "user" as const, content: "hi" }];

function params(extra: Record<string, unknown> = {}) {
  return { model: "openai/my-model", api_key: "k", api_base: upstream.baseUrl, messages, ...extra };
}

describe("error classes from the upstream's status and body", () => {
  const cases = [
    { status: 400, errorClass: BadRequestError },
    { status: 401, errorClass: AuthenticationError },
    { status: 403, errorClass: PermissionDeniedError },
    { status: 404, errorClass: NotFoundError },
    { status: 422, errorClass: UnprocessableEntityError },
    { status: 429, errorClass: RateLimitError },
    { status: 500, errorClass: InternalServerError },
    { status: 503, errorClass: ServiceUnavailableError },
  ];
  for (const { status, errorClass } of cases) {
    it(`maps ${status} to ${errorClass.name} with status, provider, model, message and body`, async () => {
      const body = {
        error: { message: `upstream says ${status}`, type: "some_type", param: null, code: null },
      };
      upstream.script({ kind: "error", status, body });
      const error = await rejectionOf(completion(params({ max_retries: 0 }), noEnv));
      expect(error).toBeInstanceOf(errorClass);
      expect(error).toBeInstanceOf(LlmgateError);
      const typed = error as LlmgateError;
      expect(typed.status).toBe(status);
      expect(typed.provider).toBe("openai");
      expect(typed.model).toBe("my-model");
      expect(typed.message).toContain(`upstream says ${status}`);
      expect(typed.body).toEqual(body);
      expect(upstream.requests).toHaveLength(1);
    });
  }

  it("maps a context-window 400 to ContextWindowExceededError, which is a BadRequestError", async () => {
    const body = {
      error: {
        message:
          "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
        type: "invalid_request_error",
        param: "messages",
        code: "context_length_exceeded",
      },
    };
    upstream.script({ kind: "error", status: 400, body });
    const error = await rejectionOf(completion(params(), noEnv));
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(error).toBeInstanceOf(BadRequestError);
    const typed = error as ContextWindowExceededError;
    expect(typed.status).toBe(400);
    expect(typed.body).toEqual(body);
    expect(typed.model).toBe("my-model");
    expect(upstream.requests).toHaveLength(1);
  });

  it("recognises vLLM's context-window wording without a code", async () => {
    upstream.script({
      kind: "error",
      status: 400,
      body: {
        object: "error",
        message:
          "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.",
        type: "BadRequestError",
        param: null,
        code: 400,
      },
    });
    const error = await rejectionOf(completion({ ...params(), model: "hosted_vllm/llama" }, noEnv));
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect((error as ContextWindowExceededError).provider).toBe("hosted_vllm");
  });

  it("maps a content_policy_violation 400 to ContentPolicyViolationError, which is a BadRequestError", async () => {
    upstream.script({
      kind: "error",
      status: 400,
      body: {
        error: {
          message: "Your request was rejected as a result of our safety system.",
          type: "invalid_request_error",
          param: null,
          code: "content_policy_violation",
        },
      },
    });
    const error = await rejectionOf(completion(params(), noEnv));
    expect(error).toBeInstanceOf(ContentPolicyViolationError);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as ContentPolicyViolationError).status).toBe(400);
  });

  it("keeps a non-JSON error body as text", async () => {
    upstream.script({ kind: "json", status: 502, body: "<html>Bad Gateway</html>" });
    const error = await rejectionOf(completion(params({ max_retries: 0 }), noEnv));
    expect(error).toBeInstanceOf(LlmgateError);
    expect((error as LlmgateError).status).toBe(502);
    expect((error as LlmgateError).body).toBe("<html>Bad Gateway</html>");
  });

  it("maps a 200 whose body is not JSON to an InternalServerError", async () => {
    upstream.script({ kind: "json", status: 200, body: "not json" });
    const error = await rejectionOf(completion(params({ max_retries: 0 }), noEnv));
    expect(error).toBeInstanceOf(InternalServerError);
  });

  it("maps embedding errors the same way", async () => {
    upstream.script({ kind: "error", status: 401 });
    const error = await rejectionOf(
      embedding({ model: "openai/e", api_key: "k", api_base: upstream.baseUrl, input: "x" }, noEnv),
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).model).toBe("e");
  });

  it("maps an unreachable upstream to an APIConnectionError", async () => {
    const closed = await startFakeUpstream();
    const apiBase = closed.baseUrl;
    await closed.close();
    const error = await rejectionOf(completion({ ...params(), api_base: apiBase, max_retries: 0 }, noEnv));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as APIConnectionError).provider).toBe("openai");
    expect((error as APIConnectionError).model).toBe("my-model");
  });
});

describe("timeouts", () => {
  it("turns a call that gets no answer within timeout into a Timeout (408)", async () => {
    upstream.script({ kind: "hang" });
    const started = Date.now();
    const error = await rejectionOf(completion(params({ timeout: 0.3, max_retries: 0 }), noEnv));
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(Timeout);
    const timeout = error as Timeout;
    expect(timeout.status).toBe(408);
    expect(timeout.provider).toBe("openai");
    expect(timeout.model).toBe("my-model");
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3000);
    await upstream.waitForAborted(1, 1000);
  });

  it("times out a non-streaming answer whose body does not finish within timeout", async () => {
    upstream.script({ kind: "stream", chunks: Array.from({ length: 10 }, () => " "), delayMs: 150 });
    const started = Date.now();
    const error = await rejectionOf(completion(params({ timeout: 0.4, max_retries: 0 }), noEnv));
    expect(error).toBeInstanceOf(Timeout);
    expect(Date.now() - started).toBeLessThan(1200);
  });

  it("times out a stream whose first byte does not come (stream_timeout)", async () => {
    upstream.script({ kind: "hang" });
    const error = await rejectionOf(
      completion(params({ stream: true, stream_timeout: 0.2, timeout: 30, max_retries: 0 }), noEnv),
    );
    expect(error).toBeInstanceOf(Timeout);
  });

  it("times out a stream whose headers come but whose first chunk does not (stream_timeout)", async () => {
    upstream.script({
      kind: "stream",
      chunks: [{ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [] }],
      firstDelayMs: 5000,
    });
    const started = Date.now();
    const error = await rejectionOf(
      (async () => {
        const stream = (await completion(
          params({ stream: true, stream_timeout: 0.3, timeout: 30, max_retries: 0 }),
          noEnv,
        )) as unknown as AsyncIterable<unknown>;
        for await (const _chunk of stream) {
          // nothing comes
        }
      })(),
    );
    expect(error).toBeInstanceOf(Timeout);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("fails an answer larger than maxResponseBytes with a 500, without reading the rest", async () => {
    upstream.script({ kind: "json", body: { padding: "x".repeat(10_000) } });
    const error = await rejectionOf(
      completion(params({ max_retries: 0 }), { ...noEnv, maxResponseBytes: 4096 }),
    );
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as Error).message).toContain("larger than 4096 bytes");
  });

  it("times out a slow first byte and retries it (408 is retryable)", async () => {
    upstream.script({ kind: "slow-first-byte", delayMs: 1500 }, { kind: "default" });
    const response = await completion(params({ timeout: 0.3, max_retries: 1 }), noEnv);
    expect(response.choices[0]?.message.content).toBe("echo: hi");
    expect(upstream.requests).toHaveLength(2);
  });

  it("does not time out a stream that keeps sending, however long it runs in total", async () => {
    const chunk = {
      id: "c",
      object: "chat.completion.chunk",
      created: 1,
      model: "m",
      choices: [{ index: 0, delta: { content: "x" }, finish_reason: null }],
    };
    upstream.script({ kind: "stream", chunks: Array.from({ length: 6 }, () => chunk), delayMs: 100 });
    const chunks = await collect(
      await completion({ ...params({ timeout: 0.35, max_retries: 0 }), stream: true }, noEnv),
    );
    expect(chunks).toHaveLength(6);
  });
});

describe("max_retries", () => {
  it("retries a 429 and waits for its retry-after", async () => {
    upstream.script({ kind: "error", status: 429, headers: { "retry-after": "1" } }, { kind: "default" });
    const started = Date.now();
    const response = await completion(params({ max_retries: 2 }), noEnv);
    const elapsed = Date.now() - started;
    expect(response.choices[0]?.message.content).toBe("echo: hi");
    expect(upstream.requests).toHaveLength(2);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    const second = upstream.requests[1];
    const first = upstream.requests[0];
    if (first === undefined || second === undefined) throw new Error("two requests expected");
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(950);
  });

  it("honours retry-after-ms", async () => {
    upstream.script({ kind: "error", status: 429, headers: { "retry-after-ms": "10" } }, { kind: "default" });
    await completion(params({ max_retries: 1 }), noEnv);
    expect(upstream.requests).toHaveLength(2);
  });

  it("does not wait for a retry-after longer than a minute: the 429 goes back at once", async () => {
    upstream.script({ kind: "error", status: 429, headers: { "retry-after": "3600" } });
    const started = Date.now();
    const error = await rejectionOf(completion(params({ max_retries: 2 }), noEnv));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(3600);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(upstream.requests).toHaveLength(1);
  });

  it("retries a 500 until it succeeds", async () => {
    upstream.script({ kind: "error", status: 500 }, { kind: "error", status: 503 }, { kind: "default" });
    const response = await completion(params({ max_retries: 2 }), noEnv);
    expect(response.object).toBe("chat.completion");
    expect(upstream.requests).toHaveLength(3);
  });

  it("gives up after max_retries retries with the last error", async () => {
    upstream.script(
      { kind: "error", status: 500 },
      { kind: "error", status: 500 },
      { kind: "error", status: 502 },
      { kind: "default" },
    );
    const error = await rejectionOf(completion(params({ max_retries: 2 }), noEnv));
    expect(error).toBeInstanceOf(InternalServerError);
    expect((error as InternalServerError).status).toBe(502);
    expect(upstream.requests).toHaveLength(3);
  });

  it("retries twice by default", async () => {
    upstream.script(
      { kind: "error", status: 500 },
      { kind: "error", status: 500 },
      { kind: "error", status: 500 },
    );
    const error = await rejectionOf(completion(params(), noEnv));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(upstream.requests).toHaveLength(3);
  });

  it("does not retry a 400", async () => {
    upstream.script({ kind: "error", status: 400 }, { kind: "default" });
    const error = await rejectionOf(completion(params({ max_retries: 3 }), noEnv));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(upstream.requests).toHaveLength(1);
  });

  it("does not retry with max_retries: 0", async () => {
    upstream.script({ kind: "error", status: 429 }, { kind: "default" });
    const error = await rejectionOf(completion(params({ max_retries: 0 }), noEnv));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(upstream.requests).toHaveLength(1);
  });

  it("retries a reset connection", async () => {
    upstream.script({ kind: "reset" }, { kind: "default" });
    const response = await completion(params({ max_retries: 1 }), noEnv);
    expect(response.object).toBe("chat.completion");
    expect(upstream.requests).toHaveLength(2);
  });

  it("retries a stream's failed start, and sends the same body again", async () => {
    upstream.script({ kind: "error", status: 503 }, { kind: "default" });
    const chunks = await collect(await completion({ ...params({ max_retries: 1 }), stream: true }, noEnv));
    expect(chunks.length).toBeGreaterThan(0);
    expect(upstream.requests).toHaveLength(2);
    expect(upstream.requests[1]?.rawBody).toBe(upstream.requests[0]?.rawBody);
  });

  it("stops waiting to retry when the caller aborts", async () => {
    upstream.script({ kind: "error", status: 429, headers: { "retry-after": "30" } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await rejectionOf(completion(params({ max_retries: 1, signal: controller.signal }), noEnv));
    expect((error as Error).name).toBe("AbortError");
    expect(Date.now() - started).toBeLessThan(2000);
    expect(upstream.requests).toHaveLength(1);
  });
});
