import { createHash } from "node:crypto";
import type { FastifyReply } from "fastify";
import {
  type CachedOperation,
  type CachePlan,
  chatCompletionChunksOf,
  chatCompletionOfChunks,
  type ResponseCache,
  textCompletionChunksOf,
  textCompletionOfChunks,
} from "../cache/index.js";
import { encodeSseData } from "../http/sse/index.js";
import { RAW_JSON } from "../sdk/types.js";
import type { Identity } from "./identity.js";
import { SseWriter } from "./sse-writer.js";

/** The proxy's side of the response cache: who shares answers, its headers, hits sent, streams kept. */

/** Answers are shared within a team, or within one key that has no team; the master key's are its own. */
export function cacheScopeOf(identity: Identity): string {
  if (identity.kind !== "virtual") return "";
  return identity.key.teamId === null ? `key:${identity.tokenHash}` : `team:${identity.key.teamId}`;
}

/** A virtual key's default cache controls: its metadata's `cache` object (LiteLLM's per-key controls). */
export function keyCacheControls(identity: Identity): Record<string, unknown> | undefined {
  if (identity.kind !== "virtual") return undefined;
  const controls = identity.key.metadata.cache;
  return typeof controls === "object" && controls !== null && !Array.isArray(controls)
    ? (controls as Record<string, unknown>)
    : undefined;
}

/** At most this many keys are listed in `x-llmgate-cache-key`; a larger batch gets one hash of them. */
const MAX_LISTED_KEYS = 32;

export function cacheHeaders(plan: CachePlan, isHit: boolean): Record<string, string> {
  const keys = plan.keys;
  const key =
    keys.length <= MAX_LISTED_KEYS
      ? keys.join(",")
      : createHash("sha256").update(keys.join(",")).digest("hex");
  return { "x-llmgate-cache-hit": isHit ? "true" : "false", "x-llmgate-cache-key": key };
}

/** A stored chat or text completion, sent as JSON or replayed as a stream. */
export function sendCachedAnswer(
  reply: FastifyReply,
  operation: CachedOperation,
  body: string,
  parsed: Record<string, unknown>,
  stream: { isStream: boolean; includeUsage: boolean },
  headers: Record<string, string>,
): void {
  if (!stream.isStream) {
    reply.headers(headers).type("application/json; charset=utf-8").send(body);
    return;
  }
  const chunks =
    operation === "completions"
      ? textCompletionChunksOf(parsed, stream.includeUsage)
      : chatCompletionChunksOf(parsed, stream.includeUsage);
  reply.hijack();
  const writer = new SseWriter(reply.raw);
  writer.start(headers);
  let events = "";
  for (const chunk of chunks) events += encodeSseData(JSON.stringify(chunk));
  writer.finish(events);
}

/** The largest stream kept for the cache: past it the stream is relayed but not stored. */
const MAX_COLLECTED_CHARACTERS = 16 * 1024 * 1024;

/**
 * Keeps a stream's chunks as they are relayed (their JSON text, no parsing on the way), to store
 * the whole answer once the stream completed.
 */
export class StreamCollector {
  readonly #parts: unknown[] = [];
  #characters = 0;
  #isTooLarge = false;

  constructor(
    private readonly cache: ResponseCache,
    private readonly plan: CachePlan,
    /** Receives the stored answer, or undefined when there is none to store. */
    private readonly onStored: (body: string | undefined) => void = () => {},
  ) {}

  readonly tap = (chunk: unknown): void => {
    if (this.#isTooLarge) return;
    const raw = (chunk as { [RAW_JSON]?: string })[RAW_JSON];
    this.#parts.push(raw ?? chunk);
    this.#characters += raw?.length ?? 256;
    if (this.#characters > MAX_COLLECTED_CHARACTERS) {
      this.#isTooLarge = true;
      this.#parts.length = 0;
    }
  };

  /** After a stream that completed without error: its answer goes to the cache, off the request path. */
  store(): void {
    if (this.#isTooLarge || !this.plan.canWrite) {
      this.onStored(undefined);
      return;
    }
    setImmediate(() => {
      const chunks = this.#parts.map((part) => (typeof part === "string" ? JSON.parse(part) : part));
      const body =
        this.plan.operation === "completions"
          ? textCompletionOfChunks(chunks)
          : chatCompletionOfChunks(chunks);
      const text = body === undefined ? undefined : JSON.stringify(body);
      this.onStored(text);
      if (text !== undefined) this.cache.write(this.plan, [{ position: 0, body: text }]);
    });
  }
}
