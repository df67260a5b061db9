// `npm run bench`: llmgate's overhead against a direct call and a bare forwarder, in one run.
// Starts the bench upstream, the forwarder and llmgate (each its own process), sends the same load to
// each target (bench/rows.mjs), and prints req/s, p50/p99, CPU per request and llmgate's ratios.
//
// Environment: BENCH_DURATION (seconds per measurement, 5), BENCH_WARMUP (seconds, 1),
// BENCH_CONCURRENCY ("1,64"), BENCH_TARGETS / BENCH_SCENARIOS (comma lists of ids; opt-in targets
// run only when named), BENCH_LOAD (wrk | autocannon; wrk when installed), BENCH_EXTRA_CONFIG (JSON
// text, or a .json/.yaml file, merged into every llmgate config), BENCH_JSON (write results there).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isWrkInstalled, runAutocannon, runWrk } from "./load.mjs";
import {
  announcedPort,
  cpuSeconds,
  isHttpOk,
  pickFreePort,
  spawnNode,
  stopAll,
  waitUntil,
} from "./processes.mjs";
import { printReport } from "./report.mjs";
import { scenarios, targets, upstreamApiKey } from "./rows.mjs";

const benchDirectory = fileURLToPath(new URL(".", import.meta.url));
const cliPath = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const { PROXY_NODE_FLAGS } = existsSync(cliPath)
  ? await import("../dist/node-flags.js")
  : { PROXY_NODE_FLAGS: [] };
const temporaryDirectory = mkdtempSync(join(tmpdir(), "llmgate-bench-"));
process.once("exit", () => rmSync(temporaryDirectory, { recursive: true, force: true }));

/** @param {string | undefined} text @param {string} fallback */
function list(text, fallback) {
  return (text ?? fallback)
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** @param {string | undefined} value @returns {Promise<Record<string, unknown>>} */
async function loadExtraConfig(value) {
  if (value === undefined || value.trim() === "") return {};
  if (value.trim().startsWith("{")) return JSON.parse(value);
  const text = readFileSync(value, "utf8");
  if (value.endsWith(".json")) return JSON.parse(text);
  const { parse } = await import("yaml");
  return parse(text) ?? {};
}

/** Objects merge key by key; anything else (arrays included) is replaced. @returns {unknown} */
function merge(/** @type {unknown} */ base, /** @type {unknown} */ extra) {
  const isPlain = (/** @type {unknown} */ value) =>
    typeof value === "object" && value !== null && !Array.isArray(value);
  if (!isPlain(base) || !isPlain(extra)) return extra === undefined ? base : extra;
  const merged = { .../** @type {Record<string, unknown>} */ (base) };
  for (const [key, value] of Object.entries(/** @type {Record<string, unknown>} */ (extra))) {
    merged[key] = merge(merged[key], value);
  }
  return merged;
}

const settings = {
  durationSeconds: Number(process.env.BENCH_DURATION ?? 5),
  warmupSeconds: Number(process.env.BENCH_WARMUP ?? 1),
  concurrencies: list(process.env.BENCH_CONCURRENCY, "1,64").map(Number),
  targetIds: process.env.BENCH_TARGETS === undefined ? undefined : list(process.env.BENCH_TARGETS, ""),
  scenarioIds: list(process.env.BENCH_SCENARIOS, Object.keys(scenarios).join(",")),
  load: process.env.BENCH_LOAD ?? (isWrkInstalled() ? "wrk" : "autocannon"),
  extraConfig: await loadExtraConfig(process.env.BENCH_EXTRA_CONFIG),
};
const runLoad = settings.load === "wrk" ? runWrk : runAutocannon;

/** @type {string[]} */
const notes = [];
const selectedTargets = targets.filter((target) => {
  const isSelected =
    settings.targetIds === undefined ? target.isOptIn !== true : settings.targetIds.includes(target.id);
  if (isSelected && target.kind === "llmgate" && !existsSync(cliPath)) {
    notes.push(`${target.id}: skipped, ${cliPath} does not exist (run npm run build)`);
    return false;
  }
  return isSelected;
});

// Start the processes: the upstream, then each target that needs its own.
const upstream = spawnNode("upstream", [join(benchDirectory, "upstream.mjs"), "0"]);
const upstreamOrigin = `http://127.0.0.1:${await announcedPort(upstream)}`;
const upstreamBaseUrl = `${upstreamOrigin}/v1`;

/**
 * @typedef {{ target: import("./rows.mjs").Target, url: string, pid: number, headers: Record<string, string> }} Running
 * @param {import("./rows.mjs").Target} target @returns {Promise<Running>}
 */
async function start(target) {
  if (target.kind === "upstream")
    return { target, url: upstreamOrigin, pid: upstream.pid, headers: target.headers };
  if (target.kind === "floor") {
    const floor = spawnNode(target.id, [
      join(benchDirectory, "forwarder.mjs"),
      "0",
      upstreamOrigin,
      upstreamApiKey,
    ]);
    const url = `http://127.0.0.1:${await announcedPort(floor)}`;
    return { target, url, pid: floor.pid, headers: target.headers };
  }
  const port = await pickFreePort();
  const url = `http://127.0.0.1:${port}`;
  const config = merge(target.config?.({ upstreamBaseUrl, url }) ?? {}, settings.extraConfig);
  const configPath = join(temporaryDirectory, `${target.id}.yaml`);
  writeFileSync(configPath, JSON.stringify(config, null, 2)); // JSON is YAML
  // With the node flags the llmgate command would run itself again with, so that the measured
  // process is the one that serves.
  const gateway = spawnNode(
    target.id,
    [...PROXY_NODE_FLAGS, cliPath, "--config", configPath, "--host", "127.0.0.1", "--port", String(port)],
    { LLMGATE_LOG_LEVEL: "warn" },
  );
  await waitUntil(gateway, () => isHttpOk(`${url}/health/liveliness`));
  const extraHeaders = (await target.setup?.({ upstreamBaseUrl, url })) ?? {};
  return { target, url, pid: gateway.pid, headers: { ...target.headers, ...extraHeaders } };
}

/** @param {Running} running @param {string} scenarioId */
function loadRequest(running, scenarioId) {
  const scenario = scenarios[scenarioId];
  if (scenario === undefined) throw new Error(`unknown scenario ${scenarioId}`);
  const hasBody = scenario.body !== undefined;
  return {
    url: running.url + scenario.path,
    method: scenario.method,
    headers: { ...running.headers, ...(hasBody ? { "content-type": "application/json" } : {}) },
    body: hasBody ? JSON.stringify(scenario.body) : undefined,
  };
}

/** One request before measuring: a bench of 401s or 404s is worthless. @returns {Promise<string | undefined>} */
async function probe(/** @type {Running} */ running, /** @type {string} */ scenarioId) {
  const request = loadRequest(running, scenarioId);
  try {
    const response = await fetch(request.url, { ...request, signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    const problem = scenarios[scenarioId]?.check(response.status, text);
    return problem === undefined ? undefined : `${problem}: HTTP ${response.status} ${text.slice(0, 200)}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * @typedef {{ target: string, scenario: string, concurrency: number, requestsPerSecond: number,
 *   p50Ms: number, p99Ms: number, cpuMicrosecondsPerRequest: number, requests: number, non2xx: number,
 *   errors: number, problem?: string }} Row
 * @param {Running} running @param {string} scenarioId @param {number} concurrency @returns {Promise<Row>}
 */
async function measure(running, scenarioId, concurrency) {
  const request = loadRequest(running, scenarioId);
  if (settings.warmupSeconds > 0) await runLoad(request, concurrency, settings.warmupSeconds);
  const cpuBefore = cpuSeconds(running.pid);
  const result = await runLoad(request, concurrency, settings.durationSeconds);
  const cpuAfter = cpuSeconds(running.pid);
  const succeeded = result.requests - result.non2xx;
  const cpu = cpuBefore === undefined || cpuAfter === undefined ? Number.NaN : cpuAfter - cpuBefore;
  return {
    target: running.target.id,
    scenario: scenarioId,
    concurrency,
    requestsPerSecond: succeeded / result.seconds,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    cpuMicrosecondsPerRequest: succeeded > 0 ? (cpu * 1e6) / succeeded : Number.NaN,
    requests: result.requests,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function main() {
  /** @type {Running[]} */
  const running = [];
  for (const target of selectedTargets) running.push(await start(target));
  /** @type {Row[]} */
  const rows = [];
  for (const scenarioId of settings.scenarioIds) {
    const candidates = running.filter((item) => item.target.scenarios.includes(scenarioId));
    /** @type {Map<string, string>} */
    const problems = new Map();
    for (const item of candidates) {
      const problem = await probe(item, scenarioId);
      if (problem !== undefined) problems.set(item.target.id, problem);
    }
    for (const concurrency of settings.concurrencies) {
      for (const item of candidates) {
        const problem = problems.get(item.target.id);
        if (problem !== undefined) {
          rows.push({ ...emptyRow(item.target.id, scenarioId, concurrency), problem });
          continue;
        }
        process.stderr.write(`bench: ${item.target.id} ${scenarioId} c=${concurrency} ...\n`);
        rows.push(await measure(item, scenarioId, concurrency));
      }
    }
  }
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, node ${process.version}`;
  const isClean = printReport({ rows, settings, targets: selectedTargets, notes, machine });
  if (process.env.BENCH_JSON !== undefined) {
    writeFileSync(process.env.BENCH_JSON, JSON.stringify({ machine, settings, notes, rows }, null, 2));
  }
  return isClean;
}

/** @param {string} target @param {string} scenario @param {number} concurrency @returns {Row} */
function emptyRow(target, scenario, concurrency) {
  const none = Number.NaN;
  return {
    target,
    scenario,
    concurrency,
    requestsPerSecond: none,
    p50Ms: none,
    p99Ms: none,
    cpuMicrosecondsPerRequest: none,
    requests: 0,
    non2xx: 0,
    errors: 0,
  };
}

try {
  const isClean = await main();
  stopAll();
  process.exit(isClean ? 0 : 1);
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  stopAll();
  process.exit(1);
}
