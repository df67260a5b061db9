import { createHash } from "node:crypto";

/**
 * Cache keys: a SHA-256 over a canonical form of what changes the answer. Field order and
 * whitespace never matter (the JSON is parsed, then written with sorted keys); fields that do not
 * change the answer are left out.
 */

/** Operations whose answers are cached. */
export type CachedOperation = "chat" | "completions" | "embeddings";

/**
 * Request fields that never change the answer: who asks and why (`user`, `metadata`, ...), how it
 * is delivered (`stream`, `stream_options`), how long and how often to try, where to fall back,
 * the cache's own controls, and the credentials. `model` is covered as the model group.
 */
const IGNORED_FIELDS: ReadonlySet<string> = new Set([
  "model",
  "user",
  "metadata",
  "litellm_metadata",
  "tags",
  "stream",
  "stream_options",
  "cache",
  "caching",
  "timeout",
  "stream_timeout",
  "request_timeout",
  "max_retries",
  "num_retries",
  "fallbacks",
  "context_window_fallbacks",
  "content_policy_fallbacks",
  "mock_testing_fallbacks",
  "signal",
  "api_key",
  "prompt_cache_key",
  "safety_identifier",
]);

/** JSON with object keys sorted at every depth; `undefined` members dropped as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? "null" : canonicalJson(item))).join(",")}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let text = "{";
  for (const key of keys) {
    const member = record[key];
    if (member === undefined || typeof member === "function") continue;
    if (text.length > 1) text += ",";
    text += `${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `${text}}`;
}

/** The request's fields that change the answer; a top-level `null` counts as not sent (OpenAI's default). */
export function answerFields(
  body: Readonly<Record<string, unknown>>,
  alsoIgnored?: string,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key in body) {
    if (IGNORED_FIELDS.has(key) || key === alsoIgnored) continue;
    const value = body[key];
    if (value === null || value === undefined) continue;
    fields[key] = value;
  }
  return fields;
}

export interface KeyParts {
  operation: CachedOperation;
  modelGroup: string;
  /** Who may share the answer: a team, a key, or "" when shared by all. */
  scope: string;
  /** For embeddings: the other fields (dimensions, encoding_format, ...); else the whole request. */
  fields: Record<string, unknown>;
  /** For embeddings: one input item. */
  item?: unknown;
}

/** The key's hash: 64 hex digits, never any of the content. */
export function cacheKeyOf(parts: KeyParts): string {
  const hash = createHash("sha256");
  // Lengths first: no choice of model group or scope text can run into the next part.
  const head = JSON.stringify([1, parts.operation, parts.modelGroup, parts.scope]);
  hash.update(head);
  hash.update("\n");
  hash.update(canonicalJson(parts.fields));
  if (parts.item !== undefined) {
    hash.update("\n");
    hash.update(canonicalJson(parts.item));
  }
  return hash.digest("hex");
}

/** A key with its namespace: `<namespace>:<hash>`. */
export function namespacedKey(namespace: string, key: string): string {
  return `${namespace}:${key}`;
}
