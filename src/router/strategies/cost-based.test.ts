import { describe, expect, it } from "vitest";
import { RateLimitError } from "../../errors/index.js";
import { chatRequest, createTestRouter, deployment } from "../testing.js";

describe("cost-based-routing", () => {
  const list = [
    deployment(
      "gpt",
      "openai/pricey",
      {},
      { id: "pricey", input_cost_per_token: 0.00003, output_cost_per_token: 0.00006 },
    ),
    deployment(
      "gpt",
      "openai/cheap",
      { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 },
      { id: "cheap" },
    ),
    deployment("gpt", "openai/unknown", {}, { id: "unknown" }),
  ];

  it("sends every request to the cheapest deployment", async () => {
    const { router, fake } = createTestRouter(list, {
      router_settings: { routing_strategy: "cost-based-routing" },
    });
    for (let index = 0; index < 1000; index++) await router.route("chat", chatRequest("gpt"));
    expect(fake.countFor("openai/cheap")).toBe(1000);
  });

  it("goes to the next cheapest while the cheapest cools down, and to unknown costs last", async () => {
    const { router, fake } = createTestRouter(list, {
      router_settings: { routing_strategy: "cost-based-routing" },
      behaviours: { "openai/cheap": { error: new RateLimitError({ message: "slow down" }) } },
    });
    const outcome = await router.route("chat", chatRequest("gpt"));
    expect(outcome.meta.deploymentId).toBe("pricey");
    await router.route("chat", chatRequest("gpt"));
    expect(fake.countFor("openai/cheap")).toBe(1);
    expect(fake.countFor("openai/unknown")).toBe(0);
  });
});
