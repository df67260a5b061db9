import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  asMaster,
  createManagementTestApp,
  type ManagementTestApp,
} from "../../../test/fakes/management-app.js";
import { hashApiKey } from "../../store/index.js";

let harness: ManagementTestApp;

beforeEach(async () => {
  harness = await createManagementTestApp();
});

afterEach(async () => {
  await harness.close();
});

async function post(url: string, payload: unknown, headers: Record<string, string> = asMaster) {
  const response = await harness.app.inject({ method: "POST", url, payload: payload as object, headers });
  return { status: response.statusCode, body: response.json() };
}

async function get(url: string, headers: Record<string, string> = asMaster) {
  const response = await harness.app.inject({ method: "GET", url, headers });
  return { status: response.statusCode, body: response.json() };
}

async function generate(payload: Record<string, unknown> = {}) {
  const response = await post("/key/generate", payload);
  expect(response.status).toBe(200);
  return response.body as { key: string; token: string } & Record<string, unknown>;
}

describe("/key/generate", () => {
  it("answers the raw key once, its hash as token, and the stored fields", async () => {
    const body = await generate({
      key_alias: "ci",
      models: ["gpt-4o"],
      max_budget: 10,
      soft_budget: 5,
      budget_duration: "30d",
      rpm_limit: 60,
      tpm_limit: 1000,
      max_parallel_requests: 2,
      duration: "1h",
      metadata: { owner: "ops" },
      aliases: { fast: "gpt-4o" },
    });
    expect(body.key).toMatch(/^sk-[A-Za-z0-9_-]{32,}$/);
    expect(body).toMatchObject({
      token: hashApiKey(body.key),
      key_name: `sk-...${body.key.slice(-4)}`,
      key_alias: "ci",
      models: ["gpt-4o"],
      max_budget: 10,
      soft_budget: 5,
      budget_duration: "30d",
      budget_reset_at: "2025-03-31T10:00:00.000Z",
      rpm_limit: 60,
      tpm_limit: 1000,
      max_parallel_requests: 2,
      duration: "1h",
      expires: "2025-03-01T11:00:00.000Z",
      metadata: { owner: "ops" },
      aliases: { fast: "gpt-4o" },
      spend: 0,
      blocked: false,
      user_id: null,
      team_id: null,
    });
    const stored = await harness.stores.keys.findByHash(hashApiKey(body.key));
    expect(stored?.keyAlias).toBe("ci");
  });

  it("makes a key that never expires when no duration is given", async () => {
    const body = await generate();
    expect(body.expires).toBeNull();
    expect(body.models).toEqual([]);
  });

  it("accepts a custom sk- key and refuses one without the prefix", async () => {
    expect((await generate({ key: "sk-my-own-key" })).key).toBe("sk-my-own-key");
    const refused = await post("/key/generate", { key: "my-own-key" });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('must start with "sk-"');
  });

  it("refuses unknown fields, bad types and bad durations with a 400 naming them", async () => {
    const unknown = await post("/key/generate", { modles: ["x"] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ type: "invalid_request_error" });
    expect(unknown.body.error.message).toContain('unknown field "modles"');
    const badType = await post("/key/generate", { max_budget: "ten" });
    expect(badType.body.error.message).toContain("max_budget");
    expect(badType.body.error.param).toBe("max_budget");
    const badDuration = await post("/key/generate", { duration: "30x" });
    expect(badDuration.status).toBe(400);
    expect(badDuration.body.error.message).toContain("duration: expected a duration");
    const negative = await post("/key/generate", { rpm_limit: -1 });
    expect(negative.status).toBe(400);
  });

  it("refuses a duplicate key_alias with a 400", async () => {
    await generate({ key_alias: "dup" });
    const second = await post("/key/generate", { key_alias: "dup" });
    expect(second.status).toBe(400);
    expect(second.body.error.message).toBe('key_alias "dup" is already used by another key');
  });

  it("refuses a team that does not exist and models outside the team's", async () => {
    const missing = await post("/key/generate", { team_id: "nope" });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('team_id "nope" does not exist');
    await harness.stores.teams.create({ teamId: "t1", models: ["gpt-4o"] });
    const outside = await post("/key/generate", { team_id: "t1", models: ["gpt-4o", "claude"] });
    expect(outside.status).toBe(400);
    expect(outside.body.error.message).toContain('"claude"');
    expect((await generate({ team_id: "t1", models: ["gpt-4o"] })).team_id).toBe("t1");
  });

  it("creates the user a key names when it does not exist", async () => {
    await generate({ user_id: "alice" });
    expect(await harness.stores.users.findById("alice")).toMatchObject({ userId: "alice" });
  });

  it("is for the master key only", async () => {
    const created = await generate();
    const asKey = await post("/key/generate", {}, { authorization: `Bearer ${created.key}` });
    expect(asKey.status).toBe(403);
    const anonymous = await post("/key/generate", {}, {});
    expect(anonymous.status).toBe(401);
  });
});

describe("/key/info", () => {
  it("answers {key, info} without the hash, by raw key or hash, after flushing spend", async () => {
    const created = await generate({ key_alias: "info", max_budget: 3 });
    await harness.stores.keys.incrementSpend(created.token, 0.25);
    const byRaw = await get(`/key/info?key=${created.key}`);
    expect(byRaw.status).toBe(200);
    expect(byRaw.body.key).toBe(created.key);
    expect(byRaw.body.info).toMatchObject({ key_alias: "info", spend: 0.25, max_budget: 3, blocked: false });
    expect(byRaw.body.info).not.toHaveProperty("token");
    expect(JSON.stringify(byRaw.body.info)).not.toContain(created.key);
    expect(harness.flushCount()).toBe(1);
    const byHash = await get(`/key/info?key=${created.token}`);
    expect(byHash.body).toMatchObject({ key: created.token, info: { key_alias: "info" } });
  });

  it("lets a key ask about itself (with or without ?key=) but not about another key", async () => {
    const own = await generate({ key_alias: "own" });
    const other = await generate({ key_alias: "other" });
    const headers = { authorization: `Bearer ${own.key}` };
    expect((await get("/key/info", headers)).body.info.key_alias).toBe("own");
    expect((await get(`/key/info?key=${own.key}`, headers)).status).toBe(200);
    const forbidden = await get(`/key/info?key=${other.key}`, headers);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.type).toBe("permission_error");
  });

  it("answers 404 in OpenAI's error shape for an unknown key, 400 without key for the master key", async () => {
    const missing = await get("/key/info?key=sk-unknown");
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: { message: "key not found", type: "not_found_error", param: "key", code: "not_found" },
    });
    expect((await get("/key/info")).status).toBe(400);
  });
});

describe("/key/update, /key/block, /key/unblock", () => {
  it("changes only the fields given, null clears, and invalidates the cached key", async () => {
    const created = await generate({ key_alias: "u", max_budget: 5, duration: "1h", rpm_limit: 10 });
    const updated = await post("/key/update", {
      key: created.key,
      max_budget: 20,
      rpm_limit: null,
      duration: null,
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      key: created.key,
      token: created.token,
      key_alias: "u",
      max_budget: 20,
      rpm_limit: null,
      expires: null,
    });
    expect(harness.invalidated.keys).toContain(created.token);
  });

  it("checks the team rule on update and answers 404 for an unknown key", async () => {
    await harness.stores.teams.create({ teamId: "t1", models: ["a"] });
    const created = await generate({ models: ["b"] });
    expect((await post("/key/update", { key: created.key, team_id: "t1" })).status).toBe(400);
    expect((await post("/key/update", { key: "sk-missing", max_budget: 1 })).status).toBe(404);
  });

  it("blocks and unblocks, answering the key record", async () => {
    const created = await generate();
    const blocked = await post("/key/block", { key: created.key });
    expect(blocked.body).toMatchObject({ token: created.token, blocked: true });
    expect((await harness.stores.keys.findByHash(created.token))?.isBlocked).toBe(true);
    const unblocked = await post("/key/unblock", { key: created.token });
    expect(unblocked.body.blocked).toBe(false);
    expect(harness.invalidated.keys.filter((hash) => hash === created.token)).toHaveLength(2);
    expect((await post("/key/block", { key: "sk-nope" })).status).toBe(404);
  });
});

describe("/key/regenerate", () => {
  it("gives a new raw key to the same record; the old one is gone", async () => {
    const created = await generate({ key_alias: "rot", max_budget: 7 });
    const regenerated = await post("/key/regenerate", { key: created.key, max_budget: 8 });
    expect(regenerated.status).toBe(200);
    expect(regenerated.body.key).not.toBe(created.key);
    expect(regenerated.body).toMatchObject({
      token: hashApiKey(regenerated.body.key),
      key_alias: "rot",
      max_budget: 8,
    });
    expect(await harness.stores.keys.findByHash(created.token)).toBeUndefined();
    expect(harness.invalidated.keys).toContain(created.token);
  });

  it("leaves the old key working when a change is refused", async () => {
    await generate({ key_alias: "taken" });
    const created = await generate({ key_alias: "mine" });
    const refused = await post("/key/regenerate", { key: created.key, key_alias: "taken" });
    expect(refused.status).toBe(400);
    expect(await harness.stores.keys.findByHash(created.token)).toMatchObject({ keyAlias: "mine" });
    const reused = await post("/key/regenerate", { key: created.key, new_key: created.key });
    expect(reused.status).toBe(400);
    expect(reused.body.error.message).toBe("new_key is already in use");
  });

  it("invalidates the cached key when its changes were written but the new key was not", async () => {
    const created = await generate({ max_budget: 7 });
    const keys = harness.stores.keys;
    const replaceHash = keys.replaceHash;
    keys.replaceHash = async () => {
      throw new Error("the database went away");
    };
    try {
      const failed = await post("/key/regenerate", { key: created.key, max_budget: 9 });
      expect(failed.status).toBe(500);
    } finally {
      keys.replaceHash = replaceHash;
    }
    expect((await keys.findByHash(created.token))?.maxBudget).toBe(9);
    expect(harness.invalidated.keys).toContain(created.token);
  });

  it("takes the key from the path too, and answers 404 for an unknown one", async () => {
    const created = await generate();
    const byPath = await post(`/key/${created.key}/regenerate`, {});
    expect(byPath.status).toBe(200);
    expect(byPath.body.key).toMatch(/^sk-/);
    expect((await post("/key/sk-missing/regenerate", {})).status).toBe(404);
  });
});

describe("/key/delete and /key/list", () => {
  it("deletes by keys or aliases, answering them; 404 and nothing deleted when one is unknown", async () => {
    const first = await generate({ key_alias: "first" });
    const second = await generate({ key_alias: "second" });
    const partial = await post("/key/delete", { keys: [first.key, "sk-unknown"] });
    expect(partial.status).toBe(404);
    expect(await harness.stores.keys.findByHash(first.token)).toBeDefined();
    expect((await post("/key/delete", { keys: [first.key] })).body).toEqual({ deleted_keys: [first.key] });
    expect((await post("/key/delete", { key_aliases: ["second"] })).body).toEqual({
      deleted_keys: ["second"],
    });
    expect(harness.invalidated.keys).toEqual(expect.arrayContaining([first.token, second.token]));
    expect((await post("/key/delete", {})).status).toBe(400);
  });

  it("lists hashes by default, objects on request, paged and filtered", async () => {
    for (let index = 0; index < 3; index++) await generate({ user_id: "u1" });
    await generate({ user_id: "u2" });
    const page = await get("/key/list?user_id=u1&size=2&page=2");
    expect(page.body).toMatchObject({ total_count: 3, current_page: 2, total_pages: 2 });
    expect(page.body.keys).toHaveLength(1);
    expect(typeof page.body.keys[0]).toBe("string");
    const full = await get("/key/list?return_full_object=true");
    expect(full.body.total_count).toBe(4);
    expect(full.body.keys[0]).toHaveProperty("token");
    expect((await get("/key/list?page=0")).status).toBe(400);
  });
});
