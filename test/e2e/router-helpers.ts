/**
 * Helpers for the router's end-to-end tests: the real CLI (`dist/cli.js`, run `npm run build` first)
 * in front of fake upstreams that fail on purpose, driven with the official `openai` client and fetch.
 */
import { randomUUID } from "node:crypto";
import OpenAI from "openai";
import { type ProxyProcess, startProxy } from "../fakes/proxy-process.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";

export const MASTER_KEY = "sk-router-e2e-master";
/** The upstream key every deployment carries: it must never appear in a proxy answer. */
export const UPSTREAM_SECRET = "sk-upstream-secret-do-not-leak";
/** Nothing listens here: connecting is refused at once. */
export const REFUSED_BASE = "http://127.0.0.1:1/v1";

export interface DeploymentSpec {
  group: string;
  /** The fake upstream's base URL (`upstream.baseUrl`) or any other api_base. */
  apiBase: string;
  /** `model_info.id`; a unique id by default, so tests never share state (Redis included). */
  id?: string;
  model?: string;
  params?: Record<string, unknown>;
  modelInfo?: Record<string, unknown>;
}

export interface ProxyConfig {
  deployments: readonly DeploymentSpec[];
  routerSettings?: Record<string, unknown>;
  litellmSettings?: Record<string, unknown>;
}

/** A unique deployment id with a readable stem. */
export function uniqueId(stem: string): string {
  return `${stem}-${randomUUID().slice(0, 8)}`;
}

/** The config file's text: JSON is YAML, so no quoting rules to get wrong. */
export function configText(config: ProxyConfig): string {
  return JSON.stringify({
    model_list: config.deployments.map((spec) => ({
      model_name: spec.group,
      litellm_params: {
        model: spec.model ?? `openai/${spec.group}-upstream`,
        api_base: spec.apiBase,
        api_key: UPSTREAM_SECRET,
        ...spec.params,
      },
      model_info: { id: spec.id ?? uniqueId(spec.group), ...spec.modelInfo },
    })),
    router_settings: config.routerSettings ?? {},
    litellm_settings: config.litellmSettings ?? {},
    general_settings: { master_key: MASTER_KEY },
  });
}

export interface RouterProxy {
  proxy: ProxyProcess;
  client: OpenAI;
  url: string;
  /** POST a JSON body with the master key (plus any headers). */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** GET with the master key. */
  get(path: string): Promise<Response>;
  stop(): Promise<void>;
}

export async function startRouterProxy(
  config: ProxyConfig,
  env?: Record<string, string>,
): Promise<RouterProxy> {
  const proxy = await startProxy({ config: configText(config), env });
  const headers = { authorization: `Bearer ${MASTER_KEY}` };
  return {
    proxy,
    url: proxy.url,
    client: new OpenAI({ apiKey: MASTER_KEY, baseURL: `${proxy.url}/v1`, maxRetries: 0, timeout: 30_000 }),
    post: (path, body, extra = {}) =>
      fetch(proxy.url + path, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json", ...extra },
        body: JSON.stringify(body),
      }),
    get: (path) => fetch(proxy.url + path, { headers }),
    stop: async () => {
      await proxy.stop();
    },
  };
}

/** Starts `count` fake upstreams. */
export function startUpstreams(count: number): Promise<FakeUpstream[]> {
  return Promise.all(Array.from({ length: count }, () => startFakeUpstream()));
}

/** Model calls an upstream received (health probes and /models excluded only when asked). */
export function attempts(upstream: FakeUpstream): number {
  return upstream.requests.filter((request) => request.method === "POST").length;
}

/** A one-message chat body. */
export function chatBody(model: string, text = "hello", extra: Record<string, unknown> = {}) {
  return { model, messages: [{ role: "user" as const, content: text }], ...extra };
}

/** The rejection of `promise`; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** The client's error as an `APIError`; fails on anything else (a lost request, a network error). */
export async function apiErrorOf(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await rejectionOf(promise);
  if (!(error instanceof OpenAI.APIError)) throw new Error(`expected an APIError, got ${String(error)}`);
  return error;
}

export interface SseEvent {
  event: string | undefined;
  data: string;
}

/** Parses a whole SSE body into events (LF line ends; the proxy writes no others). */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split("\n\n")) {
    if (block.trim() === "") continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    events.push({ event, data: data.join("\n") });
  }
  return events;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The `delta.content` of every chat chunk event, in order. */
export function contentsOf(events: readonly SseEvent[]): string[] {
  const contents: string[] = [];
  for (const event of events) {
    if (event.data === "[DONE]") continue;
    const parsed: unknown = JSON.parse(event.data);
    if (typeof parsed !== "object" || parsed === null || !("choices" in parsed)) continue;
    const choices = parsed.choices;
    if (!Array.isArray(choices)) continue;
    for (const choice of choices as unknown[]) {
      if (!isRecord(choice) || !isRecord(choice.delta)) continue;
      if (typeof choice.delta.content === "string") contents.push(choice.delta.content);
    }
  }
  return contents;
}

/** A chat chunk carrying `content`. */
export function contentChunk(content: string, id = "chatcmpl-e2e"): object {
  return {
    id,
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: "fake",
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  };
}

/** A finished chat completion body saying `content`. */
export function completionBody(content: string): object {
  return {
    id: "chatcmpl-fixed",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "fake",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

/** Runs `total` tasks with at most `concurrency` at once; resolves their results in order. */
export async function runPool<T>(
  total: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(total);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < total; index = next++) results[index] = await task(index);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return results;
}

/**
 * Waits, when needed, until at least `seconds` remain in the current wall-clock minute, so that
 * per-minute counters (rpm) cannot reset in the middle of a test.
 */
export async function awayFromMinuteEnd(seconds: number): Promise<void> {
  const remaining = 60_000 - (Date.now() % 60_000);
  if (remaining < seconds * 1000) await new Promise((resolve) => setTimeout(resolve, remaining + 100));
}

/** The proxy's routing headers (`x-llmgate-*`) of a response. */
export function llmgateHeaders(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name.startsWith("x-llmgate-")) result[name] = value;
  });
  return result;
}

interface DeploymentInfoEntry {
  model_info: { id: string };
  state: { cooldown_until: number | null; in_flight: number; latency_ms: number | null };
}

/** `/model/info`'s entries. */
export async function deploymentsInfo(gateway: RouterProxy): Promise<DeploymentInfoEntry[]> {
  const response = await gateway.get("/model/info");
  if (response.status !== 200) throw new Error(`/model/info answered ${response.status}`);
  return ((await response.json()) as { data: DeploymentInfoEntry[] }).data;
}

/** Waits until `/model/info` shows no request in flight anywhere; resolves the last in-flight counts. */
export async function settledInFlight(
  gateway: RouterProxy,
  timeoutMs = 3000,
): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts: Record<string, number> = {};
    for (const entry of await deploymentsInfo(gateway)) {
      if (entry.state.in_flight !== 0) counts[entry.model_info.id] = entry.state.in_flight;
    }
    if (Object.keys(counts).length === 0 || Date.now() > deadline) return counts;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
