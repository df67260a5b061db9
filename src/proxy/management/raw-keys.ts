/** Raw virtual keys: making new ones, and finding the stored hash of a key as a caller names it. */
import { randomBytes } from "node:crypto";
import { hashApiKey } from "../../store/index.js";

const RAW_KEY_PREFIX = "sk-";
/** 24 random bytes: 32 url-safe characters after the prefix. */
const RANDOM_BYTES = 24;

export function generateRawKey(): string {
  return RAW_KEY_PREFIX + randomBytes(RANDOM_BYTES).toString("base64url");
}

/**
 * The stored hash of a key as a management request names it: a raw key (`sk-...`) is hashed, anything
 * else is taken as the hash itself (LiteLLM's rule, so both forms work in `key` fields).
 */
export function toTokenHash(keyOrHash: string): string {
  return keyOrHash.startsWith(RAW_KEY_PREFIX) ? hashApiKey(keyOrHash) : keyOrHash;
}
