import { describe, expect, it } from "vitest";
import { AuthenticationError, BadRequestError } from "../../errors/index.js";
import { azureHeaders, DEFAULT_AZURE_API_VERSION, deploymentPath, resolveAzureTarget } from "./api.js";

const env = {};

function urlOf(apiBase: string, options: Record<string, string> = {}, environment: NodeJS.ProcessEnv = env) {
  const target = resolveAzureTarget("my-dep", { api_base: apiBase, api_key: "k", ...options }, environment);
  return target.apiBase + deploymentPath("chat/completions")({ target, isStream: false }) + target.apiQuery;
}

describe("resolveAzureTarget", () => {
  it("builds the deployment URL with api-version from the resource root, however it was written", () => {
    const expected = `https://r.openai.azure.com/openai/deployments/my-dep/chat/completions?api-version=${DEFAULT_AZURE_API_VERSION}`;
    expect(urlOf("https://r.openai.azure.com/")).toBe(expected);
    expect(urlOf("https://r.openai.azure.com/openai")).toBe(expected);
    expect(urlOf("https://r.openai.azure.com/openai/deployments/other/chat/completions")).toBe(expected);
  });

  it("takes api_version from the call, then the environment, then the base's query", () => {
    expect(urlOf("https://r.openai.azure.com", { api_version: "2025-04-01-preview" })).toContain(
      "?api-version=2025-04-01-preview",
    );
    expect(urlOf("https://r.openai.azure.com", {}, { AZURE_API_VERSION: "2024-06-01" })).toContain(
      "?api-version=2024-06-01",
    );
    expect(urlOf("https://r.openai.azure.com/?api-version=2024-02-01&x=1")).toContain(
      "?api-version=2024-02-01&x=1",
    );
  });

  it("sends api-key, or the AD token as a bearer (kept off the target), and refuses neither", () => {
    const keyed = resolveAzureTarget("d", { api_base: "https://r", api_key: "k" }, env);
    expect(azureHeaders(keyed)).toEqual({ "content-type": "application/json", "api-key": "k" });
    const withToken = resolveAzureTarget(
      "d",
      { api_base: "https://r", azure_ad_token: "t" },
      { AZURE_API_KEY: "env" },
    );
    const headers = azureHeaders(withToken);
    withToken.authorize?.({ method: "POST", url: new URL("https://r"), headers, body: "{}" });
    expect(headers).toEqual({ "content-type": "application/json", authorization: "Bearer t" });
    expect(JSON.stringify(withToken)).not.toContain('"t"');
    expect(() => resolveAzureTarget("d", { api_base: "https://r" }, env)).toThrow(AuthenticationError);
    expect(() => resolveAzureTarget("d", { api_key: "k" }, env)).toThrow(BadRequestError);
  });

  it("URL-encodes the deployment name", () => {
    const target = resolveAzureTarget("a b/c", { api_base: "https://r", api_key: "k" }, env);
    expect(deploymentPath("embeddings")({ target, isStream: false })).toBe(
      "/openai/deployments/a%20b%2Fc/embeddings",
    );
  });
});
