import { describe, expect, it } from "vitest";
import {
  BadRequestError,
  ContentPolicyViolationError,
  ContextWindowExceededError,
  InternalServerError,
} from "../errors/index.js";
import { chatRequest, createTestRouter, deployment } from "./testing.js";

const down = { error: new InternalServerError({ message: "down" }) };
const groups = [
  deployment("primary", "openai/primary", {}, { id: "primary" }),
  deployment("backup", "openai/backup", {}, { id: "backup" }),
  deployment("big", "openai/big", {}, { id: "big" }),
  deployment("safe", "openai/safe", {}, { id: "safe" }),
  deployment("last", "openai/last", {}, { id: "last" }),
];

describe("fallbacks", () => {
  it("falls back to the configured group after the retries", async () => {
    const { router, fake } = createTestRouter(groups, {
      router_settings: { num_retries: 1, fallbacks: [{ primary: ["backup"] }] },
      behaviours: { "openai/primary": down },
    });
    const outcome = await router.route("chat", chatRequest("primary"));
    expect(outcome.ok).toBe(true);
    expect(fake.countFor("openai/primary")).toBe(2);
    expect(outcome.meta).toMatchObject({
      modelGroup: "backup",
      deploymentId: "backup",
      attemptedFallbacks: 1,
      attemptedRetries: 1,
    });
  });

  it("uses default_fallbacks for a group without its own, and litellm_settings fallbacks too", async () => {
    const { router } = createTestRouter(groups, {
      router_settings: { default_fallbacks: ["last"] },
      litellm_settings: { fallbacks: [{ backup: ["safe"] }] },
      behaviours: { "openai/primary": down, "openai/backup": down },
    });
    expect((await router.route("chat", chatRequest("primary"))).meta.modelGroup).toBe("last");
    expect((await router.route("chat", chatRequest("backup"))).meta.modelGroup).toBe("safe");
  });

  it("sends a context window error to context_window_fallbacks", async () => {
    const { router } = createTestRouter(groups, {
      router_settings: {
        fallbacks: [{ primary: ["backup"] }],
        context_window_fallbacks: [{ primary: ["big"] }],
      },
      behaviours: { "openai/primary": { error: new ContextWindowExceededError({ message: "too long" }) } },
    });
    const outcome = await router.route("chat", chatRequest("primary"));
    expect(outcome.meta).toMatchObject({ modelGroup: "big", attemptedRetries: 0, attemptedFallbacks: 1 });
  });

  it("sends a content policy violation to content_policy_fallbacks", async () => {
    const { router } = createTestRouter(groups, {
      router_settings: { content_policy_fallbacks: [{ primary: ["safe"] }] },
      behaviours: { "openai/primary": { error: new ContentPolicyViolationError({ message: "no" }) } },
    });
    expect((await router.route("chat", chatRequest("primary"))).meta.modelGroup).toBe("safe");
  });

  it("prefers the request's own fallbacks (body, then context)", async () => {
    const { router } = createTestRouter(groups, {
      router_settings: { fallbacks: [{ primary: ["backup"] }] },
      behaviours: { "openai/primary": down },
    });
    expect(
      (await router.route("chat", chatRequest("primary", { fallbacks: ["safe"] }))).meta.modelGroup,
    ).toBe("safe");
    const outcome = await router.route("chat", chatRequest("primary", { fallbacks: ["safe"] }), {
      fallbacks: ["last"],
    });
    expect(outcome.meta.modelGroup).toBe("last");
  });

  it("tries each group once: a loop of fallbacks ends with the first error", async () => {
    const { router, fake } = createTestRouter(groups, {
      router_settings: {
        num_retries: 0,
        fallbacks: [
          { primary: ["backup", "primary"] },
          { backup: ["primary", "safe"] },
          { safe: ["backup"] },
        ],
      },
      behaviours: { "openai/primary": down, "openai/backup": down, "openai/safe": down },
    });
    const outcome = await router.route("chat", chatRequest("primary"));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.message).toBe("down");
    expect(fake.calls.map((call) => call.model)).toEqual(["openai/primary", "openai/backup", "openai/safe"]);
    expect(outcome.meta.attemptedFallbacks).toBe(2);
  });

  it("stops at max_fallbacks and skips unknown fallback groups", async () => {
    const { router, fake } = createTestRouter(groups, {
      router_settings: {
        num_retries: 0,
        max_fallbacks: 1,
        fallbacks: [{ primary: ["nope", "backup", "safe"] }],
      },
      behaviours: { "openai/primary": down, "openai/backup": down },
    });
    const outcome = await router.route("chat", chatRequest("primary"));
    expect(outcome.ok).toBe(false);
    expect(fake.countFor("openai/safe")).toBe(0);
  });

  it("does not fall back on a plain bad request", async () => {
    const { router, fake } = createTestRouter(groups, {
      router_settings: { fallbacks: [{ primary: ["backup"] }] },
      behaviours: { "openai/primary": { error: new BadRequestError({ message: "bad param" }) } },
    });
    expect((await router.route("chat", chatRequest("primary"))).ok).toBe(false);
    expect(fake.countFor("openai/backup")).toBe(0);
  });

  it("answers an unknown model with a 400 and no call", async () => {
    const { router, fake } = createTestRouter(groups);
    const outcome = await router.route("chat", chatRequest("missing"));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error.status).toBe(400);
    expect(outcome.meta.modelGroup).toBeUndefined();
    expect(fake.calls).toHaveLength(0);
  });
});
