import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  asMaster,
  createManagementTestApp,
  type ManagementTestApp,
} from "../../../test/fakes/management-app.js";
import { hashApiKey, type SpendLogEntry } from "../../store/index.js";

let harness: ManagementTestApp;
const rawKey = "sk-spend-test-key";

function entry(overrides: Partial<SpendLogEntry> & { requestId: string }): SpendLogEntry {
  return {
    callType: "acompletion",
    apiKey: hashApiKey(rawKey),
    modelGroup: "gpt-4o",
    model: "gpt-4o-2024-08-06",
    promptTokens: 10,
    completionTokens: 5,
    spend: 0.01,
    status: "success",
    startTime: "2025-03-01T10:00:00.000Z",
    endTime: "2025-03-01T10:00:01.000Z",
    ...overrides,
  };
}

beforeEach(async () => {
  harness = await createManagementTestApp();
  await harness.stores.teams.create({ teamId: "t1", teamAlias: "Core" });
  await harness.stores.keys.create({ tokenHash: hashApiKey(rawKey), keyAlias: "spender", teamId: "t1" });
  await harness.stores.spend.insertBatch([
    entry({ requestId: "r1", userId: "u1", teamId: "t1", responseId: "chatcmpl-1" }),
    entry({
      requestId: "r2",
      userId: "u2",
      spend: 0.02,
      startTime: "2025-03-02T09:00:00.000Z",
      endTime: "2025-03-02T09:00:02.000Z",
    }),
    entry({
      requestId: "r3",
      apiKey: null,
      modelGroup: "embedder",
      spend: 0.005,
      status: "failure",
      errorCode: "429",
      startTime: "2025-03-02T10:00:00.000Z",
      endTime: "2025-03-02T10:00:00.500Z",
    }),
  ]);
});

afterEach(async () => {
  await harness.close();
});

async function get(url: string) {
  const response = await harness.app.inject({ method: "GET", url, headers: asMaster });
  return { status: response.statusCode, body: response.json() };
}

describe("/spend/logs", () => {
  it("answers LiteLLM's row shape, newest first, after flushing queued spend", async () => {
    const logs = await get("/spend/logs");
    expect(logs.status).toBe(200);
    expect(logs.body.map((row: { request_id: string }) => row.request_id)).toEqual(["r3", "r2", "r1"]);
    expect(logs.body[2]).toMatchObject({
      request_id: "r1",
      response_id: "chatcmpl-1",
      call_type: "acompletion",
      api_key: hashApiKey(rawKey),
      spend: 0.01,
      prompt_tokens: 10,
      completion_tokens: 5,
      total_tokens: 15,
      startTime: "2025-03-01T10:00:00.000Z",
      endTime: "2025-03-01T10:00:01.000Z",
      request_duration_ms: 1000,
      model: "gpt-4o-2024-08-06",
      model_group: "gpt-4o",
      user: "u1",
      team_id: "t1",
      status: "success",
    });
    expect(logs.body[0]).toMatchObject({ status: "failure", error_code: "429" });
    expect(harness.flushCount()).toBe(1);
  });

  it("filters by request id, key (raw or hash), user, team and dates", async () => {
    const ids = async (query: string) =>
      (await get(`/spend/logs?${query}`)).body.map((row: { request_id: string }) => row.request_id);
    expect(await ids("request_id=r2")).toEqual(["r2"]);
    expect(await ids(`api_key=${rawKey}`)).toEqual(["r2", "r1"]);
    expect(await ids(`api_key=${hashApiKey(rawKey)}`)).toEqual(["r2", "r1"]);
    expect(await ids("user_id=u1")).toEqual(["r1"]);
    expect(await ids("team_id=t1")).toEqual(["r1"]);
    expect(await ids("start_date=2025-03-02&end_date=2025-03-02")).toEqual(["r3", "r2"]);
    expect(await ids("limit=1&offset=1")).toEqual(["r2"]);
  });

  it("refuses bad dates and unknown parameters with a 400", async () => {
    expect((await get("/spend/logs?start_date=yesterday")).status).toBe(400);
    const unknown = await get("/spend/logs?summarize=false");
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('unknown field "summarize"');
  });
});

describe("/global/spend and /global/spend/report", () => {
  it("/global/spend answers the total, optionally in a date range", async () => {
    expect((await get("/global/spend")).body).toEqual({ spend: 0.035, max_budget: null });
    expect((await get("/global/spend?start_date=2025-03-02")).body.spend).toBeCloseTo(0.025);
  });

  it("/global/spend/report groups daily totals by team (default), naming teams like LiteLLM", async () => {
    const report = await get("/global/spend/report");
    expect(report.status).toBe(200);
    expect(report.body[0]).toEqual({
      group_by_day: "2025-03-01T00:00:00+00:00",
      teams: [
        {
          team_id: "t1",
          team_name: "Core",
          total_spend: 0.01,
          prompt_tokens: 10,
          completion_tokens: 5,
          total_tokens: 15,
          requests: 1,
        },
      ],
    });
    expect(report.body[1].teams[0]).toMatchObject({
      team_id: null,
      team_name: "Unassigned Team",
      requests: 2,
    });
  });

  it("/global/spend/report groups by model and by key", async () => {
    const byModel = await get(
      "/global/spend/report?group_by=model&start_date=2025-03-02&end_date=2025-03-02",
    );
    expect(byModel.body).toHaveLength(1);
    expect(byModel.body[0].models.map((entry: { model: string }) => entry.model).sort()).toEqual([
      "embedder",
      "gpt-4o",
    ]);
    const byKey = await get("/global/spend/report?group_by=api_key&end_date=2025-03-01");
    expect(byKey.body[0].api_keys).toEqual([
      expect.objectContaining({ api_key: hashApiKey(rawKey), key_alias: "spender", total_spend: 0.01 }),
    ]);
    expect((await get("/global/spend/report?group_by=customer")).status).toBe(400);
  });
});
