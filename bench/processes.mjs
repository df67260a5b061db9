// Child processes for the bench: start, wait until ready, read CPU time, and stop them all on exit.
import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

/** @typedef {{ name: string, child: import("node:child_process").ChildProcess, pid: number, output: () => string }} Started */

/** The children to stop, each with the signal that stops it (SIGKILL unless said otherwise). @type {Map<import("node:child_process").ChildProcess, NodeJS.Signals>} */
const children = new Map();

/** Kills every child still running; installed once on exit and on SIGINT/SIGTERM. */
export function stopAll() {
  for (const [child, signal] of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
  children.clear();
}

/**
 * Stops `child` with the others on exit, with `signal` (e.g. SIGTERM for nginx, whose master stops
 * its workers then; killed, it would leave them running).
 * @param {import("node:child_process").ChildProcess} child @param {NodeJS.Signals} [signal]
 */
export function adopt(child, signal = "SIGKILL") {
  children.set(child, signal);
  child.once("exit", () => children.delete(child));
}

process.once("exit", stopAll);
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.once(signal, () => {
    console.error(`\nbench: ${signal}, stopping children`);
    stopAll();
    process.exit(130);
  });
}

/** A free loopback port (listen on 0, close). */
export function pickFreePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `node <args>`, keeping the tail of its output (drained, so a chatty child never blocks).
 * @param {string} name @param {string[]} args @param {Record<string, string>} [env]
 * @returns {Started}
 */
export function spawnNode(name, args, env = {}) {
  return spawnCommand(name, process.execPath, args, env);
}

/**
 * Spawns any command the same way (e.g. `taskset -c 1 node ...`: taskset execs, so the PID is the
 * command's own). @param {string} name @param {string} command @param {string[]} args
 * @param {Record<string, string>} [env] @param {NodeJS.Signals} [stopSignal] @returns {Started}
 */
export function spawnCommand(
  name,
  command,
  args,
  env = {},
  stopSignal = /** @type {NodeJS.Signals} */ ("SIGKILL"),
) {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  adopt(child, stopSignal);
  let output = "";
  /** @param {Buffer} data */
  const keep = (data) => {
    output = (output + data.toString("utf8")).slice(-16_384);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  return { name, child, pid: child.pid, output: () => output };
}

/**
 * Waits until `isReady()` resolves true, failing with the child's output if it exits or times out.
 * @param {Started} started @param {() => Promise<boolean> | boolean} isReady @param {number} timeoutMs
 */
export async function waitUntil(started, isReady, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null || started.child.signalCode !== null) {
      throw new Error(`${started.name} exited (code ${started.child.exitCode}):\n${started.output()}`);
    }
    if (await isReady()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${started.name} was not ready within ${timeoutMs} ms:\n${started.output()}`);
}

/** The port a child announced with a "ready PORT" line. @param {Started} started */
export async function announcedPort(started) {
  /** @type {number | undefined} */
  let port;
  await waitUntil(started, () => {
    const match = /ready (\d+)/.exec(started.output());
    if (match?.[1] !== undefined) port = Number(match[1]);
    return port !== undefined;
  });
  return /** @type {number} */ (port);
}

/** @param {string} url */
export async function isHttpOk(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

let clockTicksPerSecond = 100;
try {
  clockTicksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
} catch {
  // Not Linux, or no getconf: /proc is probably missing too and CPU time reads as unavailable.
}

/** @param {string} pid @returns {{ parent: number, ticks: number } | undefined} */
function readStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): state ppid ... utime(14) stime(15).
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds (user + system, all threads) used so far by a process and its live descendants
 * (so a gateway that forks workers is measured whole); undefined where /proc is missing.
 * @param {number} pid
 */
export function cpuSeconds(pid) {
  const root = readStat(String(pid));
  if (root === undefined) return undefined;
  /** @type {Map<number, { parent: number, ticks: number }>} */
  const all = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(entry);
    if (stat !== undefined) all.set(Number(entry), stat);
  }
  let ticks = 0;
  for (const [candidate, stat] of all) {
    let current = candidate;
    let currentStat = stat;
    // Walk up the parents: count the process when pid is among its ancestors (or is itself).
    for (let depth = 0; depth < 64; depth++) {
      if (current === pid) {
        ticks += stat.ticks;
        break;
      }
      const parent = all.get(currentStat.parent);
      if (parent === undefined) break;
      current = currentStat.parent;
      currentStat = parent;
    }
  }
  return ticks / clockTicksPerSecond;
}

/** The PIDs of a process and its live descendants. @param {number} pid @returns {number[]} */
export function processTree(pid) {
  /** @type {Map<number, number[]>} */
  const childrenOf = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(entry);
    if (stat === undefined) continue;
    childrenOf.set(stat.parent, [...(childrenOf.get(stat.parent) ?? []), Number(entry)]);
  }
  const tree = [pid];
  for (let index = 0; index < tree.length; index++) {
    for (const child of childrenOf.get(/** @type {number} */ (tree[index])) ?? []) tree.push(child);
  }
  return tree;
}

/** Resident memory (VmRSS, KiB) of a process and its descendants; undefined without /proc. @param {number} pid */
export function rssKilobytes(pid) {
  let total = 0;
  let isFound = false;
  for (const member of processTree(pid)) {
    try {
      const match = /^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${member}/status`, "utf8"));
      total += Number(match?.[1] ?? 0);
      isFound = true;
    } catch {
      // Gone meanwhile.
    }
  }
  return isFound ? total : undefined;
}
