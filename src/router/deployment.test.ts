import { describe, expect, it } from "vitest";
import { createDeployment } from "./deployment.js";

describe("createDeployment", () => {
  it("takes its provider from custom_llm_provider, else from the model's prefix", () => {
    const custom = createDeployment(
      { model_name: "g", litellm_params: { model: "m", custom_llm_provider: "hosted_vllm" } },
      "d1",
    );
    expect(custom.provider).toBe("hosted_vllm");
    expect(createDeployment({ model_name: "g", litellm_params: { model: "groq/m" } }, "d2").provider).toBe(
      "groq",
    );
  });
});
