/**
 * Helpers for the /v1/messages end-to-end tests: the real CLI (`dist/cli.js`, run `npm run build`
 * first) in front of fake upstreams, driven with the official `@anthropic-ai/sdk` client and fetch.
 */
import Anthropic from "@anthropic-ai/sdk";
import { type ProxyProcess, startProxy } from "../fakes/proxy-process.js";

export const MASTER_KEY = "sk-messages-e2e-master";

export interface MessagesGate {
  proxy: ProxyProcess;
  url: string;
  /** The official client with `apiKey` (1.16 sends it as Authorization: Bearer; older ones as x-api-key). */
  client(key?: string): Anthropic;
  /** The official client with `authToken` (Authorization: Bearer, as Claude Code with ANTHROPIC_AUTH_TOKEN). */
  bearerClient(key?: string): Anthropic;
  /** POST with the master key in `x-api-key` (as older clients and most apps send it). */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

export async function startMessagesGate(config: Record<string, unknown>): Promise<MessagesGate> {
  const proxy = await startProxy({
    config: JSON.stringify({
      ...config,
      general_settings: { master_key: MASTER_KEY, ...(config.general_settings as object) },
    }),
  });
  return {
    proxy,
    url: proxy.url,
    client: (key = MASTER_KEY) =>
      new Anthropic({ apiKey: key, baseURL: proxy.url, maxRetries: 0, timeout: 30_000 }),
    bearerClient: (key = MASTER_KEY) =>
      new Anthropic({ apiKey: null, authToken: key, baseURL: proxy.url, maxRetries: 0, timeout: 30_000 }),
    post: (path, body, headers = {}) =>
      fetch(proxy.url + path, {
        method: "POST",
        headers: { "x-api-key": MASTER_KEY, "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      }),
    stop: async () => {
      await proxy.stop();
    },
  };
}

export interface NamedSseEvent {
  event: string | undefined;
  data: { type: string; [field: string]: unknown };
}

/** A whole SSE body as named events with parsed data. */
export function parseNamedSse(text: string): NamedSseEvent[] {
  const events: NamedSseEvent[] = [];
  for (const block of text.split("\n\n")) {
    if (block.trim() === "") continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    events.push({ event, data: JSON.parse(data.join("\n")) });
  }
  return events;
}

/** An OpenAI chat chunk for scripted streams. */
export function chatChunk(
  delta: Record<string, unknown>,
  finishReason: string | null = null,
  extra: Record<string, unknown> = {},
) {
  return {
    id: "chatcmpl-scripted",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: "scripted-model",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...extra,
  };
}

export function usageChunk(prompt: number, completion: number, cached = 0) {
  return {
    id: "chatcmpl-scripted",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: "scripted-model",
    choices: [],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: cached },
    },
  };
}

/** An OpenAI chat completion for scripted answers. */
export function chatAnswer(
  message: Record<string, unknown>,
  finishReason: string,
  usage = { prompt: 10, completion: 5 },
) {
  return {
    id: "chatcmpl-answer",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "scripted-model",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: null, ...message },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage: {
      prompt_tokens: usage.prompt,
      completion_tokens: usage.completion,
      total_tokens: usage.prompt + usage.completion,
    },
  };
}
