/**
 * Failover through the real CLI: connection refused, resets, 5xx, hangs, fallbacks and the
 * per-request routing overrides. Every request gets a success from some deployment or one clear error;
 * each fake upstream's attempt count is checked.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeUpstream } from "../fakes/upstream.js";
import {
  apiErrorOf,
  attempts,
  chatBody,
  completionBody,
  type DeploymentSpec,
  REFUSED_BASE,
  type RouterProxy,
  settledInFlight,
  startRouterProxy,
  startUpstreams,
} from "./router-helpers.js";

let gateway: RouterProxy;
let a: FakeUpstream;
let b: FakeUpstream;
let c: FakeUpstream;

const CONTEXT_ERROR = {
  error: {
    message:
      "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
    type: "invalid_request_error",
    param: "messages",
    code: "context_length_exceeded",
  },
};

/** A group of two: `first` is always tried first (order 1), `second` only when the first failed. */
function ordered(group: string, first: string, second: string, params: Record<string, unknown> = {}) {
  return [
    { group, apiBase: first, id: `${group}-first`, params: { order: 1, ...params } },
    { group, apiBase: second, id: `${group}-second`, params: { order: 2, ...params } },
  ] satisfies DeploymentSpec[];
}

beforeAll(async () => {
  const [first, second, third] = await startUpstreams(3);
  if (first === undefined || second === undefined || third === undefined) {
    throw new Error("upstreams did not start");
  }
  [a, b, c] = [first, second, third];
  gateway = await startRouterProxy({
    deployments: [
      { group: "refused", apiBase: REFUSED_BASE, id: "refused-dead" },
      { group: "refused", apiBase: a.baseUrl, id: "refused-live" },
      ...ordered("refused-first", REFUSED_BASE, a.baseUrl),
      ...ordered("reset", a.baseUrl, b.baseUrl),
      ...ordered("server-error", a.baseUrl, b.baseUrl),
      ...ordered("unavailable", a.baseUrl, b.baseUrl),
      ...ordered("all-fail", a.baseUrl, b.baseUrl, { num_retries: 1 }),
      ...ordered("hang", a.baseUrl, b.baseUrl, { timeout: 1 }),
      { group: "primary", apiBase: a.baseUrl, id: "primary-only", params: { num_retries: 0 } },
      { group: "backup", apiBase: b.baseUrl, id: "backup-only" },
      { group: "lonely", apiBase: a.baseUrl, id: "lonely-only", params: { num_retries: 0 } },
      { group: "spare", apiBase: c.baseUrl, id: "spare-only" },
      { group: "small-context", apiBase: a.baseUrl, id: "small-only" },
      { group: "large-context", apiBase: b.baseUrl, id: "large-only" },
      ...ordered("x-llmgate-num-retries", a.baseUrl, b.baseUrl),
      ...ordered("x-litellm-num-retries", a.baseUrl, b.baseUrl),
      ...ordered("one-retry", a.baseUrl, b.baseUrl),
      ...ordered("body-timeout", a.baseUrl, b.baseUrl),
      { group: "solo-hang", apiBase: a.baseUrl, id: "solo-hang-only" },
      { group: "chaos", apiBase: a.baseUrl, id: "chaos-a" },
      { group: "chaos", apiBase: b.baseUrl, id: "chaos-b" },
      { group: "chaos", apiBase: c.baseUrl, id: "chaos-c" },
      ...ordered("sized", a.baseUrl, b.baseUrl).map((spec, index) => ({
        ...spec,
        modelInfo: { max_input_tokens: index === 0 ? 20 : 100_000 },
      })),
      { group: "tiny", apiBase: a.baseUrl, id: "tiny-only", modelInfo: { max_input_tokens: 5 } },
    ],
    routerSettings: {
      fallbacks: [{ primary: ["backup"] }],
      context_window_fallbacks: [{ "small-context": ["large-context"] }, { tiny: ["large-context"] }],
      enable_pre_call_checks: true,
    },
  });
}, 30_000);

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([a, b, c].map((upstream) => upstream?.close()));
});

beforeEach(() => {
  for (const upstream of [a, b, c]) {
    upstream.clear();
    upstream.setDefault({ kind: "default" });
  }
});

describe("failover to another deployment of the group", () => {
  it("answers every request when one of two deployments refuses connections", async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        gateway.client.chat.completions.create(chatBody("refused", `request ${index}`)),
      ),
    );
    expect(answers.map((answer) => answer.choices[0]?.message.content)).toEqual(
      Array.from({ length: 10 }, (_, index) => `echo: request ${index}`),
    );
    expect(attempts(a)).toBe(10);
  });

  it("retries a refused connection on the other deployment and says so in the headers", async () => {
    const { data, response } = await gateway.client.chat.completions
      .create(chatBody("refused-first"))
      .withResponse();
    expect(data.choices[0]?.message.content).toBe("echo: hello");
    expect(response.headers.get("x-llmgate-model-id")).toBe("refused-first-second");
    expect(response.headers.get("x-llmgate-attempted-retries")).toBe("1");
    expect(attempts(a)).toBe(1);
  });

  it("retries a connection reset at once on the other deployment", async () => {
    a.script({ kind: "reset" });
    const answer = await gateway.client.chat.completions.create(chatBody("reset"));
    expect(answer.choices[0]?.message.content).toBe("echo: hello");
    expect([attempts(a), attempts(b)]).toEqual([1, 1]);
  });

  it("retries a response cut off half way through its body on the other deployment", async () => {
    a.script({
      kind: "stream",
      headers: { "content-type": "application/json" },
      chunks: ['{"id":"chatcmpl-cut","object":"chat.completion","choices":[{"index":0,"mess'],
      dieAfter: 1,
    });
    const answer = await gateway.client.chat.completions.create(chatBody("reset", "cut"));
    expect(answer.choices[0]?.message.content).toBe("echo: cut");
    expect([attempts(a), attempts(b)]).toEqual([1, 1]);
  });

  it.each([
    ["server-error", 500],
    ["unavailable", 503],
  ])("retries a %s (%i) on the other deployment", async (group, status) => {
    a.script({ kind: "error", status });
    const { data, response } = await gateway.client.chat.completions.create(chatBody(group)).withResponse();
    expect(data.choices[0]?.message.content).toBe("echo: hello");
    expect(response.headers.get("x-llmgate-model-id")).toBe(`${group}-second`);
    expect(response.headers.get("x-llmgate-attempted-retries")).toBe("1");
    expect([attempts(a), attempts(b)]).toEqual([1, 1]);
  });

  it("answers one clear error when every deployment fails, each tried once", async () => {
    a.setDefault({ kind: "error", status: 500 });
    b.setDefault({ kind: "error", status: 503 });
    const error = await apiErrorOf(gateway.client.chat.completions.create(chatBody("all-fail")));
    expect(error.status).toBe(503);
    expect(error.headers?.get("x-llmgate-model-group")).toBe("all-fail");
    expect(error.headers?.get("x-llmgate-attempted-retries")).toBe("1");
    expect(error.headers?.get("x-llmgate-max-retries")).toBe("1");
    expect([attempts(a), attempts(b)]).toEqual([1, 1]);
  });

  it("gives up on a hanging deployment after its timeout and answers from the other", async () => {
    a.script({ kind: "hang" });
    const startedAt = Date.now();
    const { data, response } = await gateway.client.chat.completions.create(chatBody("hang")).withResponse();
    const elapsed = Date.now() - startedAt;
    expect(data.choices[0]?.message.content).toBe("echo: hello");
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(3000);
    expect(response.headers.get("x-llmgate-model-id")).toBe("hang-second");
    expect(response.headers.get("x-llmgate-timeout")).toBe("1");
    expect([attempts(a), attempts(b)]).toEqual([1, 1]);
    await a.waitForAborted(1);
  });
});

describe("fallbacks to other model groups", () => {
  it("falls back to the configured group when the group fails", async () => {
    a.script({ kind: "error", status: 500 });
    const { data, response } = await gateway.client.chat.completions
      .create(chatBody("primary"))
      .withResponse();
    expect(data.choices[0]?.message.content).toBe("echo: hello");
    expect(response.headers.get("x-llmgate-model-group")).toBe("backup");
    expect(response.headers.get("x-llmgate-model-id")).toBe("backup-only");
    expect(response.headers.get("x-llmgate-attempted-fallbacks")).toBe("1");
    expect([attempts(a), attempts(b)]).toEqual([1, 1]);
    expect(b.requests[0]?.body).toMatchObject({ model: "backup-upstream" });
  });

  it("falls back to the groups a request names in its `fallbacks` field, never sending the field upstream", async () => {
    a.script({ kind: "error", status: 503 });
    const response = await gateway.post(
      "/v1/chat/completions",
      chatBody("lonely", "hi", { fallbacks: ["spare"] }),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe("echo: hi");
    expect(response.headers.get("x-llmgate-model-group")).toBe("spare");
    expect(response.headers.get("x-llmgate-attempted-fallbacks")).toBe("1");
    expect([attempts(a), attempts(c)]).toEqual([1, 1]);
    expect(c.requests[0]?.body).not.toHaveProperty("fallbacks");
  });

  it("without fallbacks, a failing group answers its error once", async () => {
    a.script({ kind: "error", status: 503 });
    const error = await apiErrorOf(gateway.client.chat.completions.create(chatBody("lonely")));
    expect(error.status).toBe(503);
    expect(error.headers?.get("x-llmgate-attempted-fallbacks")).toBe("0");
    expect(attempts(a)).toBe(1);
    expect(attempts(c)).toBe(0);
  });

  it("moves a prompt too long for the group to its context_window_fallbacks, without retrying the 400", async () => {
    a.script({ kind: "error", status: 400, body: CONTEXT_ERROR });
    const { data, response } = await gateway.client.chat.completions
      .create(chatBody("small-context", "long prompt"))
      .withResponse();
    expect(data.choices[0]?.message.content).toBe("echo: long prompt");
    expect(response.headers.get("x-llmgate-model-group")).toBe("large-context");
    expect(response.headers.get("x-llmgate-attempted-retries")).toBe("0");
    expect([attempts(a), attempts(b)]).toEqual([1, 1]);
  });

  it("answers a plain 400 as it is: no retry, no fallback", async () => {
    a.script({ kind: "error", status: 400 });
    const error = await apiErrorOf(gateway.client.chat.completions.create(chatBody("primary")));
    expect(error.status).toBe(400);
    expect([attempts(a), attempts(b)]).toEqual([1, 0]);
  });
});

describe("per-request routing headers", () => {
  it.each(["x-llmgate-num-retries", "x-litellm-num-retries"])(
    "%s: 0 makes one attempt only",
    async (header) => {
      a.setDefault({ kind: "error", status: 500 });
      const response = await gateway.post("/v1/chat/completions", chatBody(header), { [header]: "0" });
      expect(response.status).toBe(500);
      expect(response.headers.get("x-llmgate-max-retries")).toBe("0");
      expect(response.headers.get("x-llmgate-attempted-retries")).toBe("0");
      expect([attempts(a), attempts(b)]).toEqual([1, 0]);
    },
  );

  it("x-litellm-num-retries: 1 allows exactly one retry", async () => {
    a.setDefault({ kind: "error", status: 500 });
    b.setDefault({ kind: "error", status: 500 });
    const response = await gateway.post("/v1/chat/completions", chatBody("one-retry"), {
      "x-litellm-num-retries": "1",
    });
    expect(response.status).toBe(500);
    expect(response.headers.get("x-llmgate-attempted-retries")).toBe("1");
    expect([attempts(a), attempts(b)]).toEqual([1, 1]);
  });

  it.each(["x-llmgate-timeout", "x-litellm-timeout"])("%s bounds an attempt", async (header) => {
    a.script({ kind: "hang" });
    const startedAt = Date.now();
    const response = await gateway.post("/v1/chat/completions", chatBody("solo-hang"), {
      [header]: "0.5",
      "x-llmgate-num-retries": "0",
    });
    const elapsed = Date.now() - startedAt;
    expect(response.status).toBe(408);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/0\.5/);
    expect(response.headers.get("x-llmgate-timeout")).toBe("0.5");
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(2500);
    expect(attempts(a)).toBe(1);
    await a.waitForAborted(1);
  });

  it.each(["x-llmgate-timeout", "x-litellm-timeout"])(
    "%s: 0 is no timeout at all, not an instant failure",
    async (header) => {
      const response = await gateway.post("/v1/chat/completions", chatBody("solo-hang", "zero"), {
        [header]: "0",
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("x-llmgate-attempted-retries")).toBe("0");
      expect(attempts(a)).toBe(1);
    },
  );

  it("a body `timeout` fails over a hang as the header does", async () => {
    a.script({ kind: "hang" });
    b.script({ kind: "json", body: completionBody("from b") });
    const startedAt = Date.now();
    const response = await gateway.post(
      "/v1/chat/completions",
      chatBody("body-timeout", "hi", { timeout: 0.5 }),
    );
    expect(response.status).toBe(200);
    expect(Date.now() - startedAt).toBeLessThan(2500);
    expect(
      ((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message
        .content,
    ).toBe("from b");
    expect([attempts(a), attempts(b)]).toEqual([1, 1]);
    expect(b.requests[0]?.body).not.toHaveProperty("timeout");
  });
});

describe("many requests, many failures", () => {
  it("answers every one of 60 concurrent requests while two of three deployments fail in different ways", async () => {
    a.setDefault({ kind: "reset" });
    b.setDefault({ kind: "error", status: 503 });
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, index) =>
        gateway.client.chat.completions.create(chatBody("chaos", `m${index}`)),
      ),
    );
    expect(answers.map((answer) => answer.choices[0]?.message.content)).toEqual(
      Array.from({ length: 60 }, (_, index) => `echo: m${index}`),
    );
    // Each request reached the healthy deployment exactly once; the others at most once per request,
    // and fewer once they cooled down.
    expect(attempts(c)).toBe(60);
    expect(attempts(a)).toBeLessThanOrEqual(60);
    expect(attempts(b)).toBeLessThanOrEqual(60);
    expect(await settledInFlight(gateway)).toEqual({});
  });
});

describe("pre-call checks (enable_pre_call_checks)", () => {
  it("sends a prompt too long for one deployment only to the one that fits", async () => {
    const longPrompt = "word ".repeat(200);
    const answer = await gateway.client.chat.completions.create(chatBody("sized", longPrompt));
    expect(answer.choices[0]?.message.content?.length).toBeGreaterThan(200);
    expect([attempts(a), attempts(b)]).toEqual([0, 1]);
    await gateway.client.chat.completions.create(chatBody("sized", "short"));
    expect([attempts(a), attempts(b)]).toEqual([1, 1]);
  });

  it("moves a prompt no deployment of the group can take to context_window_fallbacks, asking no one in vain", async () => {
    const { data, response } = await gateway.client.chat.completions
      .create(chatBody("tiny", "a prompt longer than five tokens, surely"))
      .withResponse();
    expect(data.choices[0]?.message.content).toBe("echo: a prompt longer than five tokens, surely");
    expect(response.headers.get("x-llmgate-model-group")).toBe("large-context");
    expect([attempts(a), attempts(b)]).toEqual([0, 1]);
  });
});

describe("afterwards", () => {
  it("leaves nothing in flight after timeouts, resets and hangs", async () => {
    expect(await settledInFlight(gateway)).toEqual({});
  });
});
