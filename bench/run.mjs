// `npm run bench`: what llmgate costs per request against a bare Node forwarder (the floor) and
// Portkey, in one run. Debian's nginx is the upstream mock and wrk the load generator, both pinned to
// core 0; each gateway runs alone on core 1 (taskset). wrk is closed loop: N connections, each sends
// its next request when the last answer is complete. Targets run in alternating rounds (round 1:
// every scenario on every target, then round 2, ...); ratios are taken within a round.
//
//   node bench/run.mjs [--duration 8] [--warmup 2] [--rounds 2] [--targets a,b] [--scenarios chat:32,...]
//                      [--workers 2] [--rss [--requests 1000000]] [--smoke] [--json FILE]
// Targets: direct floor llmgate full full-redis portkey (bench/targets.mjs); scenarios: chat:N,
// embed:N, stream:N (N connections). --workers N adds a twin of each llmgate target served with
// --num_workers N. --rss sends the mix (chat, stream, embeddings in turn) --requests times to the
// llmgate targets (default: full) and prints RSS along the way. --smoke: 1 s per scenario, one round,
// every target but portkey, no thresholds (CI). Exit code 1 when a target could not be measured or
// answered with errors; never because of speed.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { requestBody, STREAM_EVENTS, writeRequestBodies } from "./fixtures.mjs";
import { runWrk } from "./load.mjs";
import { ensurePortkey, portkeyHeaders } from "./portkey.mjs";
import {
  announcedPort,
  cpuSeconds,
  isHttpOk,
  pickFreePort,
  rssKilobytes,
  spawnCommand,
  stopAll,
  waitUntil,
} from "./processes.mjs";
import { printSummary, summarize } from "./report.mjs";
import {
  DEFAULT_SCENARIOS,
  MASTER_KEY,
  parseScenario,
  pathFor,
  TARGETS,
  UPSTREAM_KEY,
  upstreamBaseFor,
  workersTwin,
} from "./targets.mjs";
import { coreCount, findTools, INSTALL_HINT, pinned, startNginx } from "./tools.mjs";

const { values } = parseArgs({
  options: {
    duration: { type: "string" },
    warmup: { type: "string" },
    rounds: { type: "string" },
    targets: { type: "string" },
    scenarios: { type: "string" },
    workers: { type: "string" },
    rss: { type: "boolean", default: false },
    requests: { type: "string" },
    connections: { type: "string", default: "32" },
    smoke: { type: "boolean", default: false },
    json: { type: "string" },
  },
});
const isSmoke = values.smoke;
const settings = {
  durationSeconds: Number(values.duration ?? (isSmoke ? 1 : 8)),
  warmupSeconds: Number(values.warmup ?? (isSmoke ? 0 : 2)),
  rounds: Number(values.rounds ?? (isSmoke ? 1 : 2)),
  workers: Number(values.workers ?? 1),
  scenarios: (values.scenarios?.split(",") ?? DEFAULT_SCENARIOS).map((text) => parseScenario(text.trim())),
};
const defaultTargets = values.rss
  ? ["full"]
  : TARGETS.map((target) => target.id).filter((id) => !isSmoke || id !== "portkey");
const targetIds = values.targets?.split(",").map((id) => id.trim()) ?? defaultTargets;
for (const id of targetIds) {
  if (!TARGETS.some((target) => target.id === id)) {
    console.error(`bench: unknown target ${id} (known: ${TARGETS.map((target) => target.id).join(", ")})`);
    process.exit(2);
  }
}

const tools = findTools();
if (tools.missing.length > 0 || tools.nginx === undefined || tools.wrk === undefined) {
  console.error(
    `bench: ${tools.missing.join(" and ")} not found. The bench uses Debian's nginx as the upstream mock and wrk ` +
      `as the load generator: ${INSTALL_HINT}`,
  );
  process.exit(1);
}
const cliPath = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
if (
  targetIds.some((id) => TARGETS.find((target) => target.id === id)?.kind === "llmgate") &&
  !existsSync(cliPath)
) {
  console.error(`bench: ${cliPath} does not exist (npm run build)`);
  process.exit(1);
}
const { PROXY_NODE_FLAGS } = existsSync(cliPath)
  ? await import("../dist/node-flags.js")
  : { PROXY_NODE_FLAGS: [] };

// Placement. One worker: load (wrk + nginx) on core 0, the gateway alone on core 1. N workers: the
// gateway on cores 1..N when the machine has them; else on 0..N-1, sharing core 0 with the load.
const cores = coreCount();
/** @type {string[]} */
const notes = [];
const canPin = tools.taskset !== undefined && cores >= 2;
const loadCores = canPin ? "0" : "";
let gatewayCores = canPin ? "1" : "";
if (canPin && settings.workers > 1) {
  gatewayCores =
    cores > settings.workers ? `1-${settings.workers}` : `0-${Math.min(cores, settings.workers) - 1}`;
  notes.push(
    cores > settings.workers
      ? `--workers ${settings.workers}: every gateway on cores ${gatewayCores}, wrk and nginx alone on core 0`
      : `--workers ${settings.workers} on ${cores} cores: every gateway (one worker or ${settings.workers}) may use cores ${gatewayCores}, ` +
          "so it shares core 0 with wrk and nginx; the twin's ratio is against the one-worker target placed the same way",
  );
}
if (!canPin)
  notes.push(
    `not pinned (${tools.taskset === undefined ? "no taskset" : `${cores} core`}): ratios are rougher`,
  );

const directory = mkdtempSync(join(tmpdir(), "llmgate-bench-"));
process.once("exit", () => rmSync(directory, { recursive: true, force: true }));
const bodies = writeRequestBodies(directory);

/**
 * @typedef {import("./targets.mjs").Target} Target
 * @typedef {{ target: Target, origin: string, pid: number, headers: Record<string, string>,
 *   child?: import("node:child_process").ChildProcess, databasePath?: string }} Running
 */

/** @param {string} name @param {string} command @param {string[]} args @param {Record<string, string>} [env] */
function startPinned(name, command, args, env) {
  const [pinnedCommand, pinnedArgs] = pinned(tools.taskset, gatewayCores, command, args);
  return spawnCommand(name, pinnedCommand, pinnedArgs, env);
}

function isRedisUp() {
  return new Promise((resolve) => {
    const socket = connect(6379, "127.0.0.1");
    const done = (/** @type {boolean} */ isUp) => {
      socket.destroy();
      resolve(isUp);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}

/** @param {Target} target @param {string} upstreamOrigin @returns {Promise<Running | string>} a problem as text */
async function start(target, upstreamOrigin) {
  if (target.kind === "direct") {
    return {
      target,
      origin: upstreamOrigin,
      pid: upstream.pid,
      headers: { authorization: `Bearer ${UPSTREAM_KEY}` },
    };
  }
  if (target.kind === "floor") {
    const floor = startPinned("floor", process.execPath, [
      fileURLToPath(new URL("./floor.mjs", import.meta.url)),
      "0",
      upstreamOrigin,
      UPSTREAM_KEY,
    ]);
    const origin = `http://127.0.0.1:${await announcedPort(floor)}`;
    return {
      target,
      origin,
      pid: floor.pid,
      child: floor.child,
      headers: { authorization: `Bearer ${UPSTREAM_KEY}` },
    };
  }
  if (target.kind === "portkey") {
    const installed = await ensurePortkey();
    if ("problem" in installed) return `skipped: ${installed.problem}`;
    const port = await pickFreePort();
    const portkey = startPinned(
      "portkey",
      process.execPath,
      [
        "--import",
        fileURLToPath(new URL("./portkey-preload.mjs", import.meta.url)),
        installed.start,
        `--port=${port}`,
        "--headless",
      ],
      { NODE_ENV: "production" },
    );
    const origin = `http://127.0.0.1:${port}`;
    await waitUntil(portkey, () => isHttpOk(`${origin}/`), 30_000);
    return {
      target,
      origin,
      pid: portkey.pid,
      child: portkey.child,
      headers: { authorization: `Bearer ${UPSTREAM_KEY}` },
    };
  }
  if (target.needsRedis === true && !(await isRedisUp())) {
    return "skipped: Redis does not answer on 127.0.0.1:6379 (start redis-server, or leave this target out)";
  }
  const port = await pickFreePort();
  const origin = `http://127.0.0.1:${port}`;
  const context = { upstreamOrigin, origin };
  const own = join(directory, target.id);
  mkdirSync(own);
  const configPath = join(own, "config.yaml");
  writeFileSync(configPath, JSON.stringify(target.config?.(context) ?? {}, null, 2)); // JSON is YAML
  const args = [
    ...PROXY_NODE_FLAGS,
    cliPath,
    "--config",
    configPath,
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
  ];
  if (target.workers !== undefined) args.push("--num_workers", String(target.workers));
  // With the flags the llmgate command would restart itself with, so the measured process serves.
  const gateway = startPinned(target.id, process.execPath, args, {
    LLMGATE_LOG_LEVEL: "warn",
    REDIS_URL: "",
  });
  await waitUntil(gateway, () => isHttpOk(`${origin}/health/liveliness`), 30_000);
  const headers = (await target.setup?.(context)) ?? { authorization: `Bearer ${MASTER_KEY}` };
  return {
    target,
    origin,
    pid: gateway.pid,
    child: gateway.child,
    headers,
    databasePath: join(own, "llmgate.db"),
  };
}

/** @param {Running} running @param {import("./targets.mjs").Scenario} scenario */
function headersFor(running, scenario) {
  return running.target.kind === "portkey"
    ? { ...running.headers, ...portkeyHeaders(upstreamBaseFor(upstream.origin, scenario.kind)) }
    : running.headers;
}

/** One request first: a bench of 401s is worthless. @returns {Promise<string | undefined>} a problem */
async function probe(
  /** @type {Running} */ running,
  /** @type {import("./targets.mjs").Scenario} */ scenario,
) {
  try {
    const response = await fetch(running.origin + pathFor(running.target, scenario.kind), {
      method: "POST",
      headers: { ...headersFor(running, scenario), "content-type": "application/json" },
      body: requestBody(scenario.kind),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (response.status === 200) count(running.target.id, 1, 0);
    const shown = `HTTP ${response.status} ${text.slice(0, 200)}`;
    if (response.status !== 200) return shown;
    if (scenario.kind === "stream") {
      const events = text.split("\n").filter((line) => line.startsWith("data: ")).length;
      if (!text.trimEnd().endsWith("data: [DONE]")) return `the stream does not end with [DONE]: ${shown}`;
      if (events - 1 !== STREAM_EVENTS)
        notes.push(
          `${running.target.id}: relayed ${events - 1} of the mock's ${STREAM_EVENTS} stream events`,
        );
      return undefined;
    }
    const json = JSON.parse(text);
    if (scenario.kind === "embed")
      return json.data?.[0]?.embedding?.length === 1536 ? undefined : `not an embedding: ${shown}`;
    return json.object === "chat.completion" ? undefined : `not a chat completion: ${shown}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** @param {Running} running @param {import("./targets.mjs").Scenario} scenario @param {number} seconds */
function load(running, scenario, seconds, connections = scenario.connections) {
  return runWrk(
    { wrk: /** @type {string} */ (tools.wrk), taskset: tools.taskset, cores: loadCores },
    {
      origin: running.origin,
      requests: [{ path: pathFor(running.target, scenario.kind), bodyFile: bodies[scenario.kind] }],
      headers: headersFor(running, scenario),
      connections,
      seconds,
    },
  );
}

/**
 * Per target: requests wrk counted as answered (warm-ups and probes included), and the requests
 * that may have been in flight when a wrk run stopped (answered and logged by llmgate all the same).
 * @type {Map<string, { answered: number, inFlight: number }>}
 */
const counted = new Map();
/** @param {string} id @param {number} answered @param {number} inFlight */
function count(id, answered, inFlight) {
  const current = counted.get(id) ?? { answered: 0, inFlight: 0 };
  counted.set(id, { answered: current.answered + answered, inFlight: current.inFlight + inFlight });
}

/** @param {Running} running @param {import("./targets.mjs").Scenario} scenario @param {number} round */
async function measure(running, scenario, round) {
  if (settings.warmupSeconds > 0) {
    const warm = await load(running, scenario, settings.warmupSeconds);
    count(running.target.id, warm.requests - warm.non2xx, scenario.connections);
  }
  const before = cpuSeconds(running.pid);
  const result = await load(running, scenario, settings.durationSeconds);
  const after = cpuSeconds(running.pid);
  const succeeded = result.requests - result.non2xx;
  count(running.target.id, succeeded, scenario.connections);
  const cpu = before === undefined || after === undefined ? Number.NaN : after - before;
  return {
    round,
    target: running.target.id,
    scenario: scenario.id,
    connections: scenario.connections,
    requestsPerSecond: result.requestsPerSecond,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    cpuMicrosecondsPerRequest: succeeded > 0 ? (cpu * 1e6) / succeeded : Number.NaN,
    requests: result.requests,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/**
 * SIGTERM, then wait for the exit (llmgate writes its queued spend rows on the way out).
 * @param {import("node:child_process").ChildProcess | undefined} child
 */
async function stop(child) {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Spend rows llmgate wrote, read after it stopped. @param {Running} running */
function spendRows(running) {
  if (running.databasePath === undefined || !existsSync(running.databasePath)) return undefined;
  const database = new Database(running.databasePath, { readonly: true });
  try {
    return /** @type {{ n: number }} */ (database.prepare("select count(*) as n from spend_logs").get()).n;
  } finally {
    database.close();
  }
}

/** `/metrics` answers with llmgate's own series (metrics on). @param {Running} running */
async function checkMetrics(running) {
  try {
    const response = await fetch(`${running.origin}/metrics`, {
      headers: { authorization: `Bearer ${MASTER_KEY}` },
      signal: AbortSignal.timeout(5000),
    });
    const text = await response.text();
    const samples = text.split("\n").filter((line) => line.startsWith("llmgate_")).length;
    notes.push(`${running.target.id}: /metrics HTTP ${response.status}, ${samples} llmgate_* samples`);
  } catch (error) {
    notes.push(`${running.target.id}: /metrics failed: ${error instanceof Error ? error.message : error}`);
  }
}

// The upstream, then every target, each its own process.
// Its own folder: nginx's worker (nobody, when started by root) must read it, not the others.
const nginxDirectory = mkdtempSync(join(tmpdir(), "llmgate-bench-nginx-"));
process.once("exit", () => rmSync(nginxDirectory, { recursive: true, force: true }));
const upstream = await startNginx({
  nginx: tools.nginx,
  taskset: tools.taskset,
  cores: loadCores,
  directory: nginxDirectory,
});
/** @type {Target[]} */
const selected = [];
for (const id of targetIds) {
  const target = /** @type {Target} */ (TARGETS.find((candidate) => candidate.id === id));
  selected.push(target);
  if (settings.workers > 1 && target.kind === "llmgate") selected.push(workersTwin(target, settings.workers));
}
let isClean = true;
/** @type {Running[]} */
const running = [];
for (const target of selected) {
  try {
    const started = await start(target, upstream.origin);
    if (typeof started === "string") {
      notes.push(`${target.id}: ${started}`);
      if (!started.startsWith("skipped")) isClean = false;
    } else running.push(started);
  } catch (error) {
    isClean = false;
    notes.push(`${target.id}: did not start: ${error instanceof Error ? error.message : error}`);
  }
}

const machine = `${cores} x ${cpus()[0]?.model ?? "cpu"}, ${process.platform}, node ${process.version}`;
const started = new Date().toISOString().replace(/\.\d+Z$/, "Z");
console.log(`llmgate bench, ${started}, ${machine}`);
console.log(
  `nginx ${upstream.origin} + wrk on core ${loadCores || "any"}, gateways on core(s) ${gatewayCores || "any"}; ` +
    (values.rss
      ? `RSS mode, ${values.connections} connections`
      : `${settings.rounds} round(s) x ${settings.durationSeconds} s per scenario (warm-up ${settings.warmupSeconds} s)`),
);

try {
  if (values.rss) await rssMode();
  else await throughputMode();
} catch (error) {
  isClean = false;
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
}
for (const item of running) await stop(item.child);
for (const item of running) {
  if (item.target.kind !== "llmgate" || values.rss) continue;
  const rows = spendRows(item);
  const { answered = 0, inFlight = 0 } = counted.get(item.target.id) ?? {};
  if (rows === undefined) continue;
  // wrk does not count the answers in flight when it stops; llmgate answers and logs them.
  const isExpected = rows >= answered && rows <= answered + inFlight;
  if (!isExpected) isClean = false;
  notes.push(
    `${item.target.id}: ${rows} spend rows written, ${answered}-${answered + inFlight} expected ` +
      `(answers wrk counted, plus at most one per connection when each wrk run stopped)${isExpected ? "" : ": MISSING ROWS"}`,
  );
}
for (const note of notes) console.log(`note: ${note}`);
await stop(upstream.child);
stopAll();
process.exit(isClean ? 0 : 1);

async function throughputMode() {
  /** @type {import("./report.mjs").Row[]} */
  const rows = [];
  /** @type {Set<string>} */
  const broken = new Set();
  for (const scenario of settings.scenarios) {
    for (const item of running) {
      const problem = await probe(item, scenario);
      if (problem === undefined) continue;
      broken.add(`${item.target.id} ${scenario.id}`);
      isClean = false;
      notes.push(`NOT MEASURED ${item.target.id} ${scenario.id}: ${problem}`);
    }
  }
  for (let round = 1; round <= settings.rounds; round++) {
    for (const scenario of settings.scenarios) {
      for (const item of running) {
        if (broken.has(`${item.target.id} ${scenario.id}`)) continue;
        const row = await measure(item, scenario, round);
        process.stderr.write(
          `bench: round ${round} ${scenario.id.padEnd(9)} ${item.target.id.padEnd(12)} ${row.requestsPerSecond.toFixed(0).padStart(6)} req/s, ` +
            `${row.cpuMicrosecondsPerRequest.toFixed(0)} µs CPU/req, p50 ${row.p50Ms.toFixed(3)} ms\n`,
        );
        if (row.errors + row.non2xx > 0) {
          isClean = false;
          notes.push(
            `${item.target.id} ${scenario.id} round ${round}: ${row.non2xx} non-2xx, ${row.errors} socket errors`,
          );
        }
        rows.push(row);
      }
    }
  }
  for (const item of running) if (item.target.id.startsWith("full")) await checkMetrics(item);
  const targets = running.map((item) => item.target);
  const scenarioIds = settings.scenarios.map((scenario) => scenario.id);
  const summary = summarize(rows, targets, scenarioIds);
  printSummary(summary, targets, scenarioIds);
  if (values.json !== undefined) {
    writeFileSync(values.json, JSON.stringify({ started, machine, settings, notes, rows, summary }, null, 2));
  }
}

/** RSS of each llmgate target over --requests requests of the mix, in wrk runs of --duration seconds. */
async function rssMode() {
  const total = Number(values.requests ?? (isSmoke ? 2000 : 1_000_000));
  const segmentSeconds = Number(values.duration ?? (isSmoke ? 1 : 10));
  const connections = Number(values.connections);
  for (const item of running) {
    if (item.target.kind !== "llmgate") continue;
    const mix = /** @type {const} */ (["chat", "stream", "embed"]).map((kind) => ({
      path: pathFor(item.target, kind),
      bodyFile: bodies[kind],
    }));
    let sent = 0;
    let errors = 0;
    /** @type {{ requests: number, rssMb: number }[]} */
    const samples = [];
    const startedAt = Date.now();
    while (sent < total) {
      const result = await runWrk(
        { wrk: /** @type {string} */ (tools.wrk), taskset: tools.taskset, cores: loadCores },
        { origin: item.origin, requests: mix, headers: item.headers, connections, seconds: segmentSeconds },
      );
      sent += result.requests;
      errors += result.errors + result.non2xx;
      const rssMb = (rssKilobytes(item.pid) ?? Number.NaN) / 1024;
      samples.push({ requests: sent, rssMb });
      process.stderr.write(`bench: ${item.target.id} ${sent} requests, RSS ${rssMb.toFixed(1)} MB\n`);
    }
    // The baseline is the first sample past a tenth of the run: start-up and JIT warm-up are done.
    const baseline = samples.find((sample) => sample.requests >= total / 10) ?? samples[0];
    const last = samples[samples.length - 1];
    const peak = Math.max(...samples.map((sample) => sample.rssMb));
    if (baseline === undefined || last === undefined) continue;
    const growth = ((last.rssMb - baseline.rssMb) / baseline.rssMb) * 100;
    console.log(
      `\n${item.target.id}: ${sent} requests of the mix (chat, stream, embeddings in turn) in ${((Date.now() - startedAt) / 1000).toFixed(0)} s, ${errors} errors; ` +
        `RSS ${baseline.rssMb.toFixed(1)} MB after ${baseline.requests} requests, ${last.rssMb.toFixed(1)} MB at the end ` +
        `(${growth >= 0 ? "+" : ""}${growth.toFixed(1)} %), peak ${peak.toFixed(1)} MB`,
    );
    console.log(
      `  samples (requests: MB): ${samples.map((sample) => `${sample.requests}: ${sample.rssMb.toFixed(0)}`).join(", ")}`,
    );
    if (errors > 0) isClean = false;
    if (values.json !== undefined) {
      writeFileSync(
        values.json,
        JSON.stringify({ started, machine, target: item.target.id, sent, errors, samples }, null, 2),
      );
    }
  }
}
