import { describe, expect, it } from "vitest";
import { MemoryRouterState } from "../state/memory-state.js";
import { chatRequest, createTestRouter, deployment } from "../testing.js";

describe("least-busy", () => {
  it("keeps in-flight requests balanced over 1,000 overlapping requests", async () => {
    const state = new MemoryRouterState();
    const pending: (() => void)[] = [];
    const hold = () =>
      new Promise<{ content: string }>((resolve) => pending.push(() => resolve({ content: "ok" })));
    const { router } = createTestRouter(
      [
        deployment("gpt", "openai/a", {}, { id: "a" }),
        deployment("gpt", "openai/b", {}, { id: "b" }),
        deployment("gpt", "openai/c", {}, { id: "c" }),
      ],
      {
        router_settings: { routing_strategy: "least-busy" },
        behaviours: { "openai/a": hold, "openai/b": hold, "openai/c": hold },
        state,
      },
    );
    const inFlight = async () => (await state.read(["a", "b", "c"], 0)).map((usage) => usage.inFlight);
    const running: Promise<unknown>[] = [];
    let worstSpread = 0;
    for (let index = 0; index < 1000; index++) {
      running.push(router.route("chat", chatRequest("gpt")));
      await new Promise((resolve) => setImmediate(resolve));
      // Finish a random-ish earlier request now and then, so the counts move.
      if (index % 3 === 2) pending.splice((index * 7) % pending.length, 1)[0]?.();
      await new Promise((resolve) => setImmediate(resolve));
      const counts = await inFlight();
      worstSpread = Math.max(worstSpread, Math.max(...counts) - Math.min(...counts));
    }
    for (const finish of pending.splice(0)) finish();
    await Promise.all(running);
    expect(worstSpread).toBeLessThanOrEqual(2);
    expect(await inFlight()).toEqual([0, 0, 0]);
  });

  it("sends a lone request to the idle deployment", async () => {
    const state = new MemoryRouterState();
    const { router } = createTestRouter(
      [deployment("gpt", "openai/a", {}, { id: "a" }), deployment("gpt", "openai/b", {}, { id: "b" })],
      { router_settings: { routing_strategy: "least-busy" }, state },
    );
    const minute = Math.floor(Date.UTC(2025, 0, 1) / 60_000);
    await state.startRequest("a", minute);
    for (let index = 0; index < 20; index++) {
      expect((await router.route("chat", chatRequest("gpt"))).meta.deploymentId).toBe("b");
    }
  });
});
