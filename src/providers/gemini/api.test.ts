import { describe, expect, it } from "vitest";
import { AuthenticationError } from "../../errors/index.js";
import { geminiChatPath, geminiEmbeddingsPath, geminiHeaders, resolveGeminiTarget } from "./api.js";

describe("gemini api", () => {
  it("takes api_key, else GEMINI_API_KEY, and sends it as x-goog-api-key", () => {
    const fromEnv = resolveGeminiTarget("gemini-2.5-flash", {}, { GEMINI_API_KEY: "env-key" });
    expect(geminiHeaders(fromEnv)).toEqual({
      "content-type": "application/json",
      "x-goog-api-key": "env-key",
    });
    const given = resolveGeminiTarget(
      "gemini-2.5-flash",
      { api_key: "given-key" },
      { GEMINI_API_KEY: "env-key" },
    );
    expect(given.apiKey).toBe("given-key");
  });

  it("uses api_base, else GEMINI_API_BASE, else Google's host; a trailing slash is ignored", () => {
    expect(resolveGeminiTarget("m", { api_key: "k" }, {}).apiBase).toBe(
      "https://generativelanguage.googleapis.com",
    );
    expect(resolveGeminiTarget("m", {}, { GEMINI_API_BASE: "http://127.0.0.1:9/" }).apiBase).toBe(
      "http://127.0.0.1:9",
    );
    expect(resolveGeminiTarget("m", { api_base: "http://a/" }, { GEMINI_API_BASE: "http://b" }).apiBase).toBe(
      "http://a",
    );
  });

  it("refuses a call to Google's host without a key", () => {
    expect(() => resolveGeminiTarget("m", {}, {})).toThrow(AuthenticationError);
  });

  it("puts the model and the stream mode in the path", () => {
    const target = resolveGeminiTarget("gemini-2.5-flash", { api_base: "http://h" }, {});
    expect(geminiChatPath({ target, isStream: false })).toBe(
      "/v1beta/models/gemini-2.5-flash:generateContent",
    );
    expect(geminiChatPath({ target, isStream: true })).toBe(
      "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    );
    expect(geminiEmbeddingsPath({ target })).toBe("/v1beta/models/gemini-2.5-flash:batchEmbedContents");
  });

  it("does not add /v1beta to an api_base that names a version (LiteLLM's form)", () => {
    const target = resolveGeminiTarget("models/gemini-2.5-flash", { api_base: "http://h/v1beta/" }, {});
    expect(geminiChatPath({ target, isStream: false })).toBe("/models/gemini-2.5-flash:generateContent");
  });
});
