import { describe, expect, it } from "vitest";
import {
  APIConnectionError,
  type ChatCompletionChunk,
  ContextWindowExceededError,
  completion,
  RateLimitError,
  Timeout,
  textCompletion,
} from "../../src/index.js";
import type { FakeUpstream } from "../fakes/upstream.js";
import { assertMatchesOpenAISchema } from "../spec/openai-schemas.js";
import { chatChunkText, collect, rejectionOf, useFakeUpstream } from "./sdk-helpers.js";

let upstream: FakeUpstream;
useFakeUpstream((started) => {
  upstream = started;
});

const noEnv = { env: {} };
const messages = [{ role: "user" as const, content: "one two three" }];

function params(extra: Record<string, unknown> = {}) {
  return {
    model: "openai/m",
    api_key: "k",
    api_base: upstream.baseUrl,
    messages,
    stream: true as const,
    ...extra,
  };
}

function chunk(content: string, finishReason: string | null = null): ChatCompletionChunk {
  return {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1700000000,
    model: "m",
    choices: [{ index: 0, delta: { content }, finish_reason: finishReason, logprobs: null }],
  };
}

/** Many chunks, slowly: a stream that is still running when the test leaves it. */
function slowStream(count = 50, delayMs = 100) {
  return {
    kind: "stream" as const,
    chunks: Array.from({ length: count }, (_, index) => chunk(`piece ${index} `)),
    delayMs,
  };
}

describe("SSE decoding end to end", () => {
  it("decodes events split at odd places, CRLF line ends, comments and multi-line data", async () => {
    const first = JSON.stringify(chunk("Hel"));
    const second = JSON.stringify(chunk("lo, "));
    const third = JSON.stringify(chunk("wörld ✓"));
    const fourth = JSON.stringify(chunk("!", "stop"));
    // Multi-line data joins with "\n": split where JSON allows whitespace.
    const splitAt = third.indexOf('"choices"');
    upstream.script({
      kind: "stream",
      delayMs: 5,
      chunks: [
        ": keep-alive comment\n\n",
        "da",
        `ta: ${first.slice(0, 10)}`,
        `${first.slice(10)}\n`,
        "\n",
        `data: ${second}\r\n\r`,
        "\n: another comment\r\n",
        `event: message\r\ndata: ${third.slice(0, splitAt)}\ndata: ${third.slice(splitAt)}\n\n`,
        `data:${fourth}\r\rdata: [DONE]\n\n`,
        `data: ${JSON.stringify(chunk("after done"))}\n\n`,
      ],
      done: false,
    });
    const chunks = await collect(await completion(params(), noEnv));
    expect(chatChunkText(chunks)).toBe("Hello, wörld ✓!");
    expect(chunks).toHaveLength(4);
  });

  it("reads a stream that ends without [DONE]", async () => {
    upstream.script({ kind: "stream", chunks: [chunk("a "), chunk("b", "stop")], done: false });
    const chunks = await collect(await completion(params(), noEnv));
    expect(chatChunkText(chunks)).toBe("a b");
  });

  it("reads a last event that has no closing blank line", async () => {
    upstream.script({ kind: "stream", chunks: [`data: ${JSON.stringify(chunk("tail"))}`], done: false });
    const chunks = await collect(await completion(params(), noEnv));
    expect(chatChunkText(chunks)).toBe("tail");
  });

  it("honours stream_options.include_usage with a final usage chunk the spec accepts", async () => {
    const chunks = await collect(
      await completion(params({ stream_options: { include_usage: true } }), noEnv),
    );
    expect(upstream.requests[0]?.body).toMatchObject({ stream_options: { include_usage: true } });
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    for (const each of chunks) assertMatchesOpenAISchema("CreateChatCompletionStreamResponse", each);
    const withoutUsage = await collect(await completion(params(), noEnv));
    expect(withoutUsage.some((each) => each.usage !== undefined && each.usage !== null)).toBe(false);
  });

  it("streams text completions with include_usage", async () => {
    const chunks = await collect(
      await textCompletion(
        {
          model: "openai/m",
          api_key: "k",
          api_base: upstream.baseUrl,
          prompt: "a b",
          stream: true,
          stream_options: { include_usage: true },
        },
        noEnv,
      ),
    );
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);
  });

  it("refuses to be read twice", async () => {
    const stream = await completion(params(), noEnv);
    await collect(stream);
    expect(() => stream[Symbol.asyncIterator]()).toThrow(/read once/);
  });
});

describe("leaving a stream aborts the upstream request", () => {
  it("when the caller breaks out of for await", async () => {
    upstream.script(slowStream());
    const stream = await completion(params(), noEnv);
    let seen = 0;
    for await (const _ of stream) {
      seen++;
      break;
    }
    expect(seen).toBe(1);
    await upstream.waitForAborted(1, 1000);
  });

  it("when the caller throws inside for await", async () => {
    upstream.script(slowStream());
    const stream = await completion(params(), noEnv);
    await expect(
      (async () => {
        for await (const _ of stream) throw new Error("caller failed");
      })(),
    ).rejects.toThrow("caller failed");
    await upstream.waitForAborted(1, 1000);
  });

  it("when the caller calls abort()", async () => {
    upstream.script(slowStream());
    const stream = await completion(params(), noEnv);
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    stream.abort();
    await upstream.waitForAborted(1, 1000);
    const error = await rejectionOf(iterator.next());
    expect((error as Error).name).toBe("AbortError");
  });

  it("when the caller returns the iterator before reading anything", async () => {
    upstream.script(slowStream());
    const stream = await completion(params(), noEnv);
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.return?.();
    await upstream.waitForAborted(1, 1000);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it("when the caller's AbortSignal fires mid-stream, the iterator throws the abort reason", async () => {
    upstream.script(slowStream());
    const controller = new AbortController();
    const stream = await completion(params({ signal: controller.signal }), noEnv);
    const seen: ChatCompletionChunk[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const each of stream) {
          seen.push(each);
          if (seen.length === 2) controller.abort();
        }
      })(),
    );
    expect(seen).toHaveLength(2);
    expect((error as Error).name).toBe("AbortError");
    await upstream.waitForAborted(1, 1000);
  });

  it("when the caller's AbortSignal fires before the headers came", async () => {
    upstream.script({ kind: "hang" });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const error = await rejectionOf(completion(params({ signal: controller.signal }), noEnv));
    expect((error as Error).name).toBe("AbortError");
    expect(Date.now() - started).toBeLessThan(2000);
    await upstream.waitForAborted(1, 1000);
    expect(upstream.requests).toHaveLength(1);
  });

  it("with an AbortSignal that fired already: no request at all", async () => {
    const controller = new AbortController();
    controller.abort(new Error("gone"));
    const error = await rejectionOf(completion(params({ signal: controller.signal }), noEnv));
    expect((error as Error).message).toBe("gone");
    expect(upstream.requests).toHaveLength(0);
  });

  it("aborts a non-streaming call too", async () => {
    upstream.script({ kind: "hang" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await rejectionOf(
      completion(
        { model: "openai/m", api_key: "k", api_base: upstream.baseUrl, messages, signal: controller.signal },
        noEnv,
      ),
    );
    expect((error as Error).name).toBe("AbortError");
    await upstream.waitForAborted(1, 1000);
  });
});

describe("a stream that fails", () => {
  it("throws an APIConnectionError from the iterator after the first chunks when the connection dies", async () => {
    upstream.script({
      kind: "stream",
      chunks: [chunk("one "), chunk("two "), chunk("three "), chunk("four", "stop")],
      dieAfter: 2,
    });
    const seen: ChatCompletionChunk[] = [];
    const stream = await completion(params({ max_retries: 3 }), noEnv);
    const error = await rejectionOf(
      (async () => {
        for await (const each of stream) seen.push(each);
      })(),
    );
    expect(chatChunkText(seen)).toBe("one two ");
    expect(error).toBeInstanceOf(APIConnectionError);
    const connection = error as APIConnectionError;
    expect(connection.provider).toBe("openai");
    expect(connection.model).toBe("m");
    expect(upstream.requests).toHaveLength(1);
  });

  it("throws the mapped error when the upstream sends an error event inside the stream", async () => {
    upstream.script({
      kind: "stream",
      chunks: [chunk("one "), { error: { message: "Rate limit reached", type: "requests", code: "429" } }],
    });
    const seen: ChatCompletionChunk[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const each of await completion(params(), noEnv)) seen.push(each);
      })(),
    );
    expect(seen).toHaveLength(1);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).message).toContain("Rate limit reached");
  });

  it("gives an error event without a status the status of its OpenAI type or code", async () => {
    upstream.script({
      kind: "stream",
      chunks: [
        chunk("one "),
        { error: { message: "maximum context length exceeded", type: "invalid_request_error", code: null } },
      ],
    });
    const error = await rejectionOf(collect(await completion(params(), noEnv)));
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect((error as ContextWindowExceededError).status).toBe(400);
    expect((error as Error).message).toContain("error (400)");
  });

  it("throws a Timeout from the iterator when the upstream stalls longer than timeout between chunks", async () => {
    upstream.script({ kind: "stream", chunks: [chunk("a "), chunk("b ")], delayMs: 3000 });
    const seen: ChatCompletionChunk[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const each of await completion(params({ timeout: 0.3 }), noEnv)) seen.push(each);
      })(),
    );
    expect(seen).toHaveLength(1);
    expect(error).toBeInstanceOf(Timeout);
    await upstream.waitForAborted(1, 1000);
  });

  it("rejects the call itself (not the iterator) when the upstream answers an error status", async () => {
    upstream.script({ kind: "error", status: 429 });
    const error = await rejectionOf(completion(params({ max_retries: 0 }), noEnv));
    expect(error).toBeInstanceOf(RateLimitError);
  });
});
