/**
 * Virtual keys on the request path, end to end through the CLI (SQLite beside the config): model
 * access, block/unblock/expiry/delete taking effect at once, budgets (max, periodic, soft) of keys,
 * users and teams.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import {
  apiErrorOf,
  at,
  chatBody,
  costOf,
  echoUsage,
  type Gate,
  MASTER_KEY,
  numberAt,
  PRICED,
  sleep,
  startGate,
  uniqueName,
} from "./keys-helpers.js";

let upstream: FakeUpstream;
let gate: Gate;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gate = await startGate({ upstreamBaseUrl: upstream.baseUrl, general: { proxy_batch_write_at: 1 } });
});

afterAll(async () => {
  await gate?.stop();
  await upstream?.close();
});

function chat(key: string, model = "priced", text = "hello there") {
  return gate.client(key).chat.completions.create({ model, messages: [{ role: "user", content: text }] });
}

describe("model access", () => {
  it("refuses the master key as a custom virtual key, on generate and on regenerate", async () => {
    const generated = await gate.api("POST", "/key/generate", { key: MASTER_KEY });
    expect(generated.status).toBe(400);
    const made = await gate.api("POST", "/key/generate", {});
    const regenerated = await gate.api("POST", "/key/regenerate", {
      key: (made.body as { key: string }).key,
      new_key: MASTER_KEY,
    });
    expect(regenerated.status).toBe(400);
    expect(JSON.stringify(regenerated.body)).toContain("new_key cannot be the master key");
  });

  it("accepts a key for its models and refuses others with a 401 naming the model and the allowed ones", async () => {
    const { key } = await gate.newKey({ models: ["priced", "mini"] });
    const answer = await chat(key);
    expect(answer.choices[0]?.message.content).toBe("echo: hello there");
    expect((await chat(key, "mini")).choices).toHaveLength(1);

    const refused = await apiErrorOf(chat(key, "other"));
    expect(refused.status).toBe(401);
    expect(refused.message).toContain('"other"');
    expect(refused.message).toContain("priced");
    expect(refused.message).toContain("mini");
  });

  it("lists only the key's models on /v1/models; a key without models sees them all", async () => {
    const { key } = await gate.newKey({ models: ["mini"] });
    const listed = await gate.client(key).models.list();
    expect(listed.data.map((model) => model.id)).toEqual(["mini"]);
    const { key: open } = await gate.newKey({});
    const all = await gate.client(open).models.list();
    expect(all.data.map((model) => model.id).sort()).toEqual(["mini", "other", "priced"]);
  });

  it("retrieves one model on /v1/models/{model}: 404 for an unknown one and for one the key may not use", async () => {
    const { key } = await gate.newKey({ models: ["mini"] });
    const client = gate.client(key);
    expect(await client.models.retrieve("mini")).toMatchObject({ id: "mini", object: "model" });
    for (const id of ["priced", "no-such-model"]) {
      const failure = await client.models.retrieve(id).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(OpenAI.NotFoundError);
      expect((failure as InstanceType<typeof OpenAI.NotFoundError>).error).toMatchObject({
        code: "model_not_found",
        param: "model",
      });
    }
  });

  it("shows a key only its models on /model/info and /model_group/info", async () => {
    const { key } = await gate.newKey({ models: ["mini"] });
    const info = await gate.api("GET", "/model/info", undefined, key);
    expect((info.body as { data: { model_name: string }[] }).data.map((entry) => entry.model_name)).toEqual([
      "mini",
    ]);
    const groups = await gate.api("GET", "/model_group/info", undefined, key);
    expect(
      (groups.body as { data: { model_group: string }[] }).data.map((entry) => entry.model_group),
    ).toEqual(["mini"]);
    const all = await gate.api("GET", "/model/info");
    expect((all.body as { data: unknown[] }).data).toHaveLength(3);
  });

  it("drops fallbacks a key may not use from its request", async () => {
    const { key } = await gate.newKey({ models: ["priced"] });
    upstream.script({ kind: "error", status: 503 });
    const answer = await gate.api(
      "POST",
      "/v1/chat/completions",
      chatBody("priced", "x", { fallbacks: ["other"] }),
      key,
    );
    expect(answer.status).toBe(503);
    expect(answer.headers.get("x-llmgate-attempted-fallbacks")).toBe("0");
  });

  it("refuses an unknown key and a request without a key", async () => {
    expect((await apiErrorOf(chat("sk-not-a-key"))).status).toBe(401);
    const anonymous = await gate.api("POST", "/v1/chat/completions", chatBody("priced"), null);
    expect(anonymous.status).toBe(401);
  });
});

describe("key state takes effect at once", () => {
  it("block -> 401, unblock -> accepted again", async () => {
    const { key } = await gate.newKey({ key_alias: uniqueName("blockme") });
    await chat(key); // warm the cache: the change must not wait for its TTL
    expect((await gate.api("POST", "/key/block", { key })).status).toBe(200);
    const blocked = await apiErrorOf(chat(key));
    expect(blocked.status).toBe(401);
    expect(blocked.message).toMatch(/blocked/);
    expect((await gate.api("POST", "/key/unblock", { key })).status).toBe(200);
    expect((await chat(key)).choices).toHaveLength(1);
  });

  it("an expired key (duration 1s) is refused", async () => {
    const { key } = await gate.newKey({ duration: "1s" });
    expect((await chat(key)).choices).toHaveLength(1);
    await sleep(1200);
    const expired = await apiErrorOf(chat(key));
    expect(expired.status).toBe(401);
    expect(expired.message).toMatch(/expired/);
  });

  it("a deleted key is refused, by key and by alias", async () => {
    const alias = uniqueName("deleteme");
    const first = await gate.newKey({});
    const second = await gate.newKey({ key_alias: alias });
    await chat(first.key);
    await chat(second.key);
    expect((await gate.api("POST", "/key/delete", { keys: [first.key] })).status).toBe(200);
    expect((await gate.api("POST", "/key/delete", { key_aliases: [alias] })).status).toBe(200);
    expect((await apiErrorOf(chat(first.key))).status).toBe(401);
    expect((await apiErrorOf(chat(second.key))).status).toBe(401);
  });

  it("an update of models applies at once", async () => {
    const { key } = await gate.newKey({ models: ["priced"] });
    await chat(key);
    expect((await apiErrorOf(chat(key, "other"))).status).toBe(401);
    expect((await gate.api("POST", "/key/update", { key, models: ["priced", "other"] })).status).toBe(200);
    expect((await chat(key, "other")).choices).toHaveLength(1);
  });

  it("a regenerated key replaces the old one at once", async () => {
    const { key, token } = await gate.newKey({});
    await chat(key);
    const regenerated = await gate.api("POST", `/key/${token}/regenerate`, {});
    if (regenerated.status !== 200) {
      // The route is /key/regenerate in some LiteLLM versions.
      const other = await gate.api("POST", "/key/regenerate", { key });
      expect(other.status).toBe(200);
      Object.assign(regenerated, other);
    }
    const newKey = String(at(regenerated.body, "key"));
    expect((await apiErrorOf(chat(key))).status).toBe(401);
    expect((await chat(newKey)).choices).toHaveLength(1);
  });
});

const ONE_CALL = costOf(echoUsage("hello there"), PRICED);

describe("budgets", () => {
  it("over max_budget -> 400 budget_exceeded naming budget and spend", async () => {
    // Two calls reach the budget; the third is refused.
    const maxBudget = ONE_CALL * 2;
    const { key } = await gate.newKey({ max_budget: maxBudget });
    await chat(key);
    await chat(key);
    const refused = await apiErrorOf(chat(key));
    expect(refused.status).toBe(400);
    expect(at(refused.error, "type")).toBe("budget_exceeded");
    expect(refused.message).toContain(String(maxBudget));
    expect(refused.message).toContain(String(ONE_CALL * 2));
    // The raw answer as well, for clients that are not the openai SDK.
    const raw = await gate.api("POST", "/v1/chat/completions", chatBody("priced"), key);
    expect(raw.status).toBe(400);
    expect(at(raw.body, "error", "type")).toBe("budget_exceeded");
    expect(raw.headers.get("x-llmgate-call-id")).toBeTruthy();
  });

  it("budget_duration 2s: spend counts from zero again once the period has passed", async () => {
    const { key } = await gate.newKey({ max_budget: ONE_CALL, budget_duration: "2s" });
    const created = await gate.api("GET", `/key/info?key=${key}`);
    const firstReset = String(at(created.body, "info", "budget_reset_at"));
    expect(Date.parse(firstReset)).toBeGreaterThan(Date.now());

    await chat(key);
    expect((await apiErrorOf(chat(key))).status).toBe(400);
    await sleep(Date.parse(firstReset) - Date.now() + 300);

    // A new period: one call fits again, the next is refused again (spend counts from zero).
    expect((await chat(key)).choices).toHaveLength(1);
    const again = await apiErrorOf(chat(key));
    expect(again.status).toBe(400);
    expect(at(again.error, "type")).toBe("budget_exceeded");

    const info = await gate.api("GET", `/key/info?key=${key}`);
    expect(numberAt(info.body, "info", "spend")).toBeCloseTo(ONE_CALL, 12);
    const nextReset = String(at(info.body, "info", "budget_reset_at"));
    expect(Date.parse(nextReset)).toBeGreaterThan(Date.parse(firstReset));
  });

  it("soft_budget reports a header and does not block", async () => {
    const { key } = await gate.newKey({ soft_budget: ONE_CALL });
    const first = await gate.api("POST", "/v1/chat/completions", chatBody("priced"), key);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-llmgate-soft-budget-exceeded")).toBeNull();
    for (let index = 0; index < 2; index++) {
      const over = await gate.api("POST", "/v1/chat/completions", chatBody("priced"), key);
      expect(over.status).toBe(200);
      expect(over.headers.get("x-llmgate-soft-budget-exceeded")).toMatch(/soft_budget/);
    }
  });

  it("a user's budget applies to all the user's keys", async () => {
    const userId = uniqueName("user");
    const created = await gate.api("POST", "/user/new", {
      user_id: userId,
      max_budget: ONE_CALL * 2,
      auto_create_key: false,
    });
    expect(created.status).toBe(200);
    const first = await gate.newKey({ user_id: userId });
    const second = await gate.newKey({ user_id: userId });
    await chat(first.key);
    await chat(second.key);
    for (const key of [first.key, second.key]) {
      const refused = await apiErrorOf(chat(key));
      expect(refused.status).toBe(400);
      expect(refused.message).toContain(userId);
    }
  });

  it("a team's budget and models apply to its keys", async () => {
    const created = await gate.api("POST", "/team/new", {
      team_alias: uniqueName("team"),
      models: ["priced"],
      max_budget: ONE_CALL * 2,
    });
    expect(created.status).toBe(200);
    const teamId = String(at(created.body, "team_id"));
    const first = await gate.newKey({ team_id: teamId });
    const second = await gate.newKey({ team_id: teamId });
    expect((await apiErrorOf(chat(first.key, "other"))).status).toBe(401);
    await chat(first.key);
    await chat(second.key);
    for (const key of [first.key, second.key]) {
      const refused = await apiErrorOf(chat(key));
      expect(refused.status).toBe(400);
      expect(at(refused.error, "type")).toBe("budget_exceeded");
    }
  });

  it("a blocked team's keys are refused at once", async () => {
    const created = await gate.api("POST", "/team/new", { team_alias: uniqueName("blocked-team") });
    const teamId = String(at(created.body, "team_id"));
    const { key } = await gate.newKey({ team_id: teamId });
    await chat(key);
    const blocked = await gate.api("POST", "/team/update", { team_id: teamId, blocked: true });
    expect(blocked.status).toBe(200);
    const refused = await apiErrorOf(chat(key));
    expect(refused.status).toBe(401);
  });
});

describe("the master key", () => {
  it("is never limited by key rules", async () => {
    const master = new OpenAI({ apiKey: MASTER_KEY, baseURL: `${gate.url}/v1`, maxRetries: 0 });
    const answer = await master.chat.completions.create({
      model: "other",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(answer.choices).toHaveLength(1);
  });
});

describe("budgets when the cache reloads before queued spend is written", () => {
  let slowFlush: Gate;

  beforeAll(async () => {
    slowFlush = await startGate({
      upstreamBaseUrl: upstream.baseUrl,
      general: { proxy_batch_write_at: 30, user_api_key_cache_ttl: 0.3 },
    });
  });

  afterAll(async () => {
    await slowFlush?.stop();
  });

  it("still counts the spend still in the queue (key, user and team)", async () => {
    const userId = uniqueName("queued-user");
    await slowFlush.api("POST", "/user/new", {
      user_id: userId,
      max_budget: ONE_CALL * 2,
      auto_create_key: false,
    });
    const team = await slowFlush.api("POST", "/team/new", {
      team_alias: uniqueName("queued"),
      max_budget: ONE_CALL * 2,
    });
    const teamId = String(at(team.body, "team_id"));
    const owners = [
      await slowFlush.newKey({ max_budget: ONE_CALL * 2 }),
      await slowFlush.newKey({ user_id: userId }),
      await slowFlush.newKey({ team_id: teamId }),
    ];
    const call = (key: string) => slowFlush.api("POST", "/v1/chat/completions", chatBody("priced"), key);
    for (const { key } of owners) {
      expect((await call(key)).status).toBe(200);
      expect((await call(key)).status).toBe(200);
    }
    await sleep(500); // every cache entry has expired and is read again from the store
    for (const { key } of owners) {
      const refused = await call(key);
      expect(refused.status).toBe(400);
      expect(at(refused.body, "error", "type")).toBe("budget_exceeded");
    }
  });
});
