// The bench's non-Node tools: Debian's nginx (the upstream mock) and wrk (the load generator),
// both pinned with taskset. Finds them, or says how to install them.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { upstreamFixtures } from "./fixtures.mjs";
import { pickFreePort, spawnCommand, waitUntil } from "./processes.mjs";

/** @param {string} name @param {string[]} [alsoIn] @returns {string | undefined} */
function findProgram(name, alsoIn = []) {
  for (const directory of [...(process.env.PATH ?? "").split(":"), ...alsoIn]) {
    if (directory !== "" && existsSync(join(directory, name))) return join(directory, name);
  }
  return undefined;
}

export const INSTALL_HINT = "apt-get install -y nginx-light wrk";

/** nginx, wrk and taskset, or the list of what is missing. */
export function findTools() {
  const nginx = findProgram("nginx", ["/usr/sbin", "/usr/local/sbin", "/usr/local/nginx/sbin"]);
  const wrk = findProgram("wrk");
  const taskset = findProgram("taskset");
  const missing = [nginx === undefined ? "nginx" : "", wrk === undefined ? "wrk" : ""].filter(Boolean);
  return { nginx, wrk, taskset, missing };
}

/** The number of cores this process may run on. */
export function coreCount() {
  try {
    const text = execFileSync("nproc", { encoding: "utf8" });
    return Number(text.trim()) || cpus().length;
  } catch {
    return cpus().length;
  }
}

/**
 * `command args` pinned to `cores` ("0", "1,2", ...) with taskset, or as is when `cores` is empty.
 * @param {string | undefined} taskset @param {string} cores @param {string} command @param {string[]} args
 * @returns {[string, string[]]}
 */
export function pinned(taskset, cores, command, args) {
  return taskset === undefined || cores === "" ? [command, args] : [taskset, ["-c", cores, command, ...args]];
}

/**
 * Starts the nginx mock under `directory` (its prefix) on a free loopback port, pinned to `cores`.
 * @param {{ nginx: string, taskset: string | undefined, cores: string, directory: string }} options
 * @returns {Promise<{ origin: string, pid: number, child: import("node:child_process").ChildProcess }>}
 */
export async function startNginx({ nginx, taskset, cores, directory }) {
  const fixtures = join(directory, "www", "fixtures");
  mkdirSync(fixtures, { recursive: true });
  mkdirSync(join(directory, "tmp"), { recursive: true });
  for (const [name, text] of Object.entries(upstreamFixtures())) writeFileSync(join(fixtures, name), text);
  // nginx's worker runs as nobody when started by root: it must be able to read the fixtures.
  for (const path of [directory, join(directory, "www"), fixtures]) chmodSync(path, 0o755);
  const port = await pickFreePort();
  const template = readFileSync(fileURLToPath(new URL("./nginx.conf", import.meta.url)), "utf8");
  const configPath = join(directory, "nginx.conf");
  writeFileSync(configPath, template.replaceAll("@PORT@", String(port)));
  const [command, args] = pinned(taskset, cores, nginx, [
    "-p",
    `${directory}/`,
    "-c",
    configPath,
    "-e",
    join(directory, "error.log"),
    "-g",
    "daemon off;",
  ]);
  // SIGTERM when the bench ends: nginx's master then stops its worker (SIGKILL would orphan it).
  const started = spawnCommand("nginx", command, args, {}, "SIGTERM");
  const origin = `http://127.0.0.1:${port}`;
  await waitUntil(started, async () => {
    try {
      const response = await fetch(`${origin}/health`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false;
    }
  });
  return { origin, pid: started.pid, child: started.child };
}
