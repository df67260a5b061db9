import { describe, expect, it } from "vitest";
import { PROVIDERS } from "../registry.js";
import { OPENAI_COMPATIBLE_PRESETS } from "./presets.js";

describe("OPENAI_COMPATIBLE_PRESETS", () => {
  it("has one row per id, each registered as a provider", () => {
    const ids = OPENAI_COMPATIBLE_PRESETS.map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(PROVIDERS.get(id)?.id).toBe(id);
  });

  it("has the providers the SDK promises", () => {
    const ids = OPENAI_COMPATIBLE_PRESETS.map((row) => row.id);
    expect(ids).toEqual(
      expect.arrayContaining(["openai", "text-completion-openai", "hosted_vllm", "llamafile"]),
    );
  });

  it("gives default api_bases that are absolute URLs without a trailing slash", () => {
    for (const row of OPENAI_COMPATIBLE_PRESETS) {
      const apiBase = row.defaultApiBase;
      if (apiBase === undefined) continue;
      expect(() => new URL(apiBase)).not.toThrow();
      expect(apiBase.endsWith("/")).toBe(false);
    }
  });

  it("requires a key at hosted default bases but not at local ones", () => {
    for (const row of OPENAI_COMPATIBLE_PRESETS) {
      const isLocal = row.defaultApiBase?.startsWith("http://127.0.0.1") === true;
      if (row.defaultApiBase === undefined || isLocal) expect(row.isKeyRequiredAtDefaultBase).toBe(false);
      else expect(row.isKeyRequiredAtDefaultBase).toBe(true);
    }
  });

  it("names environment variables in upper snake case", () => {
    for (const row of OPENAI_COMPATIBLE_PRESETS) {
      for (const name of [...row.apiKeyEnv, ...row.apiBaseEnv, ...row.organizationEnv]) {
        expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/);
      }
    }
  });

  it("sends only text-completion-openai's chat to /completions", () => {
    for (const row of OPENAI_COMPATIBLE_PRESETS) {
      expect(row.isTextCompletionOnly).toBe(row.id === "text-completion-openai");
      expect(PROVIDERS.get(row.id)?.operations.chat?.path).toBe(
        row.isTextCompletionOnly ? "/completions" : "/chat/completions",
      );
    }
  });

  it("reads OpenAI's variables for openai and text-completion-openai, vLLM's for hosted_vllm", () => {
    const byId = new Map(OPENAI_COMPATIBLE_PRESETS.map((row) => [row.id as string, row]));
    for (const id of ["openai", "text-completion-openai"]) {
      expect(byId.get(id)).toMatchObject({
        defaultApiBase: "https://api.openai.com/v1",
        apiKeyEnv: ["OPENAI_API_KEY"],
        apiBaseEnv: ["OPENAI_BASE_URL", "OPENAI_API_BASE"],
        organizationEnv: ["OPENAI_ORGANIZATION"],
      });
    }
    expect(byId.get("hosted_vllm")).toMatchObject({
      defaultApiBase: undefined,
      apiKeyEnv: ["HOSTED_VLLM_API_KEY"],
      apiBaseEnv: ["HOSTED_VLLM_API_BASE"],
    });
    expect(byId.get("llamafile")?.defaultApiBase).toBe("http://127.0.0.1:8080/v1");
  });
});
