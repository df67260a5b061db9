/**
 * Helpers for the virtual-key end-to-end tests: the real CLI (`dist/cli.js`, run `npm run build`
 * first) in front of the fake upstream, keys made with the master key through `/key/generate`, used
 * with the official `openai` client and fetch.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { type ProxyProcess, startProxy } from "../fakes/proxy-process.js";
import { countWords } from "../fakes/upstream-answers.js";

export const MASTER_KEY = "sk-keys-e2e-master";

/** The explicit prices of the `priced` group (USD per token). */
export const PRICED = { input: 0.000_01, output: 0.000_03, cacheRead: 0.000_002 } as const;
/** gpt-4o-mini in the built-in price table: $0.15 / $0.60 per million tokens. */
export const MINI = { input: 0.15 / 1e6, output: 0.6 / 1e6 } as const;

/** The model groups every test proxy serves, all on the same fake upstream. */
export function modelList(upstreamBaseUrl: string): unknown[] {
  const deployment = (name: string, model: string, params: Record<string, unknown> = {}) => ({
    model_name: name,
    litellm_params: { model, api_base: upstreamBaseUrl, api_key: "sk-upstream", ...params },
    model_info: { id: `${name}-deployment` },
  });
  return [
    deployment("priced", "openai/priced-upstream", {
      input_cost_per_token: PRICED.input,
      output_cost_per_token: PRICED.output,
      cache_read_input_token_cost: PRICED.cacheRead,
    }),
    deployment("mini", "openai/gpt-4o-mini"),
    deployment("other", "openai/other-upstream", {
      input_cost_per_token: PRICED.input,
      output_cost_per_token: PRICED.output,
    }),
  ];
}

export interface GateOptions {
  upstreamBaseUrl: string;
  /** Merged into general_settings (master_key is always set). */
  general?: Record<string, unknown>;
  router?: Record<string, unknown>;
  env?: Record<string, string>;
}

export function gateConfig(options: GateOptions): string {
  return JSON.stringify({
    model_list: modelList(options.upstreamBaseUrl),
    router_settings: { num_retries: 0, ...options.router },
    general_settings: { master_key: MASTER_KEY, ...options.general },
  });
}

export interface ApiAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

export interface NewKey {
  key: string;
  token: string;
}

export interface Gate {
  proxy: ProxyProcess;
  url: string;
  /** A management or model call with the master key (or `key`). */
  api(method: "GET" | "POST", path: string, body?: unknown, key?: string | null): Promise<ApiAnswer>;
  /** `/key/generate` with the master key; throws unless 200. */
  newKey(fields?: Record<string, unknown>): Promise<NewKey>;
  client(key: string): OpenAI;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function apiCall(
  url: string,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
  key: string | null = MASTER_KEY,
): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const response = await fetch(url + path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    // An SSE body or plain text stays a string.
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

export function gateOf(proxy: ProxyProcess): Gate {
  const api: Gate["api"] = (method, path, body, key) => apiCall(proxy.url, method, path, body, key);
  return {
    proxy,
    url: proxy.url,
    api,
    newKey: async (fields = {}) => {
      const answer = await api("POST", "/key/generate", fields);
      if (answer.status !== 200) {
        throw new Error(`/key/generate answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      }
      return { key: String(at(answer.body, "key")), token: String(at(answer.body, "token")) };
    },
    client: (key) => new OpenAI({ apiKey: key, baseURL: `${proxy.url}/v1`, maxRetries: 0, timeout: 30_000 }),
    stop: (signal) => proxy.stop(signal),
  };
}

export async function startGate(options: GateOptions): Promise<Gate> {
  return gateOf(await startProxy({ config: gateConfig(options), env: options.env ?? {} }));
}

/** The value at a path of field names (and array indexes) in parsed JSON, or undefined. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const step of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

/** A number at a path; throws when it is not one. */
export function numberAt(value: unknown, ...path: (string | number)[]): number {
  const found = at(value, ...path);
  if (typeof found !== "number")
    throw new Error(`expected a number at ${path.join(".")}, got ${JSON.stringify(found)}`);
  return found;
}

/** A temporary folder for a SQLite file that must outlive one proxy process. */
export async function tempFolder(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "llmgate-keys-e2e-"));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** The fake upstream's usage for a one-message chat saying `text`: words in, "echo: " + words out. */
export function echoUsage(text: string): { prompt: number; completion: number } {
  return { prompt: countWords(text), completion: countWords(`echo: ${text}`) };
}

/** The proxy's cost rounding: whole 1e-12 dollars. */
export function costOf(
  usage: { prompt: number; completion: number },
  price: { input: number; output: number },
) {
  return Math.round((usage.prompt * price.input + usage.completion * price.output) * 1e12) / 1e12;
}

/** A one-message chat body. */
export function chatBody(model: string, text = "hello there", extra: Record<string, unknown> = {}) {
  return { model, messages: [{ role: "user", content: text }], ...extra };
}

/** The client's error as an `APIError`; fails on success or anything else. */
export async function apiErrorOf(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw new Error(`expected an APIError, got ${String(error)}`);
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** The `data:` payloads of an SSE body, `[DONE]` included. */
export function sseData(text: string): string[] {
  const data: string[] = [];
  for (const block of text.split("\n\n")) {
    for (const line of block.split("\n")) if (line.startsWith("data:")) data.push(line.slice(5).trim());
  }
  return data;
}

export const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Polls `check` until it returns a defined value; throws the last error after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out; last error: ${String(lastError)}`);
    await sleep(100);
  }
}

/**
 * Waits, when needed, until `seconds` remain in the wall-clock minute (per-minute counters). It may
 * wait that long first: a test that calls it needs a timeout of its own (`{ timeout: 60_000 }`).
 */
export async function awayFromMinuteEnd(seconds: number): Promise<void> {
  const remaining = 60_000 - (Date.now() % 60_000);
  if (remaining < seconds * 1000) await sleep(remaining + 100);
}

/** A unique name for test rows (aliases, users, teams, schemas). */
export function uniqueName(stem: string): string {
  return `${stem}_${randomBytes(4).toString("hex")}`;
}

export interface SpendLogRow {
  request_id: string;
  response_id: string | null;
  api_key: string | null;
  spend: number;
  prompt_tokens: number;
  completion_tokens: number;
  status: string;
  model_group: string | null;
  user: string | null;
  team_id: string | null;
  error_code: string | null;
}

/** `/spend/logs?request_id=`: the one row of a request (the route writes queued rows first). */
export async function spendLogOf(gate: Gate, requestId: string): Promise<SpendLogRow | undefined> {
  const answer = await gate.api("GET", `/spend/logs?request_id=${encodeURIComponent(requestId)}`);
  if (answer.status !== 200) throw new Error(`/spend/logs answered ${answer.status}`);
  const rows = answer.body as SpendLogRow[];
  return rows[0];
}
