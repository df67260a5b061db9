import { describe, expect, it } from "vitest";
import { AuthenticationError, BadRequestError } from "../../errors/index.js";
import { openAICompatibleHeaders, resolveOpenAICompatibleTarget } from "./api.js";
import { OPENAI_COMPATIBLE_PRESETS, type OpenAICompatiblePreset } from "./presets.js";

function preset(id: string): OpenAICompatiblePreset {
  const found = OPENAI_COMPATIBLE_PRESETS.find((row) => row.id === id);
  if (found === undefined) throw new Error(`no preset ${id}`);
  return found;
}

const openai = preset("openai");

describe("resolveOpenAICompatibleTarget", () => {
  it("uses the call's api_base as given, without trailing slashes", () => {
    const target = resolveOpenAICompatibleTarget(
      openai,
      "m",
      { api_key: "k", api_base: "http://h:1/v1//" },
      {},
    );
    expect(target).toEqual({
      providerId: "openai",
      model: "m",
      apiBase: "http://h:1/v1",
      apiQuery: "",
      apiKey: "k",
      organization: undefined,
    });
  });

  it("keeps a query of the api_base apart, for after the endpoint path", () => {
    const target = resolveOpenAICompatibleTarget(
      openai,
      "m",
      { api_key: "k", api_base: "http://h:1/openai/v1/?api-version=2024-10-21" },
      {},
    );
    expect(target).toMatchObject({ apiBase: "http://h:1/openai/v1", apiQuery: "?api-version=2024-10-21" });
  });

  it("never adds /v1", () => {
    expect(
      resolveOpenAICompatibleTarget(openai, "m", { api_key: "k", api_base: "http://h:1" }, {}).apiBase,
    ).toBe("http://h:1");
  });

  it("accepts base_url as a spelling of api_base", () => {
    expect(
      resolveOpenAICompatibleTarget(openai, "m", { api_key: "k", base_url: "http://b/v1/" }, {}).apiBase,
    ).toBe("http://b/v1");
  });

  it("falls back to OPENAI_BASE_URL, then OPENAI_API_BASE, then OpenAI's URL", () => {
    const resolve = (env: NodeJS.ProcessEnv) =>
      resolveOpenAICompatibleTarget(openai, "m", { api_key: "k" }, env).apiBase;
    expect(resolve({ OPENAI_BASE_URL: "http://a/v1", OPENAI_API_BASE: "http://b/v1" })).toBe("http://a/v1");
    expect(resolve({ OPENAI_API_BASE: "http://b/v1" })).toBe("http://b/v1");
    expect(resolve({ OPENAI_BASE_URL: "", OPENAI_API_BASE: "http://b/v1" })).toBe("http://b/v1");
    expect(resolve({})).toBe("https://api.openai.com/v1");
  });

  it("falls back to OPENAI_API_KEY and OPENAI_ORGANIZATION when the call gives none", () => {
    const target = resolveOpenAICompatibleTarget(
      openai,
      "m",
      {},
      { OPENAI_API_KEY: "sk", OPENAI_ORGANIZATION: "org" },
    );
    expect(target.apiKey).toBe("sk");
    expect(target.organization).toBe("org");
  });

  it("treats null like absent", () => {
    const target = resolveOpenAICompatibleTarget(
      openai,
      "m",
      { api_key: null, api_base: null, organization: null },
      { OPENAI_API_KEY: "sk", OPENAI_ORGANIZATION: "org" },
    );
    expect(target.apiKey).toBe("sk");
    expect(target.organization).toBe("org");
    expect(target.apiBase).toBe("https://api.openai.com/v1");
  });

  it("treats an explicit api_key of '' as no key, never falling back", () => {
    const target = resolveOpenAICompatibleTarget(
      openai,
      "m",
      { api_key: "", api_base: "http://h/v1" },
      { OPENAI_API_KEY: "sk" },
    );
    expect(target.apiKey).toBeUndefined();
  });

  it("refuses OpenAI's own URL without a key, naming OPENAI_API_KEY", () => {
    for (const options of [{}, { api_key: "" }, { api_base: "https://api.openai.com/v1/" }]) {
      expect(() => resolveOpenAICompatibleTarget(openai, "gpt-4o", options, { OPENAI_API_KEY: "" })).toThrow(
        AuthenticationError,
      );
    }
    expect(() => resolveOpenAICompatibleTarget(openai, "gpt-4o", {}, {})).toThrow(/OPENAI_API_KEY/);
  });

  it("allows a custom api_base without any key", () => {
    const target = resolveOpenAICompatibleTarget(openai, "m", {}, { OPENAI_BASE_URL: "http://local/v1" });
    expect(target.apiKey).toBeUndefined();
  });

  it("reads HOSTED_VLLM_API_BASE and HOSTED_VLLM_API_KEY for hosted_vllm, not OPENAI_*", () => {
    const vllm = preset("hosted_vllm");
    const target = resolveOpenAICompatibleTarget(
      vllm,
      "llama",
      {},
      { HOSTED_VLLM_API_BASE: "http://vllm/v1", HOSTED_VLLM_API_KEY: "vk", OPENAI_API_KEY: "sk" },
    );
    expect(target).toMatchObject({ providerId: "hosted_vllm", apiBase: "http://vllm/v1", apiKey: "vk" });
    const withoutKey = resolveOpenAICompatibleTarget(
      vllm,
      "llama",
      {},
      { HOSTED_VLLM_API_BASE: "http://vllm/v1", OPENAI_API_KEY: "sk" },
    );
    expect(withoutKey.apiKey).toBeUndefined();
  });

  it("refuses hosted_vllm without an api_base, naming HOSTED_VLLM_API_BASE", () => {
    expect(() => resolveOpenAICompatibleTarget(preset("hosted_vllm"), "llama", {}, {})).toThrow(
      BadRequestError,
    );
    expect(() => resolveOpenAICompatibleTarget(preset("hosted_vllm"), "llama", {}, {})).toThrow(
      /HOSTED_VLLM_API_BASE/,
    );
  });

  it("defaults llamafile to http://127.0.0.1:8080/v1 and needs no key there", () => {
    const target = resolveOpenAICompatibleTarget(preset("llamafile"), "m", {}, {});
    expect(target.apiBase).toBe("http://127.0.0.1:8080/v1");
    expect(target.apiKey).toBeUndefined();
  });

  it("prefers the call's organization to the environment, and '' means none", () => {
    expect(
      resolveOpenAICompatibleTarget(
        openai,
        "m",
        { api_key: "k", organization: "o" },
        { OPENAI_ORGANIZATION: "e" },
      ).organization,
    ).toBe("o");
    expect(
      resolveOpenAICompatibleTarget(
        openai,
        "m",
        { api_key: "k", organization: "" },
        { OPENAI_ORGANIZATION: "e" },
      ).organization,
    ).toBeUndefined();
  });
});

describe("openAICompatibleHeaders", () => {
  const base = { providerId: "openai", model: "m", apiBase: "http://h/v1" };

  it("sends a Bearer key and the organization when there are some", () => {
    expect(openAICompatibleHeaders({ ...base, apiKey: "k", organization: "o" })).toEqual({
      "content-type": "application/json",
      authorization: "Bearer k",
      "openai-organization": "o",
    });
  });

  it("sends no Authorization header without a key", () => {
    expect(openAICompatibleHeaders({ ...base, apiKey: undefined, organization: undefined })).toEqual({
      "content-type": "application/json",
    });
  });
});
