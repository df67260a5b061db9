// `npm run soak`: a fixed arrival rate of mixed chat, streaming and embeddings through the router,
// virtual keys and spend, against an upstream that injects faults at random, for a set time. Prints
// RSS, heap, handles, event-loop delay and spend-queue depth every minute; at the end requests sent,
// answered, errors by kind, and spend rows expected vs written. With --check it exits 1 when
// anything was lost (a request without an answer, a row not written, a dirty exit), never on speed.
//
// Flags: --minutes N (30), --rate REQUESTS_PER_SECOND (40), --fault-rate FRACTION (0.05), --fault
// NAME (only that fault: 500, 429, reset, hang, slow-first-byte, stream-cut, stream-stall, oversize;
// or refused: a third deployment of the chat group on a port nothing listens on), --check.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { Pool } from "undici";
import { isHttpOk, pickFreePort, spawnNode, waitUntil } from "./processes.mjs";
import { startSoakUpstream } from "./soak-upstream.mjs";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: process.env.SOAK_MINUTES ?? "30" },
    rate: { type: "string", default: "40" },
    "fault-rate": { type: "string", default: "0.05" },
    fault: { type: "string" },
    check: { type: "boolean", default: false },
  },
});
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const faultRate = Number(values["fault-rate"]);
const masterKey = "sk-soak-master";
const cliPath = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const directory = mkdtempSync(join(tmpdir(), "llmgate-soak-"));
process.once("exit", () => rmSync(directory, { recursive: true, force: true }));

const isRefused = values.fault === "refused";
const upstream = await startSoakUpstream({ faultRate: isRefused ? 0 : faultRate, fault: values.fault });
const deployment = {
  model: "openai/soak",
  api_base: upstream.baseUrl,
  api_key: "upstream-key",
  timeout: 3,
  stream_timeout: 3,
};
const config = {
  model_list: [
    { model_name: "soak", litellm_params: deployment },
    { model_name: "soak", litellm_params: deployment },
    { model_name: "soak-embed", litellm_params: deployment },
    ...(isRefused
      ? [
          {
            model_name: "soak",
            litellm_params: { ...deployment, api_base: `http://127.0.0.1:${await pickFreePort()}/v1` },
          },
        ]
      : []),
  ],
  router_settings: { num_retries: 2, allowed_fails: 20, cooldown_time: 1 },
  general_settings: { master_key: masterKey, proxy_batch_write_at: 2, max_response_size_mb: 1 },
};
const configPath = join(directory, "config.yaml");
writeFileSync(configPath, JSON.stringify(config));
const port = await pickFreePort();
const proxy = spawnNode("llmgate", [cliPath, "--config", configPath, "--port", String(port)], {
  REDIS_URL: "",
});
const base = `http://127.0.0.1:${port}`;
await waitUntil(proxy, () => isHttpOk(`${base}/health/readiness`), 30_000);
const exited = new Promise((resolve) => proxy.child.once("exit", (code) => resolve(code)));

const pool = new Pool(base, { connections: 128, pipelining: 1 });
/** @param {string} path @param {unknown} body @param {string} key */
async function post(path, body, key) {
  return pool.request({
    path,
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  });
}

const keys = [];
for (let index = 0; index < 4; index++) {
  const answer = await post(
    "/key/generate",
    { key_alias: `soak-${index}`, max_budget: 1_000, rpm_limit: 1_000_000 },
    masterKey,
  );
  keys.push(/** @type {{ key: string }} */ (await answer.body.json()).key);
}

/** @type {Record<string, number>} */
const outcomes = {};
const count = (/** @type {string} */ kind) => {
  outcomes[kind] = (outcomes[kind] ?? 0) + 1;
};
let sent = 0;
let answered = 0;
let inFlight = 0;

/** One request of the mix: 60% chat, 30% streamed chat, 10% embeddings. */
async function one() {
  const pick = Math.random();
  const key = keys[Math.floor(Math.random() * keys.length)] ?? masterKey;
  const kind = pick < 0.6 ? "chat" : pick < 0.9 ? "stream" : "embeddings";
  const messages = [{ role: "user", content: `soak ${sent}` }];
  const [path, body] =
    kind === "embeddings"
      ? ["/v1/embeddings", { model: "soak-embed", input: ["a", "b"], encoding_format: "float" }]
      : [
          "/v1/chat/completions",
          {
            model: "soak",
            messages,
            stream: kind === "stream",
            stream_options: kind === "stream" ? { include_usage: true } : undefined,
          },
        ];
  sent++;
  inFlight++;
  try {
    const response = await post(path, body, key);
    const text = await response.body.text();
    answered++;
    if (response.statusCode === 200 && kind === "stream") {
      if (text.includes('"error"')) count("stream ended with an error event");
      else if (text.trimEnd().endsWith("data: [DONE]")) count("ok");
      else count("LOST: stream without [DONE] or error");
    } else if (response.statusCode === 200) count("ok");
    else {
      let isShaped = false;
      try {
        isShaped = typeof JSON.parse(text).error?.message === "string";
      } catch {}
      count(isShaped ? `error ${response.statusCode}` : `LOST: ${response.statusCode} without an error body`);
    }
  } catch (error) {
    count(`LOST: ${/** @type {{ code?: string }} */ (error).code ?? String(error)}`);
  } finally {
    inFlight--;
  }
}

async function sample(/** @type {string} */ label) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const metric = (/** @type {string} */ name) =>
    Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
  const mb = (/** @type {number} */ bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  console.log(
    `${label}: sent ${sent}, answered ${answered}, in flight ${inFlight} | rss ${mb(metric("process_resident_memory_bytes"))}, heap ${mb(metric("nodejs_heap_size_used_bytes"))}, handles ${metric("nodejs_active_handles_total")}, event-loop p99 ${(metric("nodejs_eventloop_lag_p99_seconds") * 1000).toFixed(1)} ms, spend queue ${metric("llmgate_spend_queue_rows")}`,
  );
}

console.log(
  `soak: ${minutes} min at ${rate} req/s, faults in ${(faultRate * 100).toFixed(0)}% of upstream calls`,
);
const startedAt = Date.now();
const endsAt = startedAt + minutes * 60_000;
const running = new Set();
let nextMinute = startedAt + 60_000;
for (let due = startedAt; due < endsAt; due += 1000 / rate) {
  const wait = due - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const request = one();
  running.add(request);
  request.finally(() => running.delete(request));
  if (Date.now() >= nextMinute) {
    nextMinute += 60_000;
    await sample(`minute ${Math.round((Date.now() - startedAt) / 60_000)}`);
  }
}
await Promise.all(running);
await sample("end");
proxy.child.kill("SIGTERM");
const exitCode = await exited;
await pool.close();
await upstream.close();

const database = new Database(join(directory, "llmgate.db"), { readonly: true });
const rows = /** @type {{ n: number }} */ (database.prepare("select count(*) as n from spend_logs").get()).n;
database.close();
const lost = Object.entries(outcomes)
  .filter(([kind]) => kind.startsWith("LOST"))
  .reduce((sum, [, n]) => sum + n, 0);
console.log(`requests: sent ${sent}, answered ${answered}, lost ${lost}`);
console.log(`outcomes: ${JSON.stringify(outcomes)}`);
console.log(`upstream calls: ${JSON.stringify(upstream.counts)}`);
console.log(`spend rows: expected ${answered}, written ${rows}; proxy exit code ${exitCode}`);
if (values.check) {
  const problems = [];
  if (lost > 0) problems.push(`${lost} requests lost`);
  if (rows !== answered) problems.push(`spend rows ${rows} != answered ${answered}`);
  if (exitCode !== 0) problems.push(`proxy exit code ${exitCode}`);
  if (problems.length > 0) {
    console.error(`soak check failed: ${problems.join("; ")}\n${proxy.output()}`);
    process.exit(1);
  }
  console.log("soak check: nothing lost");
}
