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

async function post(url: string, payload: unknown) {
  const response = await harness.app.inject({
    method: "POST",
    url,
    payload: payload as object,
    headers: asMaster,
  });
  return { status: response.statusCode, body: response.json() };
}

async function get(url: string) {
  const response = await harness.app.inject({ method: "GET", url, headers: asMaster });
  return { status: response.statusCode, body: response.json() };
}

describe("/user/*", () => {
  it("/user/new creates the user and a key for them, as LiteLLM does", async () => {
    const created = await post("/user/new", {
      user_id: "alice",
      user_email: "alice@example.com",
      user_role: "internal_user",
      models: ["gpt-4o"],
      max_budget: 50,
      key_alias: "alice-key",
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      user_id: "alice",
      user_email: "alice@example.com",
      user_role: "internal_user",
      models: ["gpt-4o"],
      max_budget: 50,
      spend: 0,
      key_alias: "alice-key",
      teams: [],
    });
    expect(created.body.key).toMatch(/^sk-/);
    const key = await harness.stores.keys.findByHash(hashApiKey(created.body.key));
    expect(key).toMatchObject({ userId: "alice", models: ["gpt-4o"], maxBudget: null });
  });

  it("/user/new makes an id when none is given, skips the key on request, refuses duplicates", async () => {
    const created = await post("/user/new", { auto_create_key: false });
    expect(created.body.user_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.body.key).toBeNull();
    expect((await harness.stores.keys.list()).total).toBe(0);
    const duplicate = await post("/user/new", { user_id: created.body.user_id });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error.message).toContain("already exists");
    expect((await post("/user/new", { user_role: "root" })).status).toBe(400);
  });

  it("/user/new joins the teams named; an unknown team is a 400", async () => {
    await harness.stores.teams.create({ teamId: "t1" });
    const created = await post("/user/new", { user_id: "bob", teams: ["t1"] });
    expect(created.body.teams).toEqual(["t1"]);
    expect((await harness.stores.teams.findById("t1"))?.members).toEqual([{ userId: "bob", role: "user" }]);
    expect((await post("/user/new", { user_id: "carol", teams: ["nope"] })).status).toBe(400);
    expect(await harness.stores.users.findById("carol")).toBeUndefined();
    await harness.stores.teams.create({ teamId: "t2", models: ["a"] });
    const outside = await post("/user/new", { user_id: "dan", team_id: "t2", models: ["b"] });
    expect(outside.status).toBe(400);
    expect(await harness.stores.users.findById("dan")).toBeUndefined();
    const joined = await post("/user/new", { user_id: "dan", team_id: "t2", models: ["a"] });
    expect(joined.body).toMatchObject({ team_id: "t2", teams: ["t2"] });
  });

  it("/user/info shows the user, their keys and teams; 404 for an unknown user", async () => {
    await harness.stores.teams.create({ teamId: "t1", members: [{ userId: "dave", role: "admin" }] });
    await post("/user/new", { user_id: "dave" });
    const info = await get("/user/info?user_id=dave");
    expect(info.status).toBe(200);
    expect(info.body.user_id).toBe("dave");
    expect(info.body.user_info).toMatchObject({ user_id: "dave", spend: 0 });
    expect(info.body.keys).toHaveLength(1);
    expect(info.body.teams.map((team: { team_id: string }) => team.team_id)).toEqual(["t1"]);
    const missing = await get("/user/info?user_id=nobody");
    expect(missing.status).toBe(404);
    expect(missing.body.error.type).toBe("not_found_error");
    expect((await get("/user/info")).status).toBe(400);
  });

  it("/user/update answers {user_id, data} and invalidates; /user/list pages", async () => {
    await post("/user/new", { user_id: "erin", auto_create_key: false });
    await post("/user/new", { user_id: "finn", auto_create_key: false, user_role: "proxy_admin" });
    const updated = await post("/user/update", { user_id: "erin", max_budget: 9, rpm_limit: 3 });
    expect(updated.body).toMatchObject({ user_id: "erin", data: { max_budget: 9, rpm_limit: 3 } });
    expect(harness.invalidated.users).toContain("erin");
    expect((await post("/user/update", { user_id: "ghost", max_budget: 1 })).status).toBe(404);
    const list = await get("/user/list?page_size=1");
    expect(list.body).toMatchObject({ total: 2, page: 1, page_size: 1, total_pages: 2 });
    const admins = await get("/user/list?role=proxy_admin");
    expect(admins.body.users.map((user: { user_id: string }) => user.user_id)).toEqual(["finn"]);
  });

  it("/user/delete removes the users, their keys and memberships", async () => {
    await harness.stores.teams.create({ teamId: "t1" });
    const created = await post("/user/new", { user_id: "gina", teams: ["t1"] });
    const deleted = await post("/user/delete", { user_ids: ["gina"] });
    expect(deleted.body).toEqual({ deleted_users: ["gina"] });
    expect(await harness.stores.keys.findByHash(hashApiKey(created.body.key))).toBeUndefined();
    expect((await harness.stores.teams.findById("t1"))?.members).toEqual([]);
    expect(harness.invalidated.keys).toContain(hashApiKey(created.body.key));
    expect((await post("/user/delete", { user_ids: ["gina"] })).status).toBe(404);
  });
});

describe("/team/*", () => {
  it("/team/new answers LiteLLM's team shape and creates member users", async () => {
    const created = await post("/team/new", {
      team_alias: "core",
      members_with_roles: [{ user_id: "u1", role: "admin" }],
      models: ["gpt-4o"],
      rpm_limit: 99,
      max_budget: 100,
      budget_duration: "1d",
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      team_alias: "core",
      admins: [],
      members: [],
      members_with_roles: [{ user_id: "u1", role: "admin", user_email: null }],
      models: ["gpt-4o"],
      rpm_limit: 99,
      tpm_limit: null,
      max_budget: 100,
      budget_duration: "1d",
      budget_reset_at: "2025-03-02T10:00:00.000Z",
      spend: 0,
      blocked: false,
      metadata: {},
    });
    expect(created.body.team_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await harness.stores.users.findById("u1")).toBeDefined();
    const duplicate = await post("/team/new", { team_id: created.body.team_id });
    expect(duplicate.status).toBe(400);
  });

  it("/team/info shows the team and its keys; /team/update answers {team_id, data}", async () => {
    await post("/team/new", { team_id: "t1" });
    await post("/key/generate", { team_id: "t1" });
    const info = await get("/team/info?team_id=t1");
    expect(info.body.team_id).toBe("t1");
    expect(info.body.team_info.team_id).toBe("t1");
    expect(info.body.keys).toHaveLength(1);
    expect((await get("/team/info?team_id=nope")).status).toBe(404);
    const updated = await post("/team/update", { team_id: "t1", blocked: true, tpm_limit: 5 });
    expect(updated.body).toMatchObject({ team_id: "t1", data: { blocked: true, tpm_limit: 5 } });
    expect(harness.invalidated.teams).toContain("t1");
    expect((await post("/team/update", { team_id: "nope", blocked: true })).status).toBe(404);
  });

  it("/team/member_add adds one or many (roles updated), /team/member_delete removes", async () => {
    await post("/team/new", { team_id: "t1" });
    const added = await post("/team/member_add", { team_id: "t1", member: { user_id: "a", role: "admin" } });
    expect(added.body.members_with_roles).toEqual([{ user_id: "a", role: "admin", user_email: null }]);
    expect(added.body.updated_users.map((user: { user_id: string }) => user.user_id)).toEqual(["a"]);
    const many = await post("/team/member_add", {
      team_id: "t1",
      member: [{ user_id: "b" }, { user_id: "a" }],
    });
    expect(many.body.members_with_roles).toHaveLength(2);
    expect((await post("/team/member_add", { team_id: "nope", member: { user_id: "a" } })).status).toBe(404);
    const removed = await post("/team/member_delete", { team_id: "t1", user_id: "a" });
    expect(removed.body.members_with_roles.map((member: { user_id: string }) => member.user_id)).toEqual([
      "b",
    ]);
    expect((await post("/team/member_delete", { team_id: "t1", user_id: "a" })).status).toBe(404);
    expect(harness.invalidated.users).toEqual(expect.arrayContaining(["a", "b"]));
  });

  it("/team/list lists all teams or a user's; /team/delete removes teams and their keys", async () => {
    await post("/team/new", { team_id: "t1", members_with_roles: [{ user_id: "x", role: "user" }] });
    await post("/team/new", { team_id: "t2" });
    expect((await get("/team/list")).body).toHaveLength(2);
    const mine = await get("/team/list?user_id=x");
    expect(mine.body.map((team: { team_id: string }) => team.team_id)).toEqual(["t1"]);
    const key = await post("/key/generate", { team_id: "t1" });
    expect((await post("/team/delete", { team_ids: ["t1", "nope"] })).status).toBe(404);
    expect((await post("/team/delete", { team_ids: ["t1"] })).body).toEqual({ deleted_teams: ["t1"] });
    expect(await harness.stores.keys.findByHash(key.body.token)).toBeUndefined();
    expect(harness.invalidated.keys).toContain(key.body.token);
    expect((await post("/team/delete", { team_ids: [] })).status).toBe(400);
  });
});
