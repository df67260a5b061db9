// The load generator: wrk, closed loop (N connections, each sends its next request when the last
// answer is complete), one thread, pinned to the load core, for a bounded time.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { adopt } from "./processes.mjs";
import { pinned } from "./tools.mjs";

const scriptPath = fileURLToPath(new URL("./wrk.lua", import.meta.url));

/**
 * @typedef {{ requests: number, seconds: number, requestsPerSecond: number, p50Ms: number, p99Ms: number,
 *   maxMs: number, errors: number, non2xx: number }} LoadResult
 * @typedef {{ wrk: string, taskset: string | undefined, cores: string }} LoadTools
 */

/**
 * @param {LoadTools} tools
 * @param {{ origin: string, requests: { path: string, bodyFile: string }[], headers: Record<string, string>,
 *   connections: number, seconds: number }} load
 * @returns {Promise<LoadResult>}
 */
export function runWrk(tools, { origin, requests, headers, connections, seconds }) {
  const first = requests[0];
  if (first === undefined) throw new Error("runWrk: no request");
  const args = ["-t1", `-c${connections}`, `-d${Math.max(1, Math.round(seconds))}s`, "--timeout", "10s"];
  for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}: ${value}`);
  args.push("-s", scriptPath, origin + first.path);
  const [command, commandArgs] = pinned(tools.taskset, tools.cores, tools.wrk, args);
  const env = {
    ...process.env,
    BENCH_REQUESTS: requests.map((item) => `${item.path}|${item.bodyFile}`).join(";"),
  };
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      commandArgs,
      { encoding: "utf8", env, timeout: (seconds + 30) * 1000, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        const line = /^WRK_RESULT (\{.*\})$/m.exec(stdout)?.[1];
        if (line === undefined) {
          return reject(
            new Error(`wrk gave no result (${error?.message ?? "no error"}):\n${stdout}${stderr}`),
          );
        }
        const result = JSON.parse(line);
        const secondsMeasured = result.microseconds / 1e6;
        const socketErrors = result.connect + result.read + result.write + result.timeout;
        const succeeded = result.requests - result.status;
        resolve({
          requests: result.requests,
          seconds: secondsMeasured,
          requestsPerSecond: succeeded / secondsMeasured,
          p50Ms: result.p50 / 1000,
          p99Ms: result.p99 / 1000,
          maxMs: result.max / 1000,
          errors: socketErrors,
          non2xx: result.status,
        });
      },
    );
    adopt(child);
  });
}
