/**
 * The management API end to end: the real CLI on a SQLite file, keys made with the master key and
 * used with the official openai client against the fake upstream.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ProxyProcess, startProxy } from "../fakes/proxy-process.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";

const MASTER_KEY = "sk-master-e2e";

let upstream: FakeUpstream;
let proxy: ProxyProcess;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  proxy = await startProxy({
    config: `
model_list:
  - model_name: my-model
    litellm_params:
      model: openai/upstream-model
      api_base: ${upstream.baseUrl}
      api_key: sk-upstream
  - model_name: other-model
    litellm_params:
      model: openai/other-upstream-model
      api_base: ${upstream.baseUrl}
      api_key: sk-upstream
router_settings:
  num_retries: 0
general_settings:
  master_key: ${MASTER_KEY}
`,
  });
});

afterAll(async () => {
  await proxy?.stop();
  await upstream?.close();
});

async function api(method: "GET" | "POST", path: string, body?: unknown, key: string | null = MASTER_KEY) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const response = await fetch(proxy.url + path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
}

function clientFor(key: string): OpenAI {
  return new OpenAI({ apiKey: key, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
}

async function chat(key: string, model = "my-model") {
  return clientFor(key).chat.completions.create({ model, messages: [{ role: "user", content: "hi" }] });
}

describe("keys", () => {
  it("creates a key with the master key, reads it back, updates it", async () => {
    const created = await api("POST", "/key/generate", {
      key_alias: "e2e-read",
      models: ["my-model"],
      max_budget: 5,
    });
    expect(created.status).toBe(200);
    expect(created.body.key).toMatch(/^sk-/);
    const info = await api("GET", `/key/info?key=${created.body.key}`);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({
      key: created.body.key,
      info: { key_alias: "e2e-read", models: ["my-model"], max_budget: 5, spend: 0, blocked: false },
    });
    const updated = await api("POST", "/key/update", { key: created.body.key, max_budget: 6 });
    expect(updated.body.max_budget).toBe(6);
    expect((await api("GET", `/key/info?key=${created.body.token}`)).body.info.max_budget).toBe(6);
  });

  it("lets a generated key make a chat call with the official client, and records its spend row", async () => {
    const created = await api("POST", "/key/generate", { key_alias: "e2e-chat" });
    const { data, response } = await clientFor(created.body.key)
      .chat.completions.create({ model: "my-model", messages: [{ role: "user", content: "hi" }] })
      .withResponse();
    expect(data.object).toBe("chat.completion");
    const callId = response.headers.get("x-llmgate-call-id");
    expect(callId).toBeTruthy();
    const logs = await api("GET", `/spend/logs?request_id=${callId}`);
    expect(logs.status).toBe(200);
    expect(logs.body).toHaveLength(1);
    expect(logs.body[0]).toMatchObject({
      request_id: callId,
      api_key: created.body.token,
      model_group: "my-model",
    });
    const byKey = await api("GET", `/spend/logs?api_key=${created.body.key}`);
    expect(byKey.body.map((row: { request_id: string }) => row.request_id)).toContain(callId);
  });

  it("blocks and unblocks a key: a blocked key gets 401", async () => {
    const created = await api("POST", "/key/generate", {});
    expect((await api("POST", "/key/block", { key: created.body.key })).body.blocked).toBe(true);
    await expect(chat(created.body.key)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect((await api("POST", "/key/unblock", { key: created.body.key })).body.blocked).toBe(false);
    expect((await chat(created.body.key)).object).toBe("chat.completion");
  });

  it("regenerates a key: the old one stops working, the new one works", async () => {
    const created = await api("POST", "/key/generate", { key_alias: "e2e-rotate" });
    expect((await chat(created.body.key)).object).toBe("chat.completion");
    const regenerated = await api("POST", `/key/${created.body.key}/regenerate`, {});
    expect(regenerated.status).toBe(200);
    expect(regenerated.body.key_alias).toBe("e2e-rotate");
    await expect(chat(created.body.key)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect((await chat(regenerated.body.key)).object).toBe("chat.completion");
  });

  it("deletes keys by key and by alias: deleted keys get 401", async () => {
    const first = await api("POST", "/key/generate", {});
    const second = await api("POST", "/key/generate", { key_alias: "e2e-delete" });
    expect((await api("POST", "/key/delete", { keys: [first.body.key] })).body).toEqual({
      deleted_keys: [first.body.key],
    });
    expect((await api("POST", "/key/delete", { key_aliases: ["e2e-delete"] })).body).toEqual({
      deleted_keys: ["e2e-delete"],
    });
    await expect(chat(first.body.key)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(chat(second.body.key)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect((await api("GET", `/key/info?key=${first.body.key}`)).status).toBe(404);
  });

  it("keeps management for the master key: a virtual key gets 403, no key 401; a key may read itself", async () => {
    const own = await api("POST", "/key/generate", { key_alias: "e2e-self" });
    const other = await api("POST", "/key/generate", {});
    expect((await api("POST", "/key/generate", {}, own.body.key)).status).toBe(403);
    expect((await api("POST", "/key/generate", {}, null)).status).toBe(401);
    expect((await api("GET", "/key/list", undefined, own.body.key)).status).toBe(403);
    const self = await api("GET", "/key/info", undefined, own.body.key);
    expect(self.status).toBe(200);
    expect(self.body.info.key_alias).toBe("e2e-self");
    expect((await api("GET", `/key/info?key=${other.body.key}`, undefined, own.body.key)).status).toBe(403);
  });

  it("lists keys and answers 400 with OpenAI's error shape for a bad body", async () => {
    const list = await api("GET", "/key/list?size=2&return_full_object=true");
    expect(list.body.keys.length).toBeLessThanOrEqual(2);
    expect(list.body.total_count).toBeGreaterThan(2);
    const bad = await api("POST", "/key/generate", { duration: "forever" });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ type: "invalid_request_error", param: "duration" });
  });
});

describe("users and teams", () => {
  it("creates a team and a user in it; a team key is limited to the team's models", async () => {
    const team = await api("POST", "/team/new", { team_alias: "e2e-team", models: ["my-model"] });
    expect(team.status).toBe(200);
    const teamId: string = team.body.team_id;
    const user = await api("POST", "/user/new", { user_id: "e2e-user", teams: [teamId], max_budget: 10 });
    expect(user.body).toMatchObject({ user_id: "e2e-user", teams: [teamId], max_budget: 10 });
    expect(user.body.key).toMatch(/^sk-/);
    const outside = await api("POST", "/key/generate", { team_id: teamId, models: ["other-model"] });
    expect(outside.status).toBe(400);
    const teamKey = await api("POST", "/key/generate", { team_id: teamId, user_id: "e2e-user" });
    expect((await chat(teamKey.body.key)).object).toBe("chat.completion");

    const added = await api("POST", "/team/member_add", {
      team_id: teamId,
      member: { user_id: "e2e-admin", role: "admin" },
    });
    expect(added.body.members_with_roles).toHaveLength(2);
    const info = await api("GET", `/team/info?team_id=${teamId}`);
    expect(info.body.team_info.team_alias).toBe("e2e-team");
    expect(info.body.keys.map((key: { token: string }) => key.token)).toContain(teamKey.body.token);
    const userInfo = await api("GET", "/user/info?user_id=e2e-user");
    expect(userInfo.body.keys).toHaveLength(2);
    expect(userInfo.body.teams.map((entry: { team_id: string }) => entry.team_id)).toEqual([teamId]);

    const removed = await api("POST", "/team/member_delete", { team_id: teamId, user_id: "e2e-admin" });
    expect(removed.body.members_with_roles).toHaveLength(1);
    expect((await api("POST", "/team/update", { team_id: teamId, rpm_limit: 100 })).body.data.rpm_limit).toBe(
      100,
    );
    expect(
      (await api("GET", "/team/list")).body.map((entry: { team_id: string }) => entry.team_id),
    ).toContain(teamId);
    expect((await api("GET", "/user/list")).body.total).toBeGreaterThanOrEqual(2);

    expect((await api("POST", "/team/delete", { team_ids: [teamId] })).body).toEqual({
      deleted_teams: [teamId],
    });
    await expect(chat(teamKey.body.key)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect((await api("POST", "/user/delete", { user_ids: ["e2e-user"] })).body).toEqual({
      deleted_users: ["e2e-user"],
    });
    await expect(chat(user.body.key)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect((await api("GET", "/user/info?user_id=e2e-user")).status).toBe(404);
  });

  it("reports global spend and daily totals", async () => {
    const total = await api("GET", "/global/spend");
    expect(total.status).toBe(200);
    expect(typeof total.body.spend).toBe("number");
    const report = await api("GET", "/global/spend/report?group_by=model");
    expect(report.status).toBe(200);
    expect(Array.isArray(report.body)).toBe(true);
  });
});
