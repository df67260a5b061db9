// Load generators: wrk when installed (C, light on the shared cores), else autocannon (always there).
// Both return the same measurement; latencies are kept to the microsecond (autocannon's own histogram
// rounds to whole milliseconds, useless at concurrency 1, so its per-response times are collected here).
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { adopt } from "./processes.mjs";

/**
 * @typedef {{ url: string, method: string, headers: Record<string, string>, body: string | undefined }} LoadRequest
 * @typedef {{ requests: number, non2xx: number, errors: number, seconds: number, p50Ms: number, p99Ms: number }} LoadResult
 */

export function isWrkInstalled() {
  try {
    execFileSync("wrk", ["--version"], { stdio: "ignore" });
    return true;
  } catch (error) {
    // wrk --version exits 1 after printing its version; only a missing binary is ENOENT.
    return !(error instanceof Error && "code" in error && error.code === "ENOENT");
  }
}

/** @param {number[] | Float64Array} sorted @param {number} quantile */
function percentile(sorted, quantile) {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(quantile * sorted.length) - 1));
  return /** @type {number} */ (sorted[index]);
}

/**
 * @param {LoadRequest} request @param {number} connections @param {number} seconds
 * @returns {Promise<LoadResult>}
 */
export function runAutocannon(request, connections, seconds) {
  let latencies = new Float64Array(65_536);
  let count = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: request.url,
        method: request.method,
        headers: request.headers,
        body: request.body,
        connections,
        duration: seconds,
        pipelining: 1,
        excludeErrorStats: true,
      },
      (error, result) => {
        if (error) return reject(error);
        const sorted = latencies.subarray(0, count).sort();
        resolve({
          requests: result["2xx"] + result.non2xx,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
          seconds: result.duration,
          p50Ms: percentile(sorted, 0.5),
          p99Ms: percentile(sorted, 0.99),
        });
      },
    );
    instance.on("response", (_client, statusCode, _bytes, responseTimeMs) => {
      if (statusCode < 200 || statusCode >= 300) return;
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count++] = responseTimeMs;
    });
  });
}

/** @param {string} text e.g. "812.00us", "1.20ms", "2.01s" */
function toMilliseconds(text) {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (match === null) return Number.NaN;
  const value = Number(match[1]);
  const scale = { us: 0.001, ms: 1, s: 1000, m: 60_000 };
  return value * scale[/** @type {"us" | "ms" | "s" | "m"} */ (match[2])];
}

/** @param {LoadRequest} request */
function wrkScript(request) {
  const lines = [`wrk.method = ${JSON.stringify(request.method)}`];
  if (request.body !== undefined) lines.push(`wrk.body = ${JSON.stringify(request.body)}`);
  for (const [name, value] of Object.entries(request.headers)) {
    lines.push(`wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Parses wrk's report: "N requests in Xs", the latency distribution, "Non-2xx or 3xx responses: N",
 * "Socket errors: connect A, read B, write C, timeout D".
 * @param {string} output @returns {LoadResult}
 */
export function parseWrkOutput(output) {
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m)/.exec(output);
  const p50 = /^\s*50%\s+(\S+)/m.exec(output);
  const p99 = /^\s*99%\s+(\S+)/m.exec(output);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  if (total === null || p50?.[1] === undefined || p99?.[1] === undefined) {
    throw new Error(`could not parse wrk output:\n${output}`);
  }
  const errors = socket === null ? 0 : socket.slice(1).reduce((sum, value) => sum + Number(value), 0);
  return {
    requests: Number(total[1]),
    non2xx: non2xx === null ? 0 : Number(non2xx[1]),
    errors,
    seconds: toMilliseconds(`${total[2]}${total[3]}`) / 1000,
    p50Ms: toMilliseconds(p50[1]),
    p99Ms: toMilliseconds(p99[1]),
  };
}

/**
 * @param {LoadRequest} request @param {number} connections @param {number} seconds
 * @returns {Promise<LoadResult>}
 */
export function runWrk(request, connections, seconds) {
  // wrk takes whole seconds only.
  const directory = mkdtempSync(join(tmpdir(), "llmgate-bench-wrk-"));
  const scriptPath = join(directory, "request.lua");
  writeFileSync(scriptPath, wrkScript(request));
  const args = [
    "-t1",
    `-c${connections}`,
    `-d${Math.max(1, Math.round(seconds))}s`,
    "--latency",
    "--timeout",
    "10s",
    "-s",
    scriptPath,
  ];
  return new Promise((resolve, reject) => {
    const child = execFile("wrk", [...args, request.url], { encoding: "utf8" }, (error, stdout, stderr) => {
      rmSync(directory, { recursive: true, force: true });
      if (error) return reject(new Error(`wrk failed: ${error.message}\n${stderr}`));
      try {
        resolve(parseWrkOutput(stdout));
      } catch (parseError) {
        reject(parseError);
      }
    });
    adopt(child);
  });
}
