import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { RateLimitError } from "../../errors/index.js";
import { chatRequest, createTestRouter, deployment, silentLogger } from "../testing.js";
import { createRouterState } from "./create-state.js";
import { MemoryRouterState } from "./memory-state.js";
import { RedisRouterState } from "./redis-state.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const opened: RedisRouterState[] = [];

function redisState(keyPrefix: string): RedisRouterState {
  const state = new RedisRouterState({ url: REDIS_URL, keyPrefix, logger: silentLogger });
  opened.push(state);
  return state;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((state) => state.close()));
});

describe("Redis router state", () => {
  it("counts atomically: requests, in-flight, tokens, failures and cooldowns", async () => {
    const state = redisState(`llmgate-test:${randomUUID()}:`);
    const counts = await Promise.all(Array.from({ length: 50 }, () => state.startRequest("d", 7)));
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
    await state.cancelRequest("d", 7);
    await state.endRequest("d");
    await state.addTokens("d", 7, 120);
    expect(await state.recordFailure("d", 7)).toBe(1);
    expect(await state.recordFailure("d", 7)).toBe(2);
    await state.setCooldown("d", Date.now() + 60_000, Date.now());
    const [usage, other] = await state.read(["d", "other"], 7);
    expect(usage).toMatchObject({ inFlight: 48, requests: 49, tokens: 120 });
    expect(usage?.cooldownUntil).toBeGreaterThan(Date.now());
    expect(other).toEqual({ cooldownUntil: 0, inFlight: 0, requests: 0, tokens: 0 });
  });

  it("lets two routers share cooldowns", async () => {
    const prefix = `llmgate-test:${randomUUID()}:`;
    const list = [
      deployment("gpt", "openai/a", {}, { id: "a" }),
      deployment("gpt", "openai/b", {}, { id: "b" }),
    ];
    const limited = { "openai/a": { error: new RateLimitError({ message: "slow" }) } };
    const first = createTestRouter(list, {
      state: redisState(prefix),
      behaviours: limited,
      router_settings: { cooldown_time: 60 },
    });
    const second = createTestRouter(list, {
      state: redisState(prefix),
      router_settings: { routing_strategy: "cost-based-routing" },
    });
    for (let index = 0; index < 10 && first.fake.countFor("openai/a") === 0; index++)
      await first.router.route("chat", chatRequest("gpt"));
    expect(first.fake.countFor("openai/a")).toBe(1);
    for (let index = 0; index < 20; index++) await second.router.route("chat", chatRequest("gpt"));
    expect(second.fake.countFor("openai/a")).toBe(0);
    const [info] = await second.router.deploymentsInfo();
    expect(info?.state.cooldown_until).toBeGreaterThan(second.clock.now());
  });

  it("lets two routers share usage: together they never exceed a deployment's rpm", async () => {
    const prefix = `llmgate-test:${randomUUID()}:`;
    const list = [
      deployment("gpt", "openai/a", { rpm: 30 }, { id: "a" }),
      deployment("gpt", "openai/b", { rpm: 20 }, { id: "b" }),
    ];
    const settings = { routing_strategy: "usage-based-routing", num_retries: 0 };
    const first = createTestRouter(list, { state: redisState(prefix), router_settings: settings });
    const second = createTestRouter(list, { state: redisState(prefix), router_settings: settings });
    const outcomes = await Promise.all(
      Array.from({ length: 80 }, (_, index) =>
        (index % 2 === 0 ? first : second).router.route("chat", chatRequest("gpt")),
      ),
    );
    const sent = (model: string) => first.fake.countFor(model) + second.fake.countFor(model);
    expect(sent("openai/a")).toBe(30);
    expect(sent("openai/b")).toBe(20);
    expect(outcomes.filter((outcome) => !outcome.ok)).toHaveLength(30);
  });

  it("is chosen by redis_url, redis_host or REDIS_URL, else memory", async () => {
    expect(createRouterState({}, {}, silentLogger)).toBeInstanceOf(MemoryRouterState);
    // An empty REDIS_URL is unset (as redisUrlOf and the cache settings read it), not localhost.
    expect(createRouterState({}, { REDIS_URL: "" }, silentLogger)).toBeInstanceOf(MemoryRouterState);
    const fromEnv = createRouterState({}, { REDIS_URL }, silentLogger);
    const fromHost = createRouterState({ redis_host: "127.0.0.1", redis_port: 6379 }, {}, silentLogger);
    expect(fromEnv).toBeInstanceOf(RedisRouterState);
    expect(fromHost).toBeInstanceOf(RedisRouterState);
    expect(await fromHost.read(["x"], 1)).toHaveLength(1);
    await fromEnv.close();
    await fromHost.close();
  });
});
