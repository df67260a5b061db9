import { describe, expect, it } from "vitest";
import { chatRequest, createTestRouter, deployment } from "../testing.js";

async function distribution(router: ReturnType<typeof createTestRouter>["router"], requests: number) {
  const counts = new Map<string, number>();
  for (let index = 0; index < requests; index++) {
    const outcome = await router.route("chat", chatRequest("gpt"));
    const id = outcome.meta.deploymentId ?? "none";
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

describe("simple-shuffle", () => {
  it("spreads 1,000 requests by weight, within a few percent", async () => {
    const { router } = createTestRouter([
      deployment("gpt", "openai/a", { weight: 1 }, { id: "a" }),
      deployment("gpt", "openai/b", { weight: 2 }, { id: "b" }),
      deployment("gpt", "openai/c", { weight: 7 }, { id: "c" }),
    ]);
    const counts = await distribution(router, 1000);
    expect(Math.abs((counts.get("a") ?? 0) - 100)).toBeLessThan(30);
    expect(Math.abs((counts.get("b") ?? 0) - 200)).toBeLessThan(40);
    expect(Math.abs((counts.get("c") ?? 0) - 700)).toBeLessThan(40);
  });

  it("weighs by rpm when no weight is set, else by tpm", async () => {
    const byRpm = createTestRouter([
      deployment("gpt", "openai/a", { rpm: 100 }, { id: "a" }),
      deployment("gpt", "openai/b", { rpm: 300 }, { id: "b" }),
    ]);
    const rpmCounts = await distribution(byRpm.router, 1000);
    expect(Math.abs((rpmCounts.get("b") ?? 0) - 750)).toBeLessThan(40);
    const byTpm = createTestRouter([
      deployment("gpt", "openai/a", { tpm: 9000 }, { id: "a" }),
      deployment("gpt", "openai/b", { tpm: 1000 }, { id: "b" }),
    ]);
    const tpmCounts = await distribution(byTpm.router, 1000);
    expect(Math.abs((tpmCounts.get("a") ?? 0) - 900)).toBeLessThan(30);
  });

  it("spreads uniformly without weights", async () => {
    const { router } = createTestRouter([
      deployment("gpt", "openai/a", {}, { id: "a" }),
      deployment("gpt", "openai/b", {}, { id: "b" }),
      deployment("gpt", "openai/c", {}, { id: "c" }),
    ]);
    const counts = await distribution(router, 1200);
    for (const id of ["a", "b", "c"]) expect(Math.abs((counts.get(id) ?? 0) - 400)).toBeLessThan(50);
  });

  it("never picks a deployment of weight 0 while another has weight", async () => {
    const { router } = createTestRouter([
      deployment("gpt", "openai/a", { weight: 0 }, { id: "a" }),
      deployment("gpt", "openai/b", { weight: 1 }, { id: "b" }),
    ]);
    const counts = await distribution(router, 200);
    expect(counts.get("a")).toBeUndefined();
  });
});
