/**
 * Spend tracking end to end through the CLI (SQLite beside the config): the cost of JSON and
 * streamed answers from the usage the fake upstream returned and the deployment's price, the spend
 * headers, one spend-log row per request (success or failure) keyed by `x-llmgate-call-id`, and the
 * global totals and daily report adding up.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { embeddingsAnswer } from "../fakes/upstream-answers.js";
import {
  at,
  chatBody,
  costOf,
  echoUsage,
  type Gate,
  MINI,
  numberAt,
  PRICED,
  type SpendLogRow,
  spendLogOf,
  sseData,
  startGate,
  uniqueName,
} from "./keys-helpers.js";

let upstream: FakeUpstream;
let gate: Gate;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  // A long flush interval: the read routes must write queued rows themselves.
  gate = await startGate({ upstreamBaseUrl: upstream.baseUrl, general: { proxy_batch_write_at: 30 } });
});

afterAll(async () => {
  await gate?.stop();
  await upstream?.close();
});

async function keySpend(key: string): Promise<number> {
  const info = await gate.api("GET", `/key/info?key=${key}`);
  expect(info.status).toBe(200);
  return numberAt(info.body, "info", "spend");
}

function callIdOf(headers: Headers): string {
  const id = headers.get("x-llmgate-call-id");
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  return String(id);
}

async function rowOf(requestId: string): Promise<SpendLogRow> {
  const row = await spendLogOf(gate, requestId);
  if (row === undefined) throw new Error(`no spend-log row for ${requestId}`);
  expect(row.request_id).toBe(requestId);
  return row;
}

/** A scripted stream saying "one two" whose last chunk reports this usage. */
function streamWithUsage(prompt: number, completion: number) {
  const base = {
    id: "chatcmpl-scripted",
    object: "chat.completion.chunk",
    created: 1,
    model: "priced-upstream",
  };
  const choice = (delta: object, finish: string | null) => ({
    ...base,
    choices: [{ index: 0, delta, finish_reason: finish }],
    usage: null,
  });
  return {
    kind: "stream" as const,
    chunks: [
      choice({ role: "assistant", content: "one " }, null),
      choice({ content: "two" }, null),
      choice({}, "stop"),
      {
        ...base,
        choices: [],
        usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
      },
    ],
  };
}

describe("the cost of a JSON answer", () => {
  it("is the usage times the deployment's prices, in the headers, the key's spend and the log", async () => {
    const { key, token } = await gate.newKey({});
    const text = "what does this cost exactly";
    const expected = costOf(echoUsage(text), PRICED);
    const answer = await gate
      .client(key)
      .chat.completions.create({ model: "priced", messages: [{ role: "user", content: text }] })
      .withResponse();
    expect(answer.data.usage).toMatchObject({
      prompt_tokens: echoUsage(text).prompt,
      completion_tokens: echoUsage(text).completion,
    });
    expect(Number(answer.response.headers.get("x-llmgate-response-cost"))).toBeCloseTo(expected, 15);
    expect(Number(answer.response.headers.get("x-llmgate-key-spend"))).toBeCloseTo(expected, 15);

    const second = await gate
      .client(key)
      .chat.completions.create({ model: "priced", messages: [{ role: "user", content: text }] })
      .withResponse();
    expect(Number(second.response.headers.get("x-llmgate-key-spend"))).toBeCloseTo(2 * expected, 15);

    expect(await keySpend(key)).toBeCloseTo(2 * expected, 15);
    const row = await rowOf(callIdOf(answer.response.headers));
    expect(row).toMatchObject({
      api_key: token,
      status: "success",
      model_group: "priced",
      prompt_tokens: echoUsage(text).prompt,
      completion_tokens: echoUsage(text).completion,
      response_id: answer.data.id,
    });
    expect(row.spend).toBeCloseTo(expected, 15);
  });

  it("bills cached prompt tokens at the deployment's cache_read_input_token_cost", async () => {
    const { key } = await gate.newKey({});
    upstream.script({
      kind: "json",
      body: {
        id: "chatcmpl-cached",
        object: "chat.completion",
        created: 1,
        model: "priced-upstream",
        choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
        usage: {
          prompt_tokens: 100,
          completion_tokens: 10,
          total_tokens: 110,
          prompt_tokens_details: { cached_tokens: 40 },
        },
      },
    });
    const answer = await gate.api("POST", "/v1/chat/completions", chatBody("priced"), key);
    expect(answer.status).toBe(200);
    const expected = 60 * PRICED.input + 40 * PRICED.cacheRead + 10 * PRICED.output;
    expect(Number(answer.headers.get("x-llmgate-response-cost"))).toBeCloseTo(expected, 15);
    expect((await rowOf(callIdOf(answer.headers))).spend).toBeCloseTo(expected, 15);
  });

  it("uses the built-in price table for a known model (gpt-4o-mini)", async () => {
    const { key } = await gate.newKey({});
    const text = "price me from the table";
    const answer = await gate.api("POST", "/v1/chat/completions", chatBody("mini", text), key);
    expect(answer.status).toBe(200);
    const expected = costOf(echoUsage(text), MINI);
    expect(expected).toBeGreaterThan(0);
    expect(Number(answer.headers.get("x-llmgate-response-cost"))).toBeCloseTo(expected, 15);
    expect(await keySpend(key)).toBeCloseTo(expected, 15);
  });
});

describe("the cost of other calls", () => {
  it("embeddings and text completions are costed and logged like chat", async () => {
    const { key } = await gate.newKey({});
    const client = gate.client(key);
    const embedded = await client.embeddings
      .create({ model: "priced", input: "three little words" })
      .withResponse();
    const embeddingCost = costOf({ prompt: 3, completion: 0 }, PRICED);
    expect(Number(embedded.response.headers.get("x-llmgate-response-cost"))).toBeCloseTo(embeddingCost, 15);
    const completed = await client.completions.create({ model: "priced", prompt: "say this" }).withResponse();
    const completionCost = costOf({ prompt: 2, completion: 3 }, PRICED);
    expect(Number(completed.response.headers.get("x-llmgate-response-cost"))).toBeCloseTo(completionCost, 15);
    expect((await rowOf(callIdOf(embedded.response.headers))).spend).toBeCloseTo(embeddingCost, 15);
    expect((await rowOf(callIdOf(completed.response.headers))).spend).toBeCloseTo(completionCost, 15);
    expect(await keySpend(key)).toBeCloseTo(embeddingCost + completionCost, 15);
  });

  it("a large embeddings answer (read for its usage, not parsed whole) is costed and relayed whole", async () => {
    const { key } = await gate.newKey({});
    const body = { model: "priced", input: "three little words", dimensions: 1536 };
    const answer = await gate.api("POST", "/v1/embeddings", body, key);
    expect(answer.status).toBe(200);
    const upstreamBody = upstream.requests.at(-1)?.body as Record<string, unknown>;
    expect(answer.body).toEqual(embeddingsAnswer(upstreamBody));
    expect(JSON.stringify(answer.body).length).toBeGreaterThan(4096);
    const cost = costOf({ prompt: 3, completion: 0 }, PRICED);
    expect(Number(answer.headers.get("x-llmgate-response-cost"))).toBeCloseTo(cost, 15);
    expect((await rowOf(callIdOf(answer.headers))).spend).toBeCloseTo(cost, 15);
  });
});

describe("the cost of a stream", () => {
  it("comes from the usage chunk the proxy asked for, which a client that did not ask never sees", async () => {
    const { key } = await gate.newKey({});
    upstream.script(streamWithUsage(1000, 2000));
    const before = upstream.requests.length;
    const stream = await gate
      .client(key)
      .chat.completions.create({
        model: "priced",
        messages: [{ role: "user", content: "stream it" }],
        stream: true,
      })
      .withResponse();
    const chunks: unknown[] = [];
    for await (const chunk of stream.data) chunks.push(chunk);
    const content = chunks.map((chunk) => at(chunk, "choices", 0, "delta", "content") ?? "").join("");
    expect(content).toBe("one two");
    // The proxy asked upstream for usage...
    expect(at(upstream.requests[before]?.body, "stream_options", "include_usage")).toBe(true);
    // ...and kept the usage chunk to itself.
    for (const chunk of chunks) {
      expect(chunk).not.toHaveProperty("usage");
      expect((at(chunk, "choices") as unknown[]).length).toBeGreaterThan(0);
    }
    const expected = costOf({ prompt: 1000, completion: 2000 }, PRICED);
    const row = await rowOf(callIdOf(stream.response.headers));
    expect(row).toMatchObject({ status: "success", prompt_tokens: 1000, completion_tokens: 2000 });
    expect(row.spend).toBeCloseTo(expected, 15);
    expect(await keySpend(key)).toBeCloseTo(expected, 15);
  });

  it("passes the usage chunk to a client that asked for it", async () => {
    const { key } = await gate.newKey({});
    upstream.script(streamWithUsage(10, 20));
    const answer = await gate.api(
      "POST",
      "/v1/chat/completions",
      chatBody("priced", "with usage", { stream: true, stream_options: { include_usage: true } }),
      key,
    );
    expect(answer.status).toBe(200);
    const data = sseData(String(answer.body));
    expect(data.at(-1)).toBe("[DONE]");
    const last = JSON.parse(data.at(-2) ?? "{}");
    expect(last).toMatchObject({ choices: [], usage: { prompt_tokens: 10, completion_tokens: 20 } });
    const row = await rowOf(callIdOf(answer.headers));
    expect(row.spend).toBeCloseTo(costOf({ prompt: 10, completion: 20 }, PRICED), 15);
  });

  it("the fake's own streamed usage adds up like its JSON usage", async () => {
    const { key } = await gate.newKey({});
    const text = "count these streamed words please";
    const answer = await gate.api(
      "POST",
      "/v1/chat/completions",
      chatBody("priced", text, { stream: true }),
      key,
    );
    expect(answer.status).toBe(200);
    expect(String(answer.body)).not.toContain('"usage"');
    const row = await rowOf(callIdOf(answer.headers));
    expect(row.spend).toBeCloseTo(costOf(echoUsage(text), PRICED), 15);
  });

  it("is estimated from counted text when the upstream sends no usage", async () => {
    const { key } = await gate.newKey({});
    const noUsage = streamWithUsage(1, 1);
    noUsage.chunks.pop();
    // Text with escapes, in a chunk after the first (the proxy leaves those unparsed and counts
    // their text in place): "one " + 'two "quoted" é' is 18 characters, about 5 tokens.
    const second = noUsage.chunks[1];
    if (second === undefined) throw new Error("the scripted stream has a second chunk");
    second.choices = [{ index: 0, delta: { content: 'two "quoted" é' }, finish_reason: null }];
    upstream.script(noUsage);
    const answer = await gate.api(
      "POST",
      "/v1/chat/completions",
      chatBody("priced", "estimate", { stream: true }),
      key,
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('two \\"quoted\\" é');
    const row = await rowOf(callIdOf(answer.headers));
    expect(row.completion_tokens).toBe(Math.ceil(18 / 4));
    expect(row.spend).toBeGreaterThan(0);
  });
});

describe("spend-log rows", () => {
  it("every request, success or failure, has a row whose request_id is its x-llmgate-call-id", async () => {
    const { key, token } = await gate.newKey({ models: ["priced"], rpm_limit: 3 });
    const outcomes: { status: number; id: string }[] = [];
    const send = async (body: unknown) => {
      const answer = await gate.api("POST", "/v1/chat/completions", body, key);
      outcomes.push({ status: answer.status, id: callIdOf(answer.headers) });
    };
    await send(chatBody("priced")); // 200
    upstream.script({ kind: "error", status: 500 });
    await send(chatBody("priced")); // upstream failure
    await send(chatBody("other")); // model not allowed: 401
    await send(chatBody("priced")); // 200 (third of rpm 3)
    await send(chatBody("priced")); // 429
    await send({ model: "priced", messages: "not a list" }); // 400
    expect(outcomes.map((outcome) => outcome.status)).toEqual([200, 500, 401, 200, 429, 400]);
    for (const outcome of outcomes) {
      const row = await rowOf(outcome.id);
      expect(row.api_key).toBe(token);
      expect(row.status).toBe(outcome.status === 200 ? "success" : "failure");
      if (outcome.status !== 200) expect(row.spend).toBe(0);
    }
    const byKey = await gate.api("GET", `/spend/logs?api_key=${key}`);
    expect((byKey.body as SpendLogRow[]).map((row) => row.request_id).sort()).toEqual(
      outcomes.map((outcome) => outcome.id).sort(),
    );
  });

  it("a request refused before routing with the master key has a row too", async () => {
    const answer = await gate.api("POST", "/v1/chat/completions", chatBody("no-such-model"));
    expect(answer.status).toBe(400);
    const row = await rowOf(callIdOf(answer.headers));
    expect(row).toMatchObject({ status: "failure", api_key: null });
  });
});

describe("totals", () => {
  it("/global/spend and /global/spend/report add up to the rows and to each key's spend", async () => {
    const userId = uniqueName("report-user");
    await gate.api("POST", "/user/new", { user_id: userId, auto_create_key: false });
    const team = await gate.api("POST", "/team/new", { team_alias: uniqueName("report-team") });
    const teamId = String(at(team.body, "team_id"));
    const first = await gate.newKey({ user_id: userId });
    const second = await gate.newKey({ team_id: teamId });
    const texts = ["a", "a b", "a b c", "a b c d"];
    let expectedFirst = 0;
    let expectedSecond = 0;
    for (const text of texts) {
      await gate.api("POST", "/v1/chat/completions", chatBody("priced", text), first.key);
      expectedFirst += costOf(echoUsage(text), PRICED);
      await gate.api("POST", "/v1/chat/completions", chatBody("mini", text), second.key);
      expectedSecond += costOf(echoUsage(text), MINI);
    }
    expect(await keySpend(first.key)).toBeCloseTo(expectedFirst, 12);
    expect(await keySpend(second.key)).toBeCloseTo(expectedSecond, 12);

    const logs = await gate.api("GET", "/spend/logs?limit=1000");
    const rows = logs.body as SpendLogRow[];
    const total = rows.reduce((sum, row) => sum + row.spend, 0);
    const global = await gate.api("GET", "/global/spend");
    expect(numberAt(global.body, "spend")).toBeCloseTo(total, 12);

    const sumOf = (entries: unknown, field: string, value: string) =>
      (Array.isArray(entries) ? entries : [])
        .filter((entry) => at(entry, field) === value)
        .reduce((sum: number, entry) => sum + numberAt(entry, "total_spend"), 0);
    const allEntries = async (groupBy: string, list: string) => {
      const report = await gate.api("GET", `/global/spend/report?group_by=${groupBy}`);
      expect(report.status).toBe(200);
      return (report.body as unknown[]).flatMap((day) => (at(day, list) as unknown[]) ?? []);
    };
    const byKey = await allEntries("api_key", "api_keys");
    expect(sumOf(byKey, "api_key", first.token)).toBeCloseTo(expectedFirst, 12);
    expect(sumOf(byKey, "api_key", second.token)).toBeCloseTo(expectedSecond, 12);
    const byModel = await allEntries("model", "models");
    const modelTotal = byModel.reduce((sum: number, entry) => sum + numberAt(entry, "total_spend"), 0);
    expect(modelTotal).toBeCloseTo(total, 12);
    expect(sumOf(await allEntries("user", "users"), "user_id", userId)).toBeCloseTo(expectedFirst, 12);
    expect(sumOf(await allEntries("team", "teams"), "team_id", teamId)).toBeCloseTo(expectedSecond, 12);
    const info = await gate.api("GET", `/user/info?user_id=${userId}`);
    expect(JSON.stringify(info.body)).toContain("spend");
  });
});
