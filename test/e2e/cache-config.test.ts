/**
 * The response cache's config through the real CLI: an unknown cache_params key is refused with
 * its path, LiteLLM keys and types llmgate lacks are start-up warnings naming them, `mode:
 * default_off` caches only requests that opt in, `supported_call_types` picks what is cached.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startProxy } from "../fakes/proxy-process.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { cacheKey, chat, isHit, startCacheGate, upstreamCount } from "./cache-helpers.js";
import { gateOf } from "./keys-helpers.js";

let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await startFakeUpstream();
});

afterAll(async () => {
  await upstream?.close();
});

function configWith(cacheParams: Record<string, unknown>, isOn = true): string {
  return JSON.stringify({
    model_list: [
      {
        model_name: "mini",
        litellm_params: { model: "openai/gpt-4o-mini", api_base: upstream.baseUrl, api_key: "k" },
      },
    ],
    litellm_settings: { cache: isOn, cache_params: cacheParams },
  });
}

describe("cache_params keys", () => {
  it("refuses an unknown key with its path", async () => {
    const directory = await mkdtemp(join(tmpdir(), "llmgate-cache-config-"));
    try {
      const path = join(directory, "config.yaml");
      await writeFile(path, configWith({ type: "local", tll: 60 }));
      const result = await runCli(["--config", path, "--port", "0"]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain("litellm_settings.cache_params.tll");
      expect(result.stderr).toContain('did you mean "ttl"');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("warns about LiteLLM keys and cache types llmgate does not implement, and keeps serving", async () => {
    const proxy = await startProxy({
      config: configWith({
        type: "redis-semantic",
        similarity_threshold: 0.8,
        supported_call_types: ["atranscription"],
      }),
    });
    try {
      const stderr = proxy.stderr();
      expect(stderr).toContain("litellm_settings.cache_params.similarity_threshold");
      expect(stderr).toMatch(/cache_params\.type "redis-semantic".*does not implement/);
      expect(stderr).toMatch(/does not cache "atranscription"/);
      const gate = gateOf(proxy);
      const answer = await chat(gate, {}, null);
      expect(answer.status).toBe(200);
      expect(answer.headers.get("x-llmgate-cache-hit")).toBeNull();
      expect((await gate.api("GET", "/cache/ping", undefined, null)).status).toBe(503);
    } finally {
      await proxy.stop();
    }
  });

  it("warns when cache_params is set without cache: true", async () => {
    const proxy = await startProxy({ config: configWith({ type: "local" }, false) });
    try {
      expect(proxy.stderr()).toMatch(/cache_params is set but litellm_settings\.cache is not true/);
    } finally {
      await proxy.stop();
    }
  });
});

describe("what is cached", () => {
  it("with mode default_off, caches only requests that send use-cache: true", async () => {
    const gate = await startCacheGate(upstream, { cacheParams: { mode: "default_off" } });
    try {
      const before = upstreamCount(upstream, "/chat/completions");
      const plain = { messages: [{ role: "user", content: "default off" }] };
      expect(cacheKey(await chat(gate, plain))).toBeNull();
      const notOpted = await chat(gate, plain);
      expect(cacheKey(notOpted)).toBeNull();
      expect(notOpted.headers.get("x-llmgate-cache-hit")).toBe("false");
      const opted = { ...plain, cache: { "use-cache": true } };
      expect(isHit(await chat(gate, opted))).toBe(false);
      expect(isHit(await chat(gate, opted))).toBe(true);
      expect(upstreamCount(upstream, "/chat/completions") - before).toBe(3);
    } finally {
      await gate.stop();
    }
  });

  it("caches only the supported_call_types", async () => {
    const gate = await startCacheGate(upstream, { cacheParams: { supported_call_types: ["aembedding"] } });
    try {
      const plain = { messages: [{ role: "user", content: "not cached" }] };
      await chat(gate, plain);
      expect(cacheKey(await chat(gate, plain))).toBeNull();
      await gate.api("POST", "/v1/embeddings", { model: "embedder", input: "cached" });
      expect(isHit(await gate.api("POST", "/v1/embeddings", { model: "embedder", input: "cached" }))).toBe(
        true,
      );
    } finally {
      await gate.stop();
    }
  });

  it("keeps the local cache within max_size_mb, evicting the least recently used and counting it", async () => {
    // Room for about one answer (an entry is ~1 KB here).
    const gate = await startCacheGate(upstream, { cacheParams: { max_size_mb: 0.0015 } });
    try {
      const ask = (text: string) => chat(gate, { messages: [{ role: "user", content: text }] });
      await ask("first answer");
      expect(isHit(await ask("first answer"))).toBe(true);
      await ask("second answer");
      expect(isHit(await ask("second answer"))).toBe(true);
      expect(isHit(await ask("first answer"))).toBe(false);
      const metrics = String((await gate.api("GET", "/metrics")).body);
      expect(Number(/llmgate_cache_evictions_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
      expect(Number(/llmgate_cache_local_bytes (\d+)/.exec(metrics)?.[1])).toBeLessThanOrEqual(
        0.0015 * 1024 * 1024,
      );
    } finally {
      await gate.stop();
    }
  });

  it("works on an open proxy (no master key), where anyone may flush", async () => {
    const gate = await startCacheGate(upstream, { isOpen: true });
    try {
      const body = { messages: [{ role: "user", content: "open proxy" }] };
      await chat(gate, body, null);
      expect(isHit(await chat(gate, body, null))).toBe(true);
      expect((await gate.api("POST", "/cache/flushall", undefined, null)).status).toBe(200);
      expect(isHit(await chat(gate, body, null))).toBe(false);
    } finally {
      await gate.stop();
    }
  });
});
