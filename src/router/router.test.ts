import { describe, expect, it } from "vitest";
import { ContextWindowExceededError, InternalServerError, RateLimitError } from "../errors/index.js";
import { Router } from "./router.js";
import { chatRequest, createTestRouter, deployment } from "./testing.js";

describe("model groups", () => {
  it("identifies deployments by model_info.id, else by a stable hash of their params", () => {
    const list = [
      deployment("gpt", "openai/a", { api_key: "sk-1" }),
      deployment("gpt", "openai/b", {}, { id: "mine" }),
    ];
    const first = createTestRouter(list).router;
    const second = createTestRouter(list).router;
    return Promise.all([first.deploymentsInfo(), second.deploymentsInfo()]).then(([one, two]) => {
      expect(one[1]?.model_info.id).toBe("mine");
      expect(one[0]?.model_info.id).toMatch(/^[0-9a-f]{32}$/);
      expect(one[0]?.model_info.id).toBe(two[0]?.model_info.id);
    });
  });

  it("routes wildcard names to the provider, with the client's model upstream", async () => {
    const { router, fake } = createTestRouter([
      deployment("openai/*", "openai/*", { api_key: "sk-openai" }),
      deployment("claude-*", "anthropic/claude-*"),
      deployment("*", "hosted_vllm/*", { api_base: "http://vllm" }),
      deployment("exact", "openai/exact-model"),
    ]);
    await router.route("chat", chatRequest("openai/gpt-4o"));
    await router.route("chat", chatRequest("claude-3-haiku"));
    await router.route("chat", chatRequest("llama-3"));
    await router.route("chat", chatRequest("exact"));
    expect(fake.calls.map((call) => call.model)).toEqual([
      "openai/gpt-4o",
      "anthropic/claude-3-haiku",
      "hosted_vllm/llama-3",
      "openai/exact-model",
    ]);
    const outcome = await router.route("chat", chatRequest("openai/gpt-4o-mini"));
    expect(outcome.meta.modelGroup).toBe("openai/gpt-4o-mini");
    expect(router.hasModel("anything")).toBe(true);
  });

  it("maps model_group_alias names onto their group, hiding hidden ones from modelNames", async () => {
    const { router, fake } = createTestRouter(
      [deployment("gpt-4o", "openai/gpt-4o"), deployment("openai/*", "openai/*")],
      {
        router_settings: {
          model_group_alias: {
            "gpt-4": "gpt-4o",
            secret: { model: "gpt-4o", hidden: true },
            mini: "openai/gpt-4o-mini",
          },
        },
      },
    );
    await router.route("chat", chatRequest("gpt-4"));
    await router.route("chat", chatRequest("secret"));
    await router.route("chat", chatRequest("mini"));
    expect(fake.calls.map((call) => call.model)).toEqual([
      "openai/gpt-4o",
      "openai/gpt-4o",
      "openai/gpt-4o-mini",
    ]);
    expect(router.modelNames()).toEqual(["gpt-4o", "openai/*", "gpt-4", "mini"]);
    expect(router.hasModel("secret")).toBe(true);
    expect(router.hasModel("nope")).toBe(false);
    expect(router.modelGroupInfo()[0]).toMatchObject({ model_group: "gpt-4o", aliases: ["gpt-4", "secret"] });
  });

  it("tries lower order first and higher only when the lower are unavailable", async () => {
    const { router, fake } = createTestRouter(
      [
        deployment("gpt", "openai/backup", { order: 2 }, { id: "backup" }),
        deployment("gpt", "openai/main-1", { order: 1 }, { id: "main-1" }),
        deployment("gpt", "openai/main-2", { order: 1 }, { id: "main-2" }),
      ],
      { behaviours: { "openai/main-2": { error: new RateLimitError({ message: "slow" }) } } },
    );
    for (let index = 0; index < 50; index++) await router.route("chat", chatRequest("gpt"));
    expect(fake.countFor("openai/backup")).toBe(0);
    expect(fake.countFor("openai/main-2")).toBe(1);
    const limited = createTestRouter(
      [
        deployment("gpt", "openai/backup", { order: 2 }, { id: "backup" }),
        deployment("gpt", "openai/main", { order: 1 }, { id: "main" }),
      ],
      { behaviours: { "openai/main": { error: new InternalServerError({ message: "down" }) } } },
    );
    expect((await limited.router.route("chat", chatRequest("gpt"))).meta.deploymentId).toBe("backup");
  });
});

describe("visibility", () => {
  it("shows deployments without api_key or any secret, with their live state", async () => {
    const { router, clock } = createTestRouter(
      [
        deployment(
          "gpt",
          "openai/a",
          {
            api_key: "sk-secret",
            api_base: "http://a",
            aws_secret_access_key: "x",
            extra_headers: { Authorization: "Bearer y" },
            max_tokens: 5,
          },
          { id: "a", max_input_tokens: 100 },
        ),
        deployment("gpt", "openai/b", {}, { id: "b" }),
      ],
      {
        behaviours: {
          "openai/a": { error: new RateLimitError({ message: "slow" }) },
          "openai/b": { advanceMs: 25 },
        },
      },
    );
    await router.route("chat", chatRequest("gpt"));
    await router.route("chat", chatRequest("gpt"));
    const info = await router.deploymentsInfo();
    expect(JSON.stringify(info)).not.toMatch(/sk-secret|Bearer|aws_secret/);
    expect(info[0]).toMatchObject({
      model_name: "gpt",
      litellm_params: { model: "openai/a", api_base: "http://a", max_tokens: 5 },
      model_info: { id: "a", max_input_tokens: 100, litellm_provider: "openai" },
      state: { in_flight: 0 },
    });
    expect(info[0]?.state.cooldown_until).toBeGreaterThan(clock.now());
    expect(info[1]?.state).toEqual({ cooldown_until: null, in_flight: 0, latency_ms: 25 });
    expect(router.modelGroupInfo()).toEqual([
      expect.objectContaining({
        model_group: "gpt",
        providers: ["openai"],
        deployment_ids: ["a", "b"],
        max_input_tokens: 100,
      }),
    ]);
  });
});

describe("pre-call checks", () => {
  const long = "word ".repeat(400);
  const list = [
    deployment("gpt", "openai/small", {}, { id: "small", max_input_tokens: 100 }),
    deployment("gpt", "openai/large", {}, { id: "large", max_input_tokens: 100_000 }),
    deployment("tiny", "openai/tiny", {}, { id: "tiny", max_input_tokens: 50 }),
    deployment("huge", "openai/huge"),
  ];

  it("skips deployments whose context window is too small for the prompt", async () => {
    const { router, fake } = createTestRouter(list, { router_settings: { enable_pre_call_checks: true } });
    for (let index = 0; index < 20; index++)
      await router.route("chat", chatRequest("gpt", { messages: [{ role: "user", content: long }] }));
    expect(fake.countFor("openai/small")).toBe(0);
    for (let index = 0; index < 20; index++) await router.route("chat", chatRequest("gpt"));
    expect(fake.countFor("openai/small")).toBeGreaterThan(0);
  });

  it("answers a context window error, which context_window_fallbacks catch", async () => {
    const { router, fake } = createTestRouter(list, {
      router_settings: { enable_pre_call_checks: true, context_window_fallbacks: [{ tiny: ["huge"] }] },
    });
    const outcome = await router.route(
      "chat",
      chatRequest("tiny", { messages: [{ role: "user", content: long }] }),
    );
    expect(outcome.meta.modelGroup).toBe("huge");
    expect(fake.countFor("openai/tiny")).toBe(0);
    const plain = createTestRouter(list, { router_settings: { enable_pre_call_checks: true } });
    const refused = await plain.router.route(
      "chat",
      chatRequest("tiny", { messages: [{ role: "user", content: long }] }),
    );
    if (refused.ok) throw new Error("expected a refusal");
    expect(refused.error).toBeInstanceOf(ContextWindowExceededError);
  });
});

describe("SDK-style methods", () => {
  it("returns the response, throws the error, and embeds", async () => {
    const { router } = createTestRouter(
      [deployment("gpt", "openai/a"), deployment("bad", "openai/bad"), deployment("embed", "openai/embed")],
      {
        behaviours: { "openai/bad": { error: new InternalServerError({ message: "down" }) } },
        router_settings: { num_retries: 0 },
      },
    );
    const response = await router.completion(chatRequest("gpt"));
    expect(response.choices[0]?.message.content).toBe("ok from openai/a");
    await expect(router.completion(chatRequest("bad"))).rejects.toBeInstanceOf(InternalServerError);
    expect(await router.textCompletion({ model: "gpt", prompt: "hi" })).toHaveProperty("choices");
    expect(await router.embedding({ model: "embed", input: "hi" })).toHaveProperty("object");
  });

  it("takes a hand-written config and chooses memory state without Redis settings", async () => {
    const router = new Router(
      { model_list: [{ model_name: "m", litellm_params: { model: "openai/m", mock_response: "hi" } }] },
      { env: {} },
    );
    const response = await router.completion({ model: "m", messages: [{ role: "user", content: "x" }] });
    expect(response.choices[0]?.message.content).toBe("hi");
    await router.close();
  });
});

describe("health checks", () => {
  it("sends a tiny request per deployment and reports each error, without secrets", async () => {
    const { router, fake } = createTestRouter(
      [
        deployment("gpt", "openai/a", { api_key: "sk-secret" }),
        deployment("gpt", "openai/b"),
        deployment("embed", "openai/e", {}, { mode: "embedding" }),
        deployment("openai/*", "openai/*"),
      ],
      { behaviours: { "openai/b": { error: new InternalServerError({ message: "down" }) } } },
    );
    const report = await router.healthCheck();
    expect(report.healthy_endpoints.map((endpoint) => endpoint.model)).toEqual(["openai/a", "openai/e"]);
    expect(report.unhealthy_endpoints).toEqual([
      expect.objectContaining({ model: "openai/b", error: "down", status: 500 }),
    ]);
    expect(JSON.stringify(report)).not.toContain("sk-secret");
    expect(fake.calls.find((call) => call.model === "openai/a")?.params).toMatchObject({
      max_tokens: 1,
      api_key: "sk-secret",
    });
    expect(fake.calls.find((call) => call.model === "openai/e")?.operation).toBe("embeddings");
  });
});
