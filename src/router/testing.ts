/**
 * Test doubles for the router's tests: a scripted `call`, a fake clock and a seeded random.
 * Not exported from the package.
 */
import type { LlmgateError } from "../errors/index.js";
import type { ChatCompletion, ChatCompletionChunk } from "../openai/types.js";
import type { Operation } from "../providers/types.js";
import type { CallParams, CallResult, ChunkStream } from "../sdk/types.js";
import { Router } from "./router.js";
import { MemoryRouterState } from "./state/memory-state.js";
import type { RouterState } from "./state/router-state.js";
import type { CallFunction, DeploymentConfig, LitellmSettings, RouterSettings } from "./types.js";

export interface StreamScript {
  chunks: string[];
  /** Thrown instead of the first chunk. */
  failBeforeFirst?: LlmgateError;
  /** Thrown after this many chunks. */
  failAfter?: { count: number; error: LlmgateError };
  /** Waited (real time) before the first chunk. */
  firstChunkDelayMs?: number;
  /** Added to the fake clock after the first chunk (a stream slow to finish). */
  advanceAfterFirstMs?: number;
}

export type Reply =
  | { error: LlmgateError }
  | { content?: string; totalTokens?: number; advanceMs?: number; waitMs?: number }
  | { stream: StreamScript; advanceMs?: number };

export type Behaviour =
  | Reply
  | ((params: Record<string, unknown>, callIndex: number) => Reply | Promise<Reply>);

export interface RecordedCall {
  operation: Operation;
  model: string;
  params: Record<string, unknown>;
}

export interface FakeCall {
  call: CallFunction;
  calls: RecordedCall[];
  countFor(model: string): number;
  /** Streams returned so far, with whether they were aborted. */
  streams: { model: string; isAborted: () => boolean }[];
}

export function chatCompletion(model: string, content: string, totalTokens = 10): ChatCompletion {
  return {
    id: "chatcmpl-test",
    object: "chat.completion",
    created: 0,
    model,
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop", logprobs: null }],
    usage: { prompt_tokens: totalTokens - 1, completion_tokens: 1, total_tokens: totalTokens },
  };
}

function chunk(model: string, content: string): ChatCompletionChunk {
  return {
    id: "chatcmpl-test",
    object: "chat.completion.chunk",
    created: 0,
    model,
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  };
}

const delay = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

function scriptedStream(
  model: string,
  script: StreamScript,
  clock: FakeClock | undefined,
): { stream: ChunkStream<ChatCompletionChunk>; isAborted: () => boolean } {
  let isAborted = false;
  async function* generate(): AsyncGenerator<ChatCompletionChunk> {
    if (script.firstChunkDelayMs !== undefined) await delay(script.firstChunkDelayMs);
    if (script.failBeforeFirst !== undefined) throw script.failBeforeFirst;
    for (const [index, text] of script.chunks.entries()) {
      if (script.failAfter !== undefined && index === script.failAfter.count) throw script.failAfter.error;
      if (isAborted) return;
      yield chunk(model, text);
      if (index === 0 && script.advanceAfterFirstMs !== undefined) clock?.advance(script.advanceAfterFirstMs);
    }
  }
  const generator = generate();
  const stream: ChunkStream<ChatCompletionChunk> = {
    [Symbol.asyncIterator]: () => ({
      next: () => generator.next(),
      return: async () => {
        isAborted = true;
        return generator.return(undefined);
      },
    }),
    abort: () => {
      isAborted = true;
    },
  };
  return { stream, isAborted: () => isAborted };
}

/** A `call` answering per upstream model (`params.model`); unknown models answer "ok". */
export function createFakeCall(behaviours: Record<string, Behaviour> = {}, clock?: FakeClock): FakeCall {
  const calls: RecordedCall[] = [];
  const streams: FakeCall["streams"] = [];
  const counts = new Map<string, number>();
  const call = async <K extends Operation>(operation: K, params: CallParams<K>): Promise<CallResult<K>> => {
    const record = params as Record<string, unknown>;
    const model = String(record.model);
    const index = counts.get(model) ?? 0;
    counts.set(model, index + 1);
    calls.push({ operation, model, params: record });
    const behaviour = behaviours[model] ?? {};
    const reply = typeof behaviour === "function" ? await behaviour(record, index) : behaviour;
    if ("error" in reply) throw reply.error;
    if (reply.advanceMs !== undefined) clock?.advance(reply.advanceMs);
    if ("stream" in reply) {
      const scripted = scriptedStream(model, reply.stream, clock);
      streams.push({ model, isAborted: scripted.isAborted });
      return {
        kind: "stream",
        stream: scripted.stream,
        headers: {},
        providerId: "fake",
        model,
      } as CallResult<K>;
    }
    if (reply.waitMs !== undefined) await delay(reply.waitMs);
    const data = chatCompletion(model, reply.content ?? `ok from ${model}`, reply.totalTokens);
    return { kind: "response", data, headers: {}, providerId: "fake", model } as CallResult<K>;
  };
  return { call: call as CallFunction, calls, countFor: (model) => counts.get(model) ?? 0, streams };
}

export interface FakeClock {
  now(): number;
  advance(milliseconds: number): void;
  /** A `sleep` that advances the clock at once and records what it waited. */
  sleep(milliseconds: number): Promise<void>;
  sleeps: number[];
}

export function createFakeClock(start = Date.UTC(2025, 0, 1)): FakeClock {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    advance: (milliseconds) => {
      now += milliseconds;
    },
    sleep: async (milliseconds) => {
      sleeps.push(milliseconds);
      now += milliseconds;
    },
    sleeps,
  };
}

/** A seeded PRNG (mulberry32): distribution tests give the same numbers on every run. */
export function seededRandom(seed = 42): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export const silentLogger = { warn: () => undefined };

export function deployment(
  modelName: string,
  model: string,
  extra: Omit<DeploymentConfig["litellm_params"], "model"> & Record<string, unknown> = {},
  modelInfo?: DeploymentConfig["model_info"],
): DeploymentConfig {
  return {
    model_name: modelName,
    litellm_params: { model, ...extra },
    ...(modelInfo === undefined ? {} : { model_info: modelInfo }),
  };
}

export interface TestRouterOptions {
  router_settings?: RouterSettings;
  litellm_settings?: LitellmSettings;
  behaviours?: Record<string, Behaviour>;
  state?: RouterState;
  random?: () => number;
}

/** A Router over a fake call, a fake clock (sleeps advance it) and a seeded random. */
export function createTestRouter(modelList: DeploymentConfig[], options: TestRouterOptions = {}) {
  const clock = createFakeClock();
  const fake = createFakeCall(options.behaviours, clock);
  const router = new Router(
    {
      model_list: modelList,
      router_settings: options.router_settings,
      litellm_settings: options.litellm_settings,
    },
    {
      call: fake.call,
      clock: clock.now,
      sleep: clock.sleep,
      random: options.random ?? seededRandom(),
      state: options.state ?? new MemoryRouterState(),
      logger: silentLogger,
    },
  );
  return { router, fake, clock };
}

export function chatRequest(model: string, extra: Record<string, unknown> = {}) {
  return { model, messages: [{ role: "user" as const, content: "hello" }], ...extra };
}
