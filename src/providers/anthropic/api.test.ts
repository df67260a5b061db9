import { describe, expect, it } from "vitest";
import { AuthenticationError } from "../../errors/index.js";
import { anthropicApi, anthropicHeaders, anthropicMessagesPath, resolveAnthropicTarget } from "./api.js";

describe("resolveAnthropicTarget", () => {
  it("defaults to api.anthropic.com with ANTHROPIC_API_KEY, read at call time", () => {
    const target = resolveAnthropicTarget("claude-x", {}, { ANTHROPIC_API_KEY: "sk-ant-env" });
    expect(target).toMatchObject({
      providerId: "anthropic",
      model: "claude-x",
      apiBase: "https://api.anthropic.com",
    });
    expect(target.apiKey).toBe("sk-ant-env");
  });

  it("prefers api_key and api_base over the environment, and ignores a trailing slash", () => {
    const target = resolveAnthropicTarget(
      "claude-x",
      { api_key: "sk-param", api_base: "http://127.0.0.1:9/proxy/" },
      { ANTHROPIC_API_KEY: "sk-env", ANTHROPIC_API_BASE: "http://env" },
    );
    expect(target.apiKey).toBe("sk-param");
    expect(target.apiBase).toBe("http://127.0.0.1:9/proxy");
  });

  it("reads ANTHROPIC_API_BASE, then ANTHROPIC_BASE_URL", () => {
    expect(resolveAnthropicTarget("m", { api_key: "k" }, { ANTHROPIC_BASE_URL: "http://b" }).apiBase).toBe(
      "http://b",
    );
    expect(
      resolveAnthropicTarget(
        "m",
        { api_key: "k" },
        { ANTHROPIC_API_BASE: "http://a", ANTHROPIC_BASE_URL: "http://b" },
      ).apiBase,
    ).toBe("http://a");
  });

  it("refuses a call to Anthropic's endpoint without a key, but lets a private endpoint go without one", () => {
    expect(() => resolveAnthropicTarget("m", {}, {})).toThrow(AuthenticationError);
    expect(resolveAnthropicTarget("m", { api_base: "http://127.0.0.1:9" }, {}).apiKey).toBeUndefined();
  });
});

describe("anthropic headers and path", () => {
  it("sends x-api-key and anthropic-version 2023-06-01", () => {
    const target = resolveAnthropicTarget("m", { api_key: "sk-ant-1" }, {});
    expect(anthropicHeaders(target)).toEqual({
      "content-type": "application/json",
      "anthropic-version": "2023-06-01",
      "x-api-key": "sk-ant-1",
    });
    expect(anthropicHeaders(resolveAnthropicTarget("m", { api_base: "http://x" }, {}))).not.toHaveProperty(
      "x-api-key",
    );
  });

  it("appends /v1/messages unless the base already ends with it", () => {
    const plain = resolveAnthropicTarget("m", { api_key: "k", api_base: "http://x/anthropic" }, {});
    expect(anthropicMessagesPath({ target: plain })).toBe("/v1/messages");
    const full = resolveAnthropicTarget("m", { api_key: "k", api_base: "http://x/v1/messages/" }, {});
    expect(anthropicMessagesPath({ target: full })).toBe("");
  });

  it("anthropicApi resolves a raw body's URL and headers, keeping the base's query", () => {
    const endpoint = anthropicApi("m", { api_key: "k", api_base: "http://x/gw?tenant=7" }, {});
    expect(endpoint.url.href).toBe("http://x/gw/v1/messages?tenant=7");
    expect(endpoint.headers["x-api-key"]).toBe("k");
    expect(anthropicApi("m", { api_key: "k" }, {}, "/v1/messages/count_tokens").url.href).toBe(
      "https://api.anthropic.com/v1/messages/count_tokens",
    );
  });
});
