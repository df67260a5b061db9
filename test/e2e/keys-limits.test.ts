/**
 * Rate limits of virtual keys, users and teams end to end through the CLI (in-memory counters, one
 * proxy): rpm, tpm (counted from answers' usage) and max_parallel_requests, with the 429's
 * retry-after and the x-ratelimit-* headers, also present on successes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import {
  type ApiAnswer,
  apiErrorOf,
  at,
  awayFromMinuteEnd,
  chatBody,
  echoUsage,
  eventually,
  type Gate,
  spendLogOf,
  startGate,
  uniqueName,
} from "./keys-helpers.js";

let upstream: FakeUpstream;
let gate: Gate;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gate = await startGate({ upstreamBaseUrl: upstream.baseUrl });
});

afterAll(async () => {
  await gate?.stop();
  await upstream?.close();
});

beforeEach(async () => {
  // Per-minute counters must not reset in the middle of a test.
  await awayFromMinuteEnd(10);
});

function call(key: string, text = "hello there"): Promise<ApiAnswer> {
  return gate.api("POST", "/v1/chat/completions", chatBody("priced", text), key);
}

function expectRateLimited(answer: ApiAnswer): void {
  expect(answer.status).toBe(429);
  expect(at(answer.body, "error", "type")).toBe("rate_limit_error");
  const retryAfter = Number(answer.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

describe("rpm_limit", () => {
  it("serves rpm_limit requests a minute with x-ratelimit headers, then 429 with retry-after", async () => {
    const { key } = await gate.newKey({ rpm_limit: 3 });
    for (const remaining of [2, 1, 0]) {
      const answer = await call(key);
      expect(answer.status).toBe(200);
      expect(answer.headers.get("x-ratelimit-limit-requests")).toBe("3");
      expect(answer.headers.get("x-ratelimit-remaining-requests")).toBe(String(remaining));
      expect(answer.headers.get("x-ratelimit-limit-tokens")).toBeNull();
    }
    const refused = await call(key);
    expectRateLimited(refused);
    expect(refused.headers.get("x-ratelimit-limit-requests")).toBe("3");
    expect(refused.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    expect(String(at(refused.body, "error", "message"))).toMatch(/rpm_limit|requests per minute/);
  });

  it("is a RateLimitError with the headers for the openai client", async () => {
    const { key } = await gate.newKey({ rpm_limit: 1 });
    const client = gate.client(key);
    const body = { model: "priced", messages: [{ role: "user" as const, content: "hi" }] };
    const ok = await client.chat.completions.create(body).withResponse();
    expect(ok.response.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    const error = await apiErrorOf(client.chat.completions.create(body));
    expect(error.status).toBe(429);
    expect(error.headers?.get("retry-after")).toBeTruthy();
  });

  it("holds under concurrent requests", async () => {
    const { key } = await gate.newKey({ rpm_limit: 10 });
    const answers = await Promise.all(Array.from({ length: 40 }, () => call(key)));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(10);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(30);
  });
});

describe("tpm_limit", () => {
  it("counts answers' usage; the request that crosses the limit is served, the next refused", async () => {
    const usage = echoUsage("hello there");
    const perCall = usage.prompt + usage.completion; // 5 tokens
    const limit = perCall + 2;
    const { key } = await gate.newKey({ tpm_limit: limit });
    const first = await call(key);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-ratelimit-limit-tokens")).toBe(String(limit));
    expect(first.headers.get("x-ratelimit-remaining-tokens")).toBe(String(limit));
    const crossing = await call(key);
    expect(crossing.status).toBe(200);
    expect(crossing.headers.get("x-ratelimit-remaining-tokens")).toBe(String(limit - perCall));
    const refused = await call(key);
    expectRateLimited(refused);
    expect(refused.headers.get("x-ratelimit-limit-tokens")).toBe(String(limit));
    expect(refused.headers.get("x-ratelimit-remaining-tokens")).toBe("0");
  });

  it("counts a stream's usage too", async () => {
    const { key } = await gate.newKey({ tpm_limit: 5 });
    const streamed = await gate.api(
      "POST",
      "/v1/chat/completions",
      chatBody("priced", "a b c", { stream: true }),
      key,
    );
    expect(streamed.status).toBe(200);
    // 3 prompt + 4 completion tokens >= 5.
    expectRateLimited(await call(key));
  });
});

describe("max_parallel_requests", () => {
  it("refuses the request over the limit while the others are in flight, accepts again after", async () => {
    const { key } = await gate.newKey({ max_parallel_requests: 2 });
    upstream.script({ kind: "slow-first-byte", delayMs: 800 }, { kind: "slow-first-byte", delayMs: 800 });
    const before = upstream.requests.length;
    const slow = [call(key), call(key)];
    await upstream.waitForRequests(before + 2);
    const refused = await call(key);
    expectRateLimited(refused);
    expect(String(at(refused.body, "error", "message"))).toMatch(/parallel/);
    expect((await Promise.all(slow)).map((answer) => answer.status)).toEqual([200, 200]);
    expect((await call(key)).status).toBe(200);
  });

  it("gives the slot back when a stream ends", async () => {
    const { key } = await gate.newKey({ max_parallel_requests: 1 });
    for (let index = 0; index < 3; index++) {
      const streamed = await gate.api(
        "POST",
        "/v1/chat/completions",
        chatBody("priced", "hi", { stream: true }),
        key,
      );
      expect(streamed.status).toBe(200);
    }
  });
});

describe("a stream the client gives up on", () => {
  it("gives back its parallel slot and leaves a failure row", async () => {
    const { key } = await gate.newKey({ max_parallel_requests: 1 });
    const chunk = (content: string) => ({
      id: "chatcmpl-slow",
      object: "chat.completion.chunk",
      created: 1,
      model: "priced-upstream",
      choices: [{ index: 0, delta: { content }, finish_reason: null }],
    });
    upstream.script({
      kind: "stream",
      chunks: [chunk("a"), chunk("b"), chunk("c"), chunk("d")],
      delayMs: 400,
    });
    const controller = new AbortController();
    const response = await fetch(`${gate.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(chatBody("priced", "slow", { stream: true })),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const callId = String(response.headers.get("x-llmgate-call-id"));
    const reader = response.body?.getReader();
    await reader?.read();
    // In flight: a second request is over max_parallel_requests.
    expectRateLimited(await call(key));
    controller.abort();
    await reader?.cancel().catch(() => {});
    const next = await eventually(async () => {
      const answer = await call(key);
      return answer.status === 200 ? answer : undefined;
    }, 5000);
    expect(next.status).toBe(200);
    const row = await eventually(() => spendLogOf(gate, callId), 5000);
    expect(row.status).toBe("failure");
  });
});

describe("user and team limits", () => {
  it("a user's rpm_limit is shared by the user's keys", async () => {
    const userId = uniqueName("limited-user");
    expect(
      (await gate.api("POST", "/user/new", { user_id: userId, rpm_limit: 2, auto_create_key: false })).status,
    ).toBe(200);
    const first = await gate.newKey({ user_id: userId });
    const second = await gate.newKey({ user_id: userId });
    expect((await call(first.key)).status).toBe(200);
    expect((await call(second.key)).status).toBe(200);
    expectRateLimited(await call(first.key));
    expectRateLimited(await call(second.key));
  });

  it("a team's tpm_limit is shared by the team's keys", async () => {
    const created = await gate.api("POST", "/team/new", {
      team_alias: uniqueName("limited-team"),
      tpm_limit: 5,
    });
    const teamId = String(at(created.body, "team_id"));
    const first = await gate.newKey({ team_id: teamId });
    const second = await gate.newKey({ team_id: teamId, rpm_limit: 100 });
    expect((await call(first.key)).status).toBe(200);
    const refused = await call(second.key);
    expectRateLimited(refused);
    expect(String(at(refused.body, "error", "message"))).toMatch(/team/);
  });

  it("the tightest of key and team limits is reported", async () => {
    const created = await gate.api("POST", "/team/new", { team_alias: uniqueName("rpm-team"), rpm_limit: 2 });
    const teamId = String(at(created.body, "team_id"));
    const { key } = await gate.newKey({ team_id: teamId, rpm_limit: 50 });
    const answer = await call(key);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("x-ratelimit-limit-requests")).toBe("2");
    expect(answer.headers.get("x-ratelimit-remaining-requests")).toBe("1");
  });
});
