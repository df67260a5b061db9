/**
 * The response cache with virtual keys, through the real CLI: answers shared within a team (or one
 * key without a team), never across teams unless `shared_across_teams`; a hit's spend row has
 * `cache_hit: true` and no cost; hits count against rpm but not tpm.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { chat, isHit, startCacheGate, upstreamCount } from "./cache-helpers.js";
import { type ApiAnswer, at, awayFromMinuteEnd, eventually, type Gate, uniqueName } from "./keys-helpers.js";

let upstream: FakeUpstream;
let gate: Gate;
let shared: Gate;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  [gate, shared] = await Promise.all([
    startCacheGate(upstream),
    startCacheGate(upstream, { cacheParams: { shared_across_teams: true } }),
  ]);
});

afterAll(async () => {
  await Promise.all([gate?.stop(), shared?.stop()]);
  await upstream?.close();
});

async function newTeam(on: Gate): Promise<string> {
  const created = await on.api("POST", "/team/new", { team_alias: uniqueName("cache-team") });
  expect(created.status).toBe(200);
  return String(at(created.body, "team_id"));
}

const ask = (on: Gate, key: string, text: string) =>
  chat(on, { model: "priced", messages: [{ role: "user", content: text }] }, key);

interface SpendRow {
  spend: number;
  cache_hit: boolean;
  prompt_tokens: number;
}

async function spendRowOf(on: Gate, answer: ApiAnswer): Promise<SpendRow> {
  const requestId = String(answer.headers.get("x-llmgate-call-id"));
  return eventually(async () => {
    const logs = await on.api("GET", `/spend/logs?request_id=${encodeURIComponent(requestId)}`);
    return (logs.body as SpendRow[])[0];
  });
}

describe("team isolation", () => {
  it("shares answers within a team and within one teamless key, never across", async () => {
    const [teamA, teamB] = await Promise.all([newTeam(gate), newTeam(gate)]);
    const a1 = (await gate.newKey({ team_id: teamA })).key;
    const a2 = (await gate.newKey({ team_id: teamA })).key;
    const b1 = (await gate.newKey({ team_id: teamB })).key;
    const loner = (await gate.newKey({})).key;
    const other = (await gate.newKey({})).key;
    const text = uniqueName("isolated question");
    const before = upstreamCount(upstream, "/chat/completions");
    expect(isHit(await ask(gate, a1, text))).toBe(false);
    expect(isHit(await ask(gate, a2, text))).toBe(true);
    expect(isHit(await ask(gate, b1, text))).toBe(false);
    expect(isHit(await ask(gate, loner, text))).toBe(false);
    expect(isHit(await ask(gate, other, text))).toBe(false);
    expect(isHit(await ask(gate, loner, text))).toBe(true);
    expect(upstreamCount(upstream, "/chat/completions") - before).toBe(4);
  });

  it("shares across teams with cache_params.shared_across_teams: true", async () => {
    const [teamA, teamB] = await Promise.all([newTeam(shared), newTeam(shared)]);
    const a1 = (await shared.newKey({ team_id: teamA })).key;
    const b1 = (await shared.newKey({ team_id: teamB })).key;
    const text = uniqueName("shared question");
    expect(isHit(await ask(shared, a1, text))).toBe(false);
    expect(isHit(await ask(shared, b1, text))).toBe(true);
  });
});

describe("per-key controls", () => {
  it("applies a key's metadata cache controls, which the request's own override", async () => {
    const { key } = await gate.newKey({ metadata: { cache: { "no-store": true } } });
    const text = uniqueName("key controls");
    await ask(gate, key, text);
    expect(isHit(await ask(gate, key, text))).toBe(false);
    const body = {
      model: "priced",
      messages: [{ role: "user", content: text }],
      cache: { "no-store": false },
    };
    await chat(gate, body, key);
    expect(isHit(await ask(gate, key, text))).toBe(true);
  });
});

describe("spend and limits", () => {
  it("writes a hit's spend row with cache_hit: true and zero cost", async () => {
    const { key } = await gate.newKey({});
    const text = uniqueName("priced question");
    const miss = await ask(gate, key, text);
    const hit = await ask(gate, key, text);
    expect(isHit(hit)).toBe(true);
    expect(hit.headers.get("x-llmgate-response-cost")).toBe("0");
    const [missRow, hitRow] = await Promise.all([spendRowOf(gate, miss), spendRowOf(gate, hit)]);
    expect(missRow.cache_hit).toBe(false);
    expect(missRow.spend).toBeGreaterThan(0);
    expect(hitRow.cache_hit).toBe(true);
    expect(hitRow.spend).toBe(0);
  });

  it("does not count hits against tpm_limit", { timeout: 60_000 }, async () => {
    await awayFromMinuteEnd(10);
    // Each answer is 1 + 2 = 3 tokens (words at the fake): three counted answers would pass the limit.
    const { key } = await gate.newKey({ tpm_limit: 8 });
    const text = uniqueName("tpm");
    expect((await ask(gate, key, text)).status).toBe(200);
    for (let index = 0; index < 5; index++) {
      const answer = await ask(gate, key, text);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(isHit(answer)).toBe(true);
    }
  });

  it("counts hits against rpm_limit", { timeout: 60_000 }, async () => {
    await awayFromMinuteEnd(10);
    const { key } = await gate.newKey({ rpm_limit: 3 });
    const text = uniqueName("rpm");
    const statuses: number[] = [];
    for (let index = 0; index < 4; index++) statuses.push((await ask(gate, key, text)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});
