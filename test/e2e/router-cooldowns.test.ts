/**
 * Cooldowns through the real CLI: a 429 (with `retry-after`) or repeated failures take a deployment
 * out; later requests avoid it; when the whole group cools down the client gets a 429 that names the
 * group and says when it comes back; a group's only deployment is never cooled down.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeUpstream } from "../fakes/upstream.js";
import {
  apiErrorOf,
  attempts,
  chatBody,
  type RouterProxy,
  startRouterProxy,
  startUpstreams,
} from "./router-helpers.js";

interface DeploymentState {
  model_name: string;
  model_info: { id: string };
  state: { cooldown_until: number | null; in_flight: number; latency_ms: number | null };
}

let gateway: RouterProxy;
let upstreams: FakeUpstream[];

/** The fake upstream behind each test's deployments. */
function upstream(index: number): FakeUpstream {
  const found = upstreams[index];
  if (found === undefined) throw new Error(`no upstream #${index}`);
  return found;
}

async function cooldownOf(id: string): Promise<number | null> {
  const response = await gateway.get("/model/info");
  const body = (await response.json()) as { data: DeploymentState[] };
  const entry = body.data.find((deployment) => deployment.model_info.id === id);
  if (entry === undefined) throw new Error(`no deployment ${id} in /model/info`);
  return entry.state.cooldown_until;
}

const RATE_LIMITED = { kind: "error", status: 429, headers: { "retry-after": "20" } } as const;

beforeAll(async () => {
  upstreams = await startUpstreams(11);
  const base = (index: number) => upstream(index).baseUrl;
  gateway = await startRouterProxy({
    deployments: [
      { group: "rate-limited", apiBase: base(0), id: "rate-limited-a" },
      { group: "rate-limited", apiBase: base(1), id: "rate-limited-b" },
      { group: "all-cool", apiBase: base(2), id: "all-cool-a" },
      { group: "all-cool", apiBase: base(3), id: "all-cool-b" },
      { group: "solo", apiBase: base(4), id: "solo-only", params: { num_retries: 0 } },
      { group: "flaky", apiBase: base(5), id: "flaky-a", params: { order: 1 } },
      { group: "flaky", apiBase: base(6), id: "flaky-b", params: { order: 2 } },
      { group: "short", apiBase: base(7), id: "short-a", params: { order: 1 } },
      { group: "short", apiBase: base(8), id: "short-b", params: { order: 2 } },
      { group: "bad-keys", apiBase: base(9), id: "bad-keys-a" },
      { group: "bad-keys", apiBase: base(10), id: "bad-keys-b" },
    ],
    // cooldown_time applies unless a retry-after is longer (the 429s with retry-after: 20 below).
    routerSettings: { allowed_fails: 1, cooldown_time: 2 },
  });
}, 30_000);

afterAll(async () => {
  await gateway?.stop();
  await Promise.all(upstreams.map((fake) => fake.close()));
});

beforeEach(() => {
  for (const fake of upstreams) {
    fake.clear();
    fake.setDefault({ kind: "default" });
  }
});

describe("cooldowns", () => {
  it("cools a deployment down at once on a 429 with retry-after: later requests avoid it", async () => {
    const limited = upstream(0);
    const healthy = upstream(1);
    limited.setDefault(RATE_LIMITED);
    let sent = 0;
    while (attempts(limited) === 0 && sent < 40) {
      const answer = await gateway.client.chat.completions.create(chatBody("rate-limited", `r${sent}`));
      expect(answer.choices[0]?.message.content).toBe(`echo: r${sent}`);
      sent++;
    }
    expect(attempts(limited)).toBe(1);
    const until = await cooldownOf("rate-limited-a");
    expect(until).not.toBeNull();
    expect((until ?? 0) - Date.now()).toBeGreaterThan(15_000);
    expect((until ?? 0) - Date.now()).toBeLessThanOrEqual(20_000);

    const later = await Promise.all(
      Array.from({ length: 20 }, () => gateway.client.chat.completions.create(chatBody("rate-limited"))),
    );
    expect(later).toHaveLength(20);
    expect(attempts(limited)).toBe(1);
    expect(attempts(healthy)).toBe(sent + 20);
  });

  it("when every deployment cools down: a 429 with retry-after that names the group", async () => {
    upstream(2).setDefault(RATE_LIMITED);
    upstream(3).setDefault(RATE_LIMITED);
    const first = await apiErrorOf(gateway.client.chat.completions.create(chatBody("all-cool")));
    expect(first.status).toBe(429);
    // One retry was made (on the other deployment); none was counted for the cooldown that followed.
    expect(first.headers?.get("x-llmgate-attempted-retries")).toBe("1");
    expect([attempts(upstream(2)), attempts(upstream(3))]).toEqual([1, 1]);

    const response = await gateway.post("/v1/chat/completions", chatBody("all-cool"));
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(15);
    expect(retryAfter).toBeLessThanOrEqual(20);
    expect(response.headers.get("x-llmgate-model-group")).toBe("all-cool");
    const body = (await response.json()) as { error: { message: string; type: string } };
    expect(body.error.message).toContain('"all-cool"');
    expect(body.error.message).toMatch(/cooling down/);
    expect(body.error.message).toMatch(/comes back in \d+s/);
    // No upstream was asked: the router knew.
    expect([attempts(upstream(2)), attempts(upstream(3))]).toEqual([1, 1]);

    const viaClient = await apiErrorOf(gateway.client.chat.completions.create(chatBody("all-cool")));
    expect(viaClient.status).toBe(429);
    expect(viaClient.message).toContain("all-cool");
  });

  it("never cools down a group's only deployment", async () => {
    const solo = upstream(4);
    solo.script(RATE_LIMITED);
    const error = await apiErrorOf(gateway.client.chat.completions.create(chatBody("solo")));
    expect(error.status).toBe(429);
    expect(error.headers?.get("retry-after")).toBe("20");
    expect(await cooldownOf("solo-only")).toBeNull();
    const answer = await gateway.client.chat.completions.create(chatBody("solo", "again"));
    expect(answer.choices[0]?.message.content).toBe("echo: again");
    expect(attempts(solo)).toBe(2);
  });

  it("cools a deployment down after more than allowed_fails failures in a minute", async () => {
    const flaky = upstream(5);
    const steady = upstream(6);
    flaky.setDefault({ kind: "error", status: 500 });
    for (let index = 0; index < 4; index++) {
      const answer = await gateway.client.chat.completions.create(chatBody("flaky", `f${index}`));
      expect(answer.choices[0]?.message.content).toBe(`echo: f${index}`);
    }
    // allowed_fails: 1, so the second failure cooled it down; the 3rd and 4th went straight to b.
    expect([attempts(flaky), attempts(steady)]).toEqual([2, 4]);
    expect(await cooldownOf("flaky-a")).not.toBeNull();
  });

  it("takes a deployment back once its cooldown_time is over", async () => {
    const short = upstream(7);
    const other = upstream(8);
    short.script({ kind: "error", status: 429 });
    await gateway.client.chat.completions.create(chatBody("short"));
    await gateway.client.chat.completions.create(chatBody("short"));
    expect([attempts(short), attempts(other)]).toEqual([1, 2]);
    await new Promise((resolve) => setTimeout(resolve, 2200));
    const answer = await gateway.client.chat.completions.create(chatBody("short", "back"));
    expect(answer.choices[0]?.message.content).toBe("echo: back");
    expect([attempts(short), attempts(other)]).toEqual([2, 2]);
    expect(await cooldownOf("short-a")).toBeNull();
  });

  it("answers the real error to the request that cooled the group down (a bad key stays a 401)", async () => {
    upstream(9).setDefault({ kind: "error", status: 401 });
    upstream(10).setDefault({ kind: "error", status: 401 });
    const first = await apiErrorOf(gateway.client.chat.completions.create(chatBody("bad-keys")));
    expect(first.status).toBe(401);
    expect(first.headers?.get("x-llmgate-attempted-retries")).toBe("1");
    expect([attempts(upstream(9)), attempts(upstream(10))]).toEqual([1, 1]);
    const later = await apiErrorOf(gateway.client.chat.completions.create(chatBody("bad-keys")));
    expect(later.status).toBe(429);
    expect(later.message).toContain('"bad-keys"');
    expect(later.headers?.get("x-llmgate-attempted-retries")).toBe("0");
    expect([attempts(upstream(9)), attempts(upstream(10))]).toEqual([1, 1]);
  });
});
