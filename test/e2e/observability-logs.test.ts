/**
 * One log format at a time, with `--num_workers 2` at debug level: `litellm_settings.json_logs: true`
 * makes every line on stdout and stderr (primary and workers, start-up warnings, requests, a failing
 * callback, shutdown) one JSON object, with no library warning (FSTDEP022 and the like); each
 * request's lines carry its call id. Without json_logs every line is a readable one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProxy } from "../fakes/proxy-process.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { chatBody, eventually, type Gate, gateOf } from "./keys-helpers.js";
import { type DeadCollectors, deadCollectors, observedConfig } from "./observability-helpers.js";

const READABLE_LINE = /^\d{4}-\d\d-\d\dT\S+ llmgate: (trace|debug|info|warn|error|fatal): /;
const LIBRARY_WARNING = /FSTDEP|DeprecationWarning|FastifyWarning|ExperimentalWarning|\(node:\d+\)/;

let upstream: FakeUpstream;
let dead: DeadCollectors;

interface Run {
  gate: Gate;
  callIds: string[];
  output: string;
}

async function run(litellm: Record<string, unknown>): Promise<Run> {
  const config = observedConfig({
    upstreamBaseUrl: upstream.baseUrl,
    // A key llmgate accepts with a start-up warning, and a webhook that refuses (warnings per try).
    litellm: { ...litellm, service_callbacks: ["datadog"], success_callback: ["generic_api"] },
  });
  const gate = gateOf(
    await startProxy({
      config,
      args: ["--num_workers", "2", "--debug"],
      env: { REDIS_URL: "", GENERIC_LOGGER_ENDPOINT: dead.refusedUrl },
    }),
  );
  const answers = [];
  for (let index = 0; index < 6; index++)
    answers.push(await gate.api("POST", "/v1/chat/completions", chatBody("priced", `line ${index}`)));
  upstream.script({ kind: "error", status: 400 });
  answers.push(await gate.api("POST", "/v1/chat/completions", chatBody("priced")));
  // A stream whose upstream dies after its first chunk: a warning line of that request.
  upstream.script({
    kind: "stream",
    chunks: [{ id: "c1", object: "chat.completion.chunk", choices: [] }],
    dieAfter: 1,
  });
  answers.push(await gate.api("POST", "/v1/chat/completions", chatBody("priced", "die", { stream: true })));
  const callIds = answers.map((answer) => answer.headers.get("x-llmgate-call-id") ?? "");
  // The webhook's failed tries are logged before the proxy stops.
  await eventually(async () =>
    /callback delivery failed/.test(gate.proxy.stderr() + gate.proxy.stdout()) ? true : undefined,
  );
  await gate.stop();
  return { gate, callIds, output: gate.proxy.stdout() + gate.proxy.stderr() };
}

let json: Run;
let text: Run;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  dead = await deadCollectors();
  json = await run({ json_logs: true });
  text = await run({});
}, 90_000);

afterAll(async () => {
  await upstream?.close();
  await dead?.close();
});

function lines(output: string): string[] {
  return output.split("\n").filter((line) => line !== "");
}

describe("litellm_settings.json_logs: true with --num_workers 2", () => {
  it("writes only JSON objects, one per line, and no library warning", () => {
    const all = lines(json.output);
    expect(all.length).toBeGreaterThan(10);
    for (const line of all) {
      expect(line).not.toMatch(LIBRARY_WARNING);
      const record: unknown = JSON.parse(line);
      expect(typeof record === "object" && record !== null && !Array.isArray(record), line).toBe(true);
      expect(typeof (record as { msg?: unknown }).msg, line).toBe("string");
    }
  });

  it("comes from the primary and both workers, start-up warning and shutdown included", () => {
    const records = lines(json.output).map((line) => JSON.parse(line) as { pid?: number; msg: string });
    expect(new Set(records.map((record) => record.pid)).size).toBeGreaterThanOrEqual(2);
    expect(records.some((record) => record.msg.includes("service_callbacks"))).toBe(true);
    expect(records.some((record) => record.msg.startsWith("listening on"))).toBe(true);
    expect(records.some((record) => record.msg.includes("finishing open requests"))).toBe(true);
  });

  it("carries each request's call id on its lines", () => {
    const records = lines(json.output).map((line) => JSON.parse(line) as { call_id?: string; msg: string });
    for (const callId of json.callIds) {
      expect(callId).not.toBe("");
      expect(
        records.some((record) => record.call_id === callId),
        callId,
      ).toBe(true);
    }
    const ofRequests = records.filter((record) =>
      /^call (finished|failed)|upstream stream failed/.test(record.msg),
    );
    expect(ofRequests.length).toBeGreaterThanOrEqual(json.callIds.length);
    for (const record of ofRequests) expect(json.callIds).toContain(record.call_id);
    expect(records.some((record) => record.msg === "upstream stream failed")).toBe(true);
  });
});

describe("the default, readable format with --num_workers 2", () => {
  it("writes only readable lines, no JSON and no library warning", () => {
    const all = lines(text.output);
    expect(all.length).toBeGreaterThan(10);
    for (const line of all) {
      expect(line).toMatch(READABLE_LINE);
      expect(line).not.toMatch(LIBRARY_WARNING);
    }
  });

  it("carries each request's call id on its lines", () => {
    for (const callId of text.callIds) expect(text.output).toContain(`call_id=${callId}`);
  });
});
