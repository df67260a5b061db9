import { describe, expect, it } from "vitest";
import { cacheSettingsOf, DEFAULT_NAMESPACE, DEFAULT_TTL_SECONDS } from "./settings.js";

describe("cacheSettingsOf", () => {
  it("defaults to a local cache of the three call types", () => {
    const settings = cacheSettingsOf({}, {});
    expect(settings?.type).toBe("local");
    expect(settings?.ttlSeconds).toBe(DEFAULT_TTL_SECONDS);
    expect(settings?.namespace).toBe(DEFAULT_NAMESPACE);
    expect(settings?.mode).toBe("default_on");
    expect([...(settings?.operations ?? [])].sort()).toEqual(["chat", "completions", "embeddings"]);
  });

  it("is redis when one is named, in cache_params or LiteLLM's environment variables", () => {
    expect(cacheSettingsOf({ host: "h", port: 1, password: "p" }, {})?.redis).toEqual({
      host: "h",
      port: 1,
      password: "p",
    });
    expect(cacheSettingsOf({}, { REDIS_URL: "redis://x:2" })?.redis).toEqual({ url: "redis://x:2" });
    expect(cacheSettingsOf({ type: "redis" }, { REDIS_HOST: "e", REDIS_PORT: "7" })?.redis).toEqual({
      host: "e",
      port: 7,
    });
    expect(() => cacheSettingsOf({ type: "redis" }, {})).toThrow(/no Redis is named/);
  });

  it("takes ttl over the per-type default, and maps call types to operations", () => {
    expect(cacheSettingsOf({ default_in_memory_ttl: 5 }, {})?.ttlSeconds).toBe(5);
    expect(cacheSettingsOf({ ttl: 9, default_in_memory_ttl: 5 }, {})?.ttlSeconds).toBe(9);
    expect([
      ...(cacheSettingsOf({ supported_call_types: ["embedding", "aresponses"] }, {})?.operations ?? []),
    ]).toEqual(["embeddings"]);
    expect(cacheSettingsOf({ max_size_mb: 1 }, {})?.maxBytes).toBe(1024 * 1024);
  });

  it("is off for a type llmgate does not implement", () => {
    expect(cacheSettingsOf({ type: "qdrant-semantic" }, {})).toBeUndefined();
  });
});
