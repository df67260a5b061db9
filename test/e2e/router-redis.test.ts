/**
 * Two proxies (two real CLI processes) sharing one Redis agree on cooldowns and per-minute usage.
 * The router has no configurable key prefix, so each run uses fresh deployment ids: nothing global
 * is flushed, and the keys expire on their own.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeUpstream } from "../fakes/upstream.js";
import {
  attempts,
  awayFromMinuteEnd,
  chatBody,
  type DeploymentSpec,
  type ProxyConfig,
  type RouterProxy,
  runPool,
  startRouterProxy,
  startUpstreams,
  uniqueId,
} from "./router-helpers.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

let upstreams: FakeUpstream[] = [];
let first: RouterProxy | undefined;
let second: RouterProxy | undefined;
const ids = {
  limited: uniqueId("shared-limited"),
  healthy: uniqueId("shared-healthy"),
  small: uniqueId("shared-rpm-30"),
  smaller: uniqueId("shared-rpm-20"),
};

function upstream(index: number): FakeUpstream {
  const found = upstreams[index];
  if (found === undefined) throw new Error(`no upstream #${index}`);
  return found;
}

function proxies(): [RouterProxy, RouterProxy] {
  if (first === undefined || second === undefined) throw new Error("the proxies did not start");
  return [first, second];
}

async function cooldownSeenBy(gateway: RouterProxy, id: string): Promise<number | null | undefined> {
  const response = await gateway.get("/model/info");
  const body = (await response.json()) as {
    data: { model_info: { id: string }; state: { cooldown_until: number | null } }[];
  };
  return body.data.find((entry) => entry.model_info.id === id)?.state.cooldown_until;
}

beforeAll(async () => {
  upstreams = await startUpstreams(4);
  const deployments: DeploymentSpec[] = [
    { group: "shared-cooldown", apiBase: upstream(0).baseUrl, id: ids.limited },
    { group: "shared-cooldown", apiBase: upstream(1).baseUrl, id: ids.healthy },
    { group: "shared-usage", apiBase: upstream(2).baseUrl, id: ids.small, params: { rpm: 30 } },
    { group: "shared-usage", apiBase: upstream(3).baseUrl, id: ids.smaller, params: { rpm: 20 } },
  ];
  const config: ProxyConfig = {
    deployments,
    routerSettings: { redis_url: REDIS_URL, routing_strategy: "usage-based-routing", num_retries: 1 },
  };
  [first, second] = await Promise.all([startRouterProxy(config), startRouterProxy(config)]);
}, 30_000);

afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
  await Promise.all(upstreams.map((fake) => fake.close()));
});

describe("two proxies sharing Redis", () => {
  it("agree on cooldowns: a deployment one proxy cooled down, the other avoids", async () => {
    const [one, two] = proxies();
    const limited = upstream(0);
    const healthy = upstream(1);
    limited.setDefault({ kind: "error", status: 429, headers: { "retry-after": "30" } });
    let sent = 0;
    while (attempts(limited) === 0 && sent < 40) {
      const answer = await one.client.chat.completions.create(chatBody("shared-cooldown", `r${sent}`));
      expect(answer.choices[0]?.message.content).toBe(`echo: r${sent}`);
      sent++;
    }
    expect(attempts(limited)).toBe(1);
    const seenBySecond = await cooldownSeenBy(two, ids.limited);
    expect(seenBySecond).toBeGreaterThan(Date.now() + 20_000);

    const answers = await Promise.all(
      Array.from({ length: 20 }, () => two.client.chat.completions.create(chatBody("shared-cooldown"))),
    );
    expect(answers).toHaveLength(20);
    expect(attempts(limited)).toBe(1);
    expect(attempts(healthy)).toBe(sent + 20);
  });

  it("agree on usage: together they never send a deployment more than its rpm", {
    timeout: 60_000,
  }, async () => {
    const [one, two] = proxies();
    await awayFromMinuteEnd(10);
    const outcomes = await runPool(100, 10, async (index) => {
      const gateway = index % 2 === 0 ? one : two;
      try {
        await gateway.client.chat.completions.create(chatBody("shared-usage"));
        return "ok";
      } catch (error) {
        if (error instanceof OpenAI.APIError && error.status === 429) return "limited";
        throw error;
      }
    });
    expect([attempts(upstream(2)), attempts(upstream(3))]).toEqual([30, 20]);
    expect(outcomes.filter((outcome) => outcome === "ok")).toHaveLength(50);
    expect(outcomes.filter((outcome) => outcome === "limited")).toHaveLength(50);
  });
});
