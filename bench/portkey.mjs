// Portkey's gateway as a peer target, installed on demand with npm into a folder under the system's
// temporary directory (reused by later runs, never part of the project), and started pinned like
// llmgate. Returns why not when it cannot be installed (no registry, say): the bench then skips it.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

export const PORTKEY_VERSION = process.env.BENCH_PORTKEY_VERSION ?? "1.15.2";
const run = promisify(execFile);

/** The start script of an installed Portkey, installing it first when missing. */
export async function ensurePortkey() {
  const directory = join(tmpdir(), `llmgate-bench-portkey-${PORTKEY_VERSION}`);
  const start = join(directory, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");
  if (existsSync(start)) return { start, directory };
  mkdirSync(directory, { recursive: true });
  if (!existsSync(join(directory, "package.json"))) {
    writeFileSync(join(directory, "package.json"), JSON.stringify({ name: "bench-peers", private: true }));
  }
  process.stderr.write(`bench: installing @portkey-ai/gateway@${PORTKEY_VERSION} into ${directory} ...\n`);
  try {
    await run(
      "npm",
      ["install", "--no-audit", "--no-fund", "--loglevel=error", `@portkey-ai/gateway@${PORTKEY_VERSION}`],
      { cwd: directory, timeout: 300_000 },
    );
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n").slice(0, 3).join(" ") : String(error);
    return { problem: `npm install @portkey-ai/gateway@${PORTKEY_VERSION} failed: ${message}` };
  }
  return existsSync(start)
    ? { start, directory }
    : { problem: `installed, but ${start} does not exist (another layout in this version?)` };
}

/**
 * The headers Portkey needs to reach the mock: the provider and the upstream base (per scenario,
 * since streams have their own base on the mock). @param {string} upstreamBase
 */
export function portkeyHeaders(upstreamBase) {
  return { "x-portkey-provider": "openai", "x-portkey-custom-host": upstreamBase };
}
