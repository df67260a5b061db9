import { describe, expect, it } from "vitest";
import { llmgateConfigSchema } from "../config/schema.js";
import { Router } from "./router.js";
import { MemoryRouterState } from "./state/memory-state.js";
import { silentLogger } from "./testing.js";

describe("config compatibility", () => {
  it("takes the sections of a validated config file as they are", async () => {
    const config = llmgateConfigSchema.parse({
      model_list: [
        {
          model_name: "gpt",
          litellm_params: { model: "openai/gpt-4o", rpm: "60", mock_response: "hi" },
          model_info: { id: "one" },
        },
      ],
      router_settings: {
        routing_strategy: "usage-based-routing",
        num_retries: 1,
        fallbacks: [{ gpt: ["gpt"] }],
      },
      litellm_settings: { request_timeout: 30 },
    });
    const router = new Router(config, { state: new MemoryRouterState(), logger: silentLogger });
    const outcome = await router.route("chat", { model: "gpt", messages: [{ role: "user", content: "x" }] });
    expect(outcome.ok).toBe(true);
    expect(outcome.meta).toMatchObject({ deploymentId: "one", maxRetries: 1, timeout: 30 });
  });
});
