import { describe, expect, it } from "vitest";
import { BadRequestError } from "../errors/index.js";
import { resolveModel } from "./resolve.js";

describe("resolveModel", () => {
  it("strips a known provider prefix", () => {
    const resolved = resolveModel("openai/mistral");
    expect(resolved.provider.id).toBe("openai");
    expect(resolved.model).toBe("mistral");
  });

  it("keeps the rest of the name, slashes included", () => {
    expect(resolveModel("hosted_vllm/meta-llama/Llama-3-8B").model).toBe("meta-llama/Llama-3-8B");
  });

  it("reads a bare name as OpenAI", () => {
    const resolved = resolveModel("gpt-4o");
    expect(resolved.provider.id).toBe("openai");
    expect(resolved.model).toBe("gpt-4o");
  });

  it("knows text-completion-openai, hosted_vllm and llamafile", () => {
    for (const id of ["text-completion-openai", "hosted_vllm", "llamafile"]) {
      expect(resolveModel(`${id}/x`).provider.id).toBe(id);
    }
  });

  it("refuses an unknown prefix with a BadRequestError that lists the known providers", () => {
    expect(() => resolveModel("nope/x")).toThrow(BadRequestError);
    expect(() => resolveModel("nope/x")).toThrow(/hosted_vllm/);
  });

  it("lets custom_llm_provider choose, stripping its prefix when present", () => {
    expect(resolveModel("llama", "hosted_vllm")).toMatchObject({
      model: "llama",
      provider: { id: "hosted_vllm" },
    });
    expect(resolveModel("hosted_vllm/llama", "hosted_vllm").model).toBe("llama");
    expect(resolveModel("org/llama", "openai").model).toBe("org/llama");
    expect(() => resolveModel("x", "nope")).toThrow(BadRequestError);
  });
});

describe("providerIdOf", () => {
  it("is custom_llm_provider, else the prefix, else OpenAI, known or not", async () => {
    const { providerIdOf } = await import("../providers/registry.js");
    expect(providerIdOf("hosted_vllm/m")).toBe("hosted_vllm");
    expect(providerIdOf("gpt-4o")).toBe("openai");
    expect(providerIdOf("azure/gpt-4o")).toBe("azure");
    expect(providerIdOf("openai/m", "hosted_vllm")).toBe("hosted_vllm");
  });
});
