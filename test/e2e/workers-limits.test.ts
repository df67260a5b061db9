/**
 * `--num_workers 2` on one machine without Redis: the workers share one count through the primary,
 * so a key's limits and a deployment's cooldown hold across workers exactly as in one process; the
 * spend each worker counts, and key changes, reach the others at once, so budgets hold too.
 */
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProxy } from "../fakes/proxy-process.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import {
  awayFromMinuteEnd,
  chatBody,
  costOf,
  echoUsage,
  type Gate,
  gateConfig,
  gateOf,
  PRICED,
  tempFolder,
} from "./keys-helpers.js";

let upstream: FakeUpstream;
let gate: Gate;
let folder: Awaited<ReturnType<typeof tempFolder>>;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  folder = await tempFolder();
  const config = gateConfig({
    upstreamBaseUrl: upstream.baseUrl,
    general: { database_url: `sqlite:${join(folder.path, "llmgate.db")}` },
  });
  gate = gateOf(await startProxy({ config, args: ["--num_workers", "2"], env: { REDIS_URL: "" } }));
}, 30_000);

afterAll(async () => {
  await gate?.stop();
  await upstream?.close();
  await folder?.remove();
});

/** How many answers had each status. */
function statuses(answers: { status: number }[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const answer of answers) counts[answer.status] = (counts[answer.status] ?? 0) + 1;
  return counts;
}

describe("--num_workers 2 without Redis", () => {
  it("does not warn that workers count alone", () => {
    expect(gate.proxy.stderr()).not.toMatch(/each worker keeps its own/);
  });

  it("holds a key's rpm_limit exactly across workers", { timeout: 60_000 }, async () => {
    await awayFromMinuteEnd(15);
    const { key } = await gate.newKey({ rpm_limit: 6 });
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => gate.api("POST", "/v1/chat/completions", chatBody("priced"), key)),
    );
    expect(statuses(answers)).toEqual({ 200: 6, 429: 34 });
  });

  it("holds max_parallel_requests exactly across workers", async () => {
    upstream.setDefault({ kind: "slow-first-byte", delayMs: 500 });
    try {
      const { key } = await gate.newKey({ max_parallel_requests: 1 });
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => gate.api("POST", "/v1/chat/completions", chatBody("priced"), key)),
      );
      expect(statuses(answers)).toEqual({ 200: 1, 429: 7 });
    } finally {
      upstream.setDefault({ kind: "default" });
    }
  });
});

describe("--num_workers 2 without Redis, cooldowns", () => {
  it("cools a deployment down in every worker once one worker saw it fail", { timeout: 60_000 }, async () => {
    const failing = await startFakeUpstream();
    failing.setDefault({ kind: "error", status: 429 });
    const config = JSON.stringify({
      model_list: [
        { model_name: "m", litellm_params: { model: "openai/m", api_base: failing.baseUrl, api_key: "k" } },
        { model_name: "m", litellm_params: { model: "openai/m", api_base: upstream.baseUrl, api_key: "k" } },
      ],
      router_settings: { allowed_fails: 0, cooldown_time: 60, num_retries: 2 },
      general_settings: { database_url: ":memory:" },
    });
    const proxy = await startProxy({ config, args: ["--num_workers", "2"], env: { REDIS_URL: "" } });
    try {
      const call = async () => {
        const response = await fetch(`${proxy.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", connection: "close" },
          body: JSON.stringify(chatBody("m")),
        });
        await response.arrayBuffer();
        return response.status;
      };
      const answers: number[] = [];
      for (let index = 0; index < 30; index++) answers.push(await call());
      expect(answers.every((status) => status === 200)).toBe(true);
      // The first failure cooled it down for both workers: it is never tried again.
      expect(failing.requests.length).toBe(1);
    } finally {
      await proxy.stop();
      await failing.close();
    }
  });
});

/**
 * A chat call on a connection of its own (no keep-alive agent): the cluster hands each new
 * connection to the next worker in turn, so calls one after another alternate between workers.
 */
function callOnNewConnection(url: string, key: string): Promise<number> {
  const body = JSON.stringify(chatBody("priced"));
  return new Promise((resolve, reject) => {
    const call = httpRequest(
      `${url}/v1/chat/completions`,
      {
        method: "POST",
        agent: false,
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      },
      (response) => {
        response.resume();
        response.once("end", () => resolve(response.statusCode ?? 0));
      },
    );
    call.once("error", reject);
    call.end(body);
  });
}

describe("--num_workers 2 without Redis, budgets and key changes", () => {
  let budgetGate: Gate;
  let budgetFolder: Awaited<ReturnType<typeof tempFolder>>;

  beforeAll(async () => {
    budgetFolder = await tempFolder();
    const config = gateConfig({
      upstreamBaseUrl: upstream.baseUrl,
      // Spend rows wait a minute to be written: only the workers' own messages can share spend.
      general: {
        database_url: `sqlite:${join(budgetFolder.path, "llmgate.db")}`,
        proxy_batch_write_at: 60,
      },
    });
    budgetGate = gateOf(await startProxy({ config, args: ["--num_workers", "2"], env: { REDIS_URL: "" } }));
  }, 30_000);

  afterAll(async () => {
    await budgetGate?.stop();
    await budgetFolder?.remove();
  });

  it("holds a key's max_budget across workers before any spend row is written", {
    timeout: 30_000,
  }, async () => {
    const oneCall = costOf(echoUsage("hello there"), PRICED);
    // Two and a half calls: the third call is still let in (spend 2 calls < budget), the fourth not.
    const { key } = await budgetGate.newKey({ max_budget: oneCall * 2.5 });
    const answers: number[] = [];
    for (let index = 0; index < 10; index++) answers.push(await callOnNewConnection(budgetGate.url, key));
    expect(statuses(answers.map((status) => ({ status })))).toEqual({ 200: 3, 400: 7 });
  });

  it("refuses a blocked key on every worker at once", { timeout: 30_000 }, async () => {
    const { key } = await budgetGate.newKey({});
    // Both workers have the key in their cache.
    for (let index = 0; index < 4; index++) expect(await callOnNewConnection(budgetGate.url, key)).toBe(200);
    const blocked = await budgetGate.api("POST", "/key/block", { key });
    expect(blocked.status).toBe(200);
    const answers: number[] = [];
    for (let index = 0; index < 6; index++) answers.push(await callOnNewConnection(budgetGate.url, key));
    expect(answers.every((status) => status === 401 || status === 403)).toBe(true);
  });
});
