import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  RateLimitError,
  ServiceUnavailableError,
  Timeout,
} from "../errors/index.js";
import { MemoryRouterState } from "./state/memory-state.js";
import { chatRequest, createTestRouter, deployment } from "./testing.js";

const single = [deployment("gpt", "openai/only", {}, { id: "only" })];
const failing = (error: Error, times: number) => (_params: Record<string, unknown>, index: number) =>
  index < times ? { error: error as InternalServerError } : { content: "recovered" };

describe("retries", () => {
  it("retries a retryable error num_retries times with growing, jittered backoff", async () => {
    const { router, fake, clock } = createTestRouter(single, {
      router_settings: { num_retries: 3 },
      behaviours: { "openai/only": { error: new ServiceUnavailableError({ message: "down" }) } },
    });
    const outcome = await router.route("chat", chatRequest("gpt"));
    expect(outcome.ok).toBe(false);
    expect(fake.countFor("openai/only")).toBe(4);
    expect(outcome.meta).toMatchObject({
      attemptedRetries: 3,
      maxRetries: 3,
      modelGroup: "gpt",
      deploymentId: "only",
    });
    expect(clock.sleeps).toHaveLength(3);
    const [first = 0, second = 0, third = 0] = clock.sleeps;
    expect(first).toBeGreaterThanOrEqual(375);
    expect(first).toBeLessThanOrEqual(500);
    expect(second).toBeGreaterThan(first);
    expect(third).toBeGreaterThan(second);
  });

  it("succeeds when a retry does", async () => {
    const { router } = createTestRouter(single, {
      behaviours: { "openai/only": failing(new InternalServerError({ message: "boom" }), 2) },
    });
    const outcome = await router.route("chat", chatRequest("gpt"));
    expect(outcome.ok).toBe(true);
    expect(outcome.meta.attemptedRetries).toBe(2);
  });

  it("waits at least retry-after before asking the same deployment again", async () => {
    const { router, clock } = createTestRouter(single, {
      behaviours: { "openai/only": failing(new RateLimitError({ message: "wait", retryAfter: 7 }), 1) },
    });
    expect((await router.route("chat", chatRequest("gpt"))).ok).toBe(true);
    expect(clock.sleeps).toEqual([7000]);
  });

  it("does not wait for a retry-after over a minute", async () => {
    const { router, fake, clock } = createTestRouter(single, {
      behaviours: { "openai/only": failing(new RateLimitError({ message: "wait", retryAfter: 3600 }), 1) },
    });
    expect((await router.route("chat", chatRequest("gpt"))).ok).toBe(false);
    expect(fake.countFor("openai/only")).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("does not retry a bad request", async () => {
    const { router, fake } = createTestRouter(single, {
      behaviours: { "openai/only": { error: new BadRequestError({ message: "bad" }) } },
    });
    const outcome = await router.route("chat", chatRequest("gpt"));
    expect(outcome.ok).toBe(false);
    expect(fake.countFor("openai/only")).toBe(1);
  });

  it("retries on another healthy deployment at once", async () => {
    const { router, fake, clock } = createTestRouter(
      [
        deployment("gpt", "openai/a", { order: 1 }, { id: "a" }),
        deployment("gpt", "openai/b", { order: 2 }, { id: "b" }),
      ],
      { behaviours: { "openai/a": { error: new InternalServerError({ message: "boom" }) } } },
    );
    const outcome = await router.route("chat", chatRequest("gpt"));
    expect(outcome.ok).toBe(true);
    expect(outcome.meta).toMatchObject({ deploymentId: "b", attemptedRetries: 1 });
    expect(fake.countFor("openai/a")).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("moves a 401 to another deployment but never back to the one with the bad key", async () => {
    const { router, fake } = createTestRouter(
      [deployment("gpt", "openai/a", {}, { id: "a" }), deployment("gpt", "openai/b", {}, { id: "b" })],
      {
        behaviours: {
          "openai/a": { error: new AuthenticationError({ message: "bad key" }) },
          "openai/b": { error: new AuthenticationError({ message: "bad key" }) },
        },
      },
    );
    const outcome = await router.route("chat", chatRequest("gpt"));
    expect(outcome.ok).toBe(false);
    expect(fake.countFor("openai/a") + fake.countFor("openai/b")).toBe(2);
  });

  it("follows retry_policy per error class, and model_group_retry_policy per group", async () => {
    const policy = { BadRequestErrorRetries: 0, RateLimitErrorRetries: 3, InternalServerErrorRetries: 1 };
    const { router, fake } = createTestRouter(single, {
      router_settings: { num_retries: 5, retry_policy: policy },
      behaviours: {
        "openai/only": (params) =>
          params.user === "limited"
            ? { error: new RateLimitError({ message: "slow" }) }
            : { error: new InternalServerError({ message: "boom" }) },
      },
    });
    await router.route("chat", chatRequest("gpt", { user: "limited" }));
    expect(fake.countFor("openai/only")).toBe(4);
    await router.route("chat", chatRequest("gpt"));
    expect(fake.countFor("openai/only")).toBe(6);
    const grouped = createTestRouter(single, {
      router_settings: {
        retry_policy: policy,
        model_group_retry_policy: { gpt: { InternalServerErrorRetries: 0 } },
      },
      behaviours: { "openai/only": { error: new InternalServerError({ message: "boom" }) } },
    });
    await grouped.router.route("chat", chatRequest("gpt"));
    expect(grouped.fake.countFor("openai/only")).toBe(1);
  });

  it("lets a retry_policy retry what is not retryable by default", async () => {
    const { router, fake } = createTestRouter(single, {
      router_settings: { retry_policy: { BadRequestErrorRetries: 2 } },
      behaviours: { "openai/only": { error: new BadRequestError({ message: "flaky validation" }) } },
    });
    await router.route("chat", chatRequest("gpt"));
    expect(fake.countFor("openai/only")).toBe(3);
  });

  it("takes num_retries from the request, then the deployment, then the router", async () => {
    const error = { error: new InternalServerError({ message: "boom" }) };
    const { router, fake } = createTestRouter(
      [
        deployment("gpt", "openai/a", { num_retries: 1 }, { id: "a" }),
        deployment("plain", "openai/b", {}, { id: "b" }),
      ],
      { router_settings: { num_retries: 4 }, behaviours: { "openai/a": error, "openai/b": error } },
    );
    await router.route("chat", chatRequest("gpt"));
    expect(fake.countFor("openai/a")).toBe(2);
    await router.route("chat", chatRequest("plain"));
    expect(fake.countFor("openai/b")).toBe(5);
    const outcome = await router.route("chat", chatRequest("plain", { num_retries: 0 }));
    expect(fake.countFor("openai/b")).toBe(6);
    expect(outcome.meta.maxRetries).toBe(0);
    await router.route("chat", chatRequest("plain"), { numRetries: 2 });
    expect(fake.countFor("openai/b")).toBe(9);
  });

  it("passes max_retries: 0 to the SDK and never the routing fields", async () => {
    const { router, fake } = createTestRouter([
      deployment("gpt", "openai/a", { api_key: "sk-1", rpm: 5, temperature: 0.2 }),
    ]);
    await router.route(
      "chat",
      chatRequest("gpt", { num_retries: 1, fallbacks: ["x"], timeout: 3, api_key: "client" }),
    );
    const params = fake.calls[0]?.params ?? {};
    expect(params).toMatchObject({
      model: "openai/a",
      max_retries: 0,
      api_key: "sk-1",
      temperature: 0.2,
      timeout: 3,
    });
    expect(params).not.toHaveProperty("num_retries");
    expect(params).not.toHaveProperty("fallbacks");
    expect(params).not.toHaveProperty("rpm");
  });

  it("stops retrying when the client aborts", async () => {
    const controller = new AbortController();
    const { router, fake } = createTestRouter(single, {
      behaviours: {
        "openai/only": () => {
          controller.abort();
          return { error: new InternalServerError({ message: "boom" }) };
        },
      },
    });
    const outcome = await router.route("chat", chatRequest("gpt"), { signal: controller.signal });
    expect(outcome.ok).toBe(false);
    expect(fake.countFor("openai/only")).toBe(1);
  });
});

describe("client aborts", () => {
  it("do not count against the deployment", async () => {
    const controller = new AbortController();
    const state = new MemoryRouterState();
    const { router } = createTestRouter(
      [deployment("gpt", "openai/a", {}, { id: "a" }), deployment("gpt", "openai/b", {}, { id: "b" })],
      {
        state,
        router_settings: { allowed_fails: 0 },
        behaviours: {
          "openai/a": () => {
            controller.abort();
            return { error: new InternalServerError({ message: "aborted" }) };
          },
        },
        random: () => 0,
      },
    );
    await router.route("chat", chatRequest("gpt"), { signal: controller.signal });
    const [usage] = await state.read(["a"], Math.floor(Date.UTC(2025, 0, 1) / 60_000));
    expect(usage?.cooldownUntil).toBe(0);
  });

  it("nor does a timeout the client chose, while the deployment's own timeout still does", async () => {
    const minute = Math.floor(Date.UTC(2025, 0, 1) / 60_000);
    const setup = () => {
      const state = new MemoryRouterState();
      const { router } = createTestRouter(
        [deployment("gpt", "openai/a", {}, { id: "a" }), deployment("gpt", "openai/b", {}, { id: "b" })],
        {
          state,
          router_settings: { allowed_fails: 0, num_retries: 0 },
          behaviours: { "openai/a": { error: new Timeout({ message: "slow" }) } },
          random: () => 0,
        },
      );
      return { state, router };
    };
    const chosen = setup();
    await chosen.router.route("chat", { ...chatRequest("gpt"), timeout: 0.5 });
    expect((await chosen.state.read(["a"], minute))[0]?.cooldownUntil).toBe(0);
    const own = setup();
    await own.router.route("chat", chatRequest("gpt"));
    expect((await own.state.read(["a"], minute))[0]?.cooldownUntil).toBeGreaterThan(0);
    // A stream_timeout does not bound a plain call: its timeout was the deployment's own.
    const streamOnly = setup();
    await streamOnly.router.route("chat", { ...chatRequest("gpt"), stream_timeout: 0.5 });
    expect((await streamOnly.state.read(["a"], minute))[0]?.cooldownUntil).toBeGreaterThan(0);
  });
});
