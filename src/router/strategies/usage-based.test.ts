import { describe, expect, it } from "vitest";
import { MemoryRouterState } from "../state/memory-state.js";
import { chatRequest, createTestRouter, deployment } from "../testing.js";

const limited = [
  deployment("gpt", "openai/a", { rpm: 100 }, { id: "a" }),
  deployment("gpt", "openai/b", { rpm: 200 }, { id: "b" }),
  deployment("gpt", "openai/c", { rpm: 300, tpm: 100_000 }, { id: "c" }),
];

describe("usage-based-routing", () => {
  it("never exceeds a deployment's rpm over 1,000 concurrent requests in one minute", async () => {
    const { router, fake } = createTestRouter(limited, {
      router_settings: { routing_strategy: "usage-based-routing-v2", num_retries: 0 },
    });
    const outcomes = await Promise.all(
      Array.from({ length: 1000 }, () => router.route("chat", chatRequest("gpt"))),
    );
    expect(fake.countFor("openai/a")).toBe(100);
    expect(fake.countFor("openai/b")).toBe(200);
    expect(fake.countFor("openai/c")).toBe(300);
    const refused = outcomes.filter((outcome) => !outcome.ok);
    expect(refused).toHaveLength(400);
    const first = refused[0];
    if (first === undefined || first.ok) throw new Error("expected a refusal");
    expect(first.error.status).toBe(429);
    expect(first.error.message).toContain('model group "gpt"');
    expect(first.error.retryAfter).toBeGreaterThan(0);
  });

  it("starts over in the next minute", async () => {
    const { router, fake, clock } = createTestRouter(
      [deployment("gpt", "openai/a", { rpm: 5 }, { id: "a" })],
      {
        router_settings: { routing_strategy: "usage-based-routing" },
      },
    );
    for (let index = 0; index < 8; index++) await router.route("chat", chatRequest("gpt"));
    expect(fake.countFor("openai/a")).toBe(5);
    clock.advance(60_000);
    expect((await router.route("chat", chatRequest("gpt"))).ok).toBe(true);
  });

  it("prefers the deployment that used the fewest tokens this minute and skips one at its tpm", async () => {
    const state = new MemoryRouterState();
    const { router } = createTestRouter(
      [
        deployment("gpt", "openai/a", { tpm: 1000 }, { id: "a" }),
        deployment("gpt", "openai/b", { tpm: 1000 }, { id: "b" }),
      ],
      { router_settings: { routing_strategy: "usage-based-routing" }, state },
    );
    const minute = Math.floor(Date.UTC(2025, 0, 1) / 60_000);
    await state.addTokens("a", minute, 1000);
    for (let index = 0; index < 10; index++) {
      expect((await router.route("chat", chatRequest("gpt"))).meta.deploymentId).toBe("b");
    }
  });

  it("refuses a group whose only deployment used its whole tpm this minute", async () => {
    const state = new MemoryRouterState();
    const { router, fake } = createTestRouter([deployment("gpt", "openai/a", { tpm: 1000 }, { id: "a" })], {
      router_settings: { routing_strategy: "usage-based-routing" },
      state,
    });
    await state.addTokens("a", Math.floor(Date.UTC(2025, 0, 1) / 60_000), 1000);
    const outcome = await router.route("chat", chatRequest("gpt"));
    expect(outcome.ok).toBe(false);
    expect(fake.countFor("openai/a")).toBe(0);
  });

  it("spreads evenly between equal deployments", async () => {
    const { router, fake } = createTestRouter(
      [
        deployment("gpt", "openai/a", { rpm: 1000 }, { id: "a" }),
        deployment("gpt", "openai/b", { rpm: 1000 }, { id: "b" }),
      ],
      { router_settings: { routing_strategy: "usage-based-routing" } },
    );
    for (let index = 0; index < 1000; index++) await router.route("chat", chatRequest("gpt"));
    expect(Math.abs(fake.countFor("openai/a") - 500)).toBeLessThanOrEqual(10);
  });
});
