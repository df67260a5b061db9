import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from "../errors/index.js";
import { MemoryRouterState } from "./state/memory-state.js";
import { chatRequest, createTestRouter, deployment } from "./testing.js";

const pair = [deployment("gpt", "openai/a", {}, { id: "a" }), deployment("gpt", "openai/b", {}, { id: "b" })];
const minute = Math.floor(Date.UTC(2025, 0, 1) / 60_000);

async function cooldownOf(state: MemoryRouterState, id: string) {
  const [usage] = await state.read([id], minute);
  return usage?.cooldownUntil ?? 0;
}

describe("cooldowns", () => {
  it("cools a deployment down after more than allowed_fails failures in a minute", async () => {
    const state = new MemoryRouterState();
    const { router, clock } = createTestRouter(pair, {
      state,
      router_settings: {
        allowed_fails: 2,
        cooldown_time: 30,
        num_retries: 0,
        routing_strategy: "least-busy",
      },
      behaviours: { "openai/a": { error: new InternalServerError({ message: "boom" }) } },
    });
    const failuresOfA = async (count: number) => {
      for (let sent = 0; sent < count; )
        if ((await router.route("chat", chatRequest("gpt"))).meta.deploymentId === "a") sent++;
    };
    await failuresOfA(2);
    expect(await cooldownOf(state, "a")).toBe(0);
    await failuresOfA(1);
    expect(await cooldownOf(state, "a")).toBe(clock.now() + 30_000);
  });

  it("forgets failures of an earlier minute", async () => {
    const state = new MemoryRouterState();
    const { router, clock, fake } = createTestRouter(
      [deployment("gpt", "openai/a", {}, { id: "a" }), deployment("gpt", "openai/b", {}, { id: "b" })],
      {
        state,
        // The first of the tied deployments: `a` both times.
        random: () => 0.99,
        router_settings: { allowed_fails: 1, num_retries: 0, routing_strategy: "cost-based-routing" },
        behaviours: { "openai/a": { error: new InternalServerError({ message: "boom" }) } },
      },
    );
    await router.route("chat", chatRequest("gpt"));
    clock.advance(60_000);
    await router.route("chat", chatRequest("gpt"));
    expect(fake.countFor("openai/a")).toBe(2);
    const [usage] = await state.read(["a"], minute + 1);
    expect(usage?.cooldownUntil).toBe(0);
  });

  it.each([
    ["429", new RateLimitError({ message: "slow" })],
    ["401", new AuthenticationError({ message: "key" })],
    ["404", new NotFoundError({ message: "model" })],
  ])("cools down at once on a %s", async (_, error) => {
    const state = new MemoryRouterState();
    const { router, clock } = createTestRouter(pair, {
      state,
      router_settings: { routing_strategy: "cost-based-routing" },
      behaviours: { "openai/a": { error } },
    });
    const outcome = await router.route("chat", chatRequest("gpt"));
    expect(outcome.meta.deploymentId).not.toBe(undefined);
    const until = (await cooldownOf(state, "a")) || (await cooldownOf(state, "b"));
    expect(until).toBe(clock.now() + 5000);
  });

  it("cools down for retry-after when the upstream asked for longer", async () => {
    const state = new MemoryRouterState();
    const { router, clock } = createTestRouter(pair, {
      state,
      router_settings: { routing_strategy: "cost-based-routing" },
      behaviours: {
        "openai/a": { error: new RateLimitError({ message: "slow", retryAfter: 42 }) },
        "openai/b": { error: new RateLimitError({ message: "slow", retryAfter: 42 }) },
      },
    });
    await router.route("chat", chatRequest("gpt"));
    expect(await cooldownOf(state, "a")).toBe(clock.now() + 42_000);
  });

  it("does not count client errors", async () => {
    const state = new MemoryRouterState();
    const { router } = createTestRouter(pair, {
      state,
      router_settings: { allowed_fails: 0 },
      behaviours: {
        "openai/a": { error: new BadRequestError({ message: "bad" }) },
        "openai/b": { error: new BadRequestError({ message: "bad" }) },
      },
    });
    for (let index = 0; index < 5; index++) await router.route("chat", chatRequest("gpt"));
    expect(await cooldownOf(state, "a")).toBe(0);
    expect(await cooldownOf(state, "b")).toBe(0);
  });

  it("never cools down a group's only deployment", async () => {
    const state = new MemoryRouterState();
    const { router, fake } = createTestRouter([deployment("solo", "openai/solo", {}, { id: "solo" })], {
      state,
      router_settings: { num_retries: 0 },
      behaviours: { "openai/solo": { error: new RateLimitError({ message: "slow" }) } },
    });
    for (let index = 0; index < 5; index++) await router.route("chat", chatRequest("solo"));
    expect(fake.countFor("openai/solo")).toBe(5);
    expect(await cooldownOf(state, "solo")).toBe(0);
  });

  it("answers 429 naming the group and when it comes back when every deployment cools down", async () => {
    const error = { error: new RateLimitError({ message: "slow" }) };
    const { router, fake, clock } = createTestRouter(pair, {
      router_settings: { cooldown_time: 30 },
      behaviours: { "openai/a": error, "openai/b": error },
    });
    await router.route("chat", chatRequest("gpt"));
    expect(fake.calls).toHaveLength(2);
    clock.advance(10_000);
    const outcome = await router.route("chat", chatRequest("gpt"));
    expect(fake.calls).toHaveLength(2);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.status).toBe(429);
    expect(outcome.error.retryAfter).toBe(20);
    expect(outcome.error.message).toContain('model group "gpt"');
    expect(outcome.error.message).toContain("cooling down");
    expect(outcome.error.message).toContain("20s");
    expect(outcome.error.message).toContain(new Date(clock.now() + 20_000).toISOString());
    clock.advance(20_000);
    await router.route("chat", chatRequest("gpt"));
    expect(fake.calls.length).toBeGreaterThan(2);
  });

  it("falls back when every deployment cools down", async () => {
    const error = { error: new RateLimitError({ message: "slow" }) };
    const { router } = createTestRouter([...pair, deployment("backup", "openai/backup")], {
      router_settings: { fallbacks: [{ gpt: ["backup"] }] },
      behaviours: { "openai/a": error, "openai/b": error },
    });
    expect((await router.route("chat", chatRequest("gpt"))).meta.modelGroup).toBe("backup");
    expect((await router.route("chat", chatRequest("gpt"))).meta).toMatchObject({
      modelGroup: "backup",
      attemptedRetries: 0,
    });
  });

  it("keeps every deployment in when disable_cooldowns is set", async () => {
    const state = new MemoryRouterState();
    const { router } = createTestRouter(pair, {
      state,
      router_settings: { disable_cooldowns: true },
      behaviours: { "openai/a": { error: new RateLimitError({ message: "slow" }) } },
    });
    for (let index = 0; index < 5; index++) await router.route("chat", chatRequest("gpt"));
    expect(await cooldownOf(state, "a")).toBe(0);
  });
});
