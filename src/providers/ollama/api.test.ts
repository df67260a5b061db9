import { describe, expect, it } from "vitest";
import { OLLAMA_CHAT_PROVIDER_ID, OLLAMA_PROVIDER_ID, ollamaHeaders, resolveOllamaTarget } from "./api.js";

const resolveChat = resolveOllamaTarget(OLLAMA_CHAT_PROVIDER_ID);
const resolveGenerate = resolveOllamaTarget(OLLAMA_PROVIDER_ID);

describe("resolveOllamaTarget", () => {
  it("defaults to http://localhost:11434 without any key", () => {
    const target = resolveChat("llama3.2", {}, {});
    expect(target).toEqual({
      providerId: "ollama_chat",
      model: "llama3.2",
      apiBase: "http://localhost:11434",
      apiQuery: "",
      apiKey: undefined,
      organization: undefined,
    });
    expect(ollamaHeaders(target)).toEqual({ "content-type": "application/json" });
  });

  it("reads OLLAMA_API_BASE at call time; api_base (then base_url) wins over it", () => {
    const env = { OLLAMA_API_BASE: "http://gpu-box:11434/" };
    expect(resolveGenerate("m", {}, env).apiBase).toBe("http://gpu-box:11434");
    expect(resolveGenerate("m", { base_url: "http://b:1" }, env).apiBase).toBe("http://b:1");
    expect(resolveGenerate("m", { api_base: "http://a:2//", base_url: "http://b:1" }, env).apiBase).toBe(
      "http://a:2",
    );
    expect(resolveGenerate("m", { api_base: "" }, env).apiBase).toBe("http://gpu-box:11434");
  });

  it("takes an api_base that names an endpoint as the server's root, as LiteLLM takes /api/chat", () => {
    for (const path of ["/api/chat", "/api/generate", "/api/embed", "/api/chat/"]) {
      expect(resolveChat("m", { api_base: `http://host:11434${path}` }, {}).apiBase).toBe(
        "http://host:11434",
      );
    }
    expect(resolveChat("m", { api_base: "http://proxy/ollama/api/chat" }, {}).apiBase).toBe(
      "http://proxy/ollama",
    );
  });

  it("keeps an api_base's query for after the endpoint path", () => {
    const target = resolveChat("m", { api_base: "http://host:11434/?tenant=a" }, {});
    expect(target.apiBase).toBe("http://host:11434");
    expect(target.apiQuery).toBe("?tenant=a");
  });

  it("sends api_key (else OLLAMA_API_KEY) as a bearer token; an explicit empty key sends none", () => {
    const withKey = resolveChat("m", { api_key: "ollama-key-123" }, { OLLAMA_API_KEY: "env-key-456" });
    expect(ollamaHeaders(withKey).authorization).toBe("Bearer ollama-key-123");
    const fromEnv = resolveChat("m", {}, { OLLAMA_API_KEY: "env-key-456" });
    expect(ollamaHeaders(fromEnv).authorization).toBe("Bearer env-key-456");
    const none = resolveChat("m", { api_key: "" }, { OLLAMA_API_KEY: "env-key-456" });
    expect(none.apiKey).toBeUndefined();
    expect(ollamaHeaders(none)).not.toHaveProperty("authorization");
  });

  it("names the provider the call was made with", () => {
    expect(resolveGenerate("m", {}, {}).providerId).toBe("ollama");
    expect(resolveChat("m", {}, {}).providerId).toBe("ollama_chat");
  });
});
