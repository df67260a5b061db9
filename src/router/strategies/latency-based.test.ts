import { describe, expect, it } from "vitest";
import { chatRequest, createTestRouter, deployment } from "../testing.js";

const group = [
  deployment("gpt", "openai/fast", {}, { id: "fast" }),
  deployment("gpt", "openai/close", {}, { id: "close" }),
  deployment("gpt", "openai/slow", {}, { id: "slow" }),
];

async function countIds(
  router: ReturnType<typeof createTestRouter>["router"],
  requests: number,
  stream = false,
) {
  const counts = new Map<string, number>();
  for (let index = 0; index < requests; index++) {
    const outcome = await router.route("chat", chatRequest("gpt", stream ? { stream: true } : {}));
    if (outcome.ok && outcome.result.kind === "stream") for await (const _ of outcome.result.stream);
    const id = outcome.meta.deploymentId ?? "none";
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

describe("latency-based-routing", () => {
  it("sends nearly everything to the fastest deployment once each was measured", async () => {
    const { router } = createTestRouter(group, {
      router_settings: { routing_strategy: "latency-based-routing" },
      behaviours: {
        "openai/fast": { advanceMs: 100 },
        "openai/close": { advanceMs: 105 },
        "openai/slow": { advanceMs: 900 },
      },
    });
    const counts = await countIds(router, 1000);
    expect(counts.get("fast") ?? 0).toBeGreaterThan(990);
    expect(counts.get("slow") ?? 0).toBeLessThanOrEqual(1);
  });

  it("shares load between near-equal deployments within lowest_latency_buffer", async () => {
    const { router } = createTestRouter(group, {
      router_settings: {
        routing_strategy: "latency-based-routing",
        routing_strategy_args: { lowest_latency_buffer: 0.5 },
      },
      behaviours: {
        "openai/fast": { advanceMs: 100 },
        "openai/close": { advanceMs: 110 },
        "openai/slow": { advanceMs: 900 },
      },
    });
    const counts = await countIds(router, 1000);
    expect(Math.abs((counts.get("fast") ?? 0) - 500)).toBeLessThan(60);
    expect(Math.abs((counts.get("close") ?? 0) - 500)).toBeLessThan(60);
    expect(counts.get("slow") ?? 0).toBeLessThanOrEqual(1);
  });

  it("ranks streams by time to first chunk, not by total time", async () => {
    const { router } = createTestRouter(
      [
        deployment("gpt", "openai/quick-start", {}, { id: "quick" }),
        deployment("gpt", "openai/slow-start", {}, { id: "slow" }),
      ],
      {
        router_settings: { routing_strategy: "latency-based-routing" },
        behaviours: {
          // First chunk after 50 ms but done after 1,050 ms, against 400 ms for both.
          "openai/quick-start": { stream: { chunks: ["a", "b"], advanceAfterFirstMs: 1000 }, advanceMs: 50 },
          "openai/slow-start": { stream: { chunks: ["a"] }, advanceMs: 400 },
        },
      },
    );
    const counts = await countIds(router, 200, true);
    expect(counts.get("quick") ?? 0).toBeGreaterThan(195);
  });

  it("learns from timeouts", async () => {
    const { router, fake } = createTestRouter(
      [
        deployment("gpt", "openai/hangs", {}, { id: "hangs" }),
        deployment("gpt", "openai/fine", {}, { id: "fine" }),
      ],
      {
        router_settings: { routing_strategy: "latency-based-routing", timeout: 0.02, num_retries: 1 },
        // The hang takes 200 ms on the router's clock before the 20 ms timeout stops waiting.
        behaviours: { "openai/hangs": { advanceMs: 200, waitMs: 200 }, "openai/fine": { advanceMs: 10 } },
      },
    );
    const counts = await countIds(router, 20);
    expect(counts.get("fine")).toBe(20);
    // Once its timeout counted as a 200 ms latency, the hanging deployment is no longer tried first.
    expect(fake.countFor("openai/hangs")).toBeLessThanOrEqual(1);
  });
});
