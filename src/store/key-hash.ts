import { createHash } from "node:crypto";

/** The stored identity of a virtual key: SHA-256 of the raw key, hex. The raw key is never stored. */
export function hashApiKey(rawKey: string): string {
  return createHash("sha256").update(rawKey, "utf8").digest("hex");
}

/** The display name of a key, as LiteLLM shows it: `sk-...` and the last four characters. */
export function displayKeyName(rawKey: string): string {
  return `sk-...${rawKey.slice(-4)}`;
}
