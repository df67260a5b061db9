import { describe, expect, it } from "vitest";
import { APIConnectionError, InternalServerError } from "../errors/index.js";
import type { ChatCompletionChunk } from "../openai/types.js";
import { chatRequest, createTestRouter, deployment } from "./testing.js";

const pair = [
  deployment("gpt", "openai/a", { order: 1 }, { id: "a" }),
  deployment("gpt", "openai/b", { order: 2 }, { id: "b" }),
];

async function textOf(stream: AsyncIterable<ChatCompletionChunk>): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
  return text;
}

describe("streams", () => {
  it("fails over when a stream dies before its first chunk", async () => {
    const { router, fake } = createTestRouter(pair, {
      behaviours: {
        "openai/a": {
          stream: { chunks: ["never"], failBeforeFirst: new APIConnectionError({ message: "reset" }) },
        },
        "openai/b": { stream: { chunks: ["hel", "lo"] } },
      },
    });
    const outcome = await router.route("chat", chatRequest("gpt", { stream: true }));
    expect(outcome.ok).toBe(true);
    if (!outcome.ok || outcome.result.kind !== "stream") throw new Error("expected a stream");
    expect(outcome.meta).toMatchObject({ deploymentId: "b", attemptedRetries: 1 });
    expect(await textOf(outcome.result.stream)).toBe("hello");
    expect(fake.streams[0]?.isAborted()).toBe(true);
  });

  it("never retries after the first chunk: the error reaches the reader, no content repeats", async () => {
    const { router, fake } = createTestRouter(pair, {
      behaviours: {
        "openai/a": {
          stream: {
            chunks: ["one ", "two ", "three"],
            failAfter: { count: 2, error: new InternalServerError({ message: "died" }) },
          },
        },
      },
    });
    const outcome = await router.route("chat", chatRequest("gpt", { stream: true }));
    if (!outcome.ok || outcome.result.kind !== "stream") throw new Error("expected a stream");
    const seen: string[] = [];
    await expect(async () => {
      for await (const chunk of outcome.result.kind === "stream" ? outcome.result.stream : []) {
        seen.push(chunk.choices[0]?.delta.content ?? "");
      }
    }).rejects.toThrow("died");
    expect(seen).toEqual(["one ", "two "]);
    expect(fake.calls).toHaveLength(1);
  });

  it("bounds the wait for the first chunk with stream_timeout, then fails over", async () => {
    const { router } = createTestRouter(pair, {
      router_settings: { stream_timeout: 0.03 },
      behaviours: {
        "openai/a": { stream: { chunks: ["late"], firstChunkDelayMs: 300 } },
        "openai/b": { stream: { chunks: ["fast"] } },
      },
    });
    const started = Date.now();
    const outcome = await router.route("chat", chatRequest("gpt", { stream: true }));
    if (!outcome.ok || outcome.result.kind !== "stream") throw new Error("expected a stream");
    expect(await textOf(outcome.result.stream)).toBe("fast");
    expect(Date.now() - started).toBeLessThan(250);
  });

  it("aborts the upstream when the reader breaks out, and releases the in-flight count", async () => {
    const { router, fake } = createTestRouter([deployment("gpt", "openai/a", {}, { id: "a" })], {
      router_settings: { routing_strategy: "least-busy" },
      behaviours: { "openai/a": { stream: { chunks: ["a", "b", "c"] } } },
    });
    const outcome = await router.route("chat", chatRequest("gpt", { stream: true }));
    if (!outcome.ok || outcome.result.kind !== "stream") throw new Error("expected a stream");
    for await (const _ of outcome.result.stream) break;
    expect(fake.streams[0]?.isAborted()).toBe(true);
    const [info] = await router.deploymentsInfo();
    expect(info?.state.in_flight).toBe(0);
  });

  it("returns the SDK-style stream from completion({ stream: true })", async () => {
    const { router } = createTestRouter(pair, {
      behaviours: { "openai/a": { stream: { chunks: ["x", "y"] } } },
    });
    const stream = await router.completion({ ...chatRequest("gpt"), stream: true });
    expect(await textOf(stream)).toBe("xy");
  });

  it("applies timeout to a whole non-streaming attempt", async () => {
    const { router } = createTestRouter(pair, {
      router_settings: { timeout: 0.03 },
      behaviours: { "openai/a": { waitMs: 300 } },
    });
    const outcome = await router.route("chat", chatRequest("gpt"));
    expect(outcome.meta).toMatchObject({ deploymentId: "b", attemptedRetries: 1, timeout: 0.03 });
  });
});
