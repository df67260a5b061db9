/**
 * Starts the real `llmgate` CLI (the built `dist/cli.js`) as a child process for end-to-end tests:
 * the config YAML goes to a temp dir, the proxy listens on a free loopback port, and the helper waits
 * until `GET /health/liveliness` answers 200.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, where `dist/cli.js` is built. */
export const repositoryRoot = fileURLToPath(new URL("../../", import.meta.url));
export const defaultCliPath = join(repositoryRoot, "dist", "cli.js");

export interface StartProxyOptions {
  /** The config file's YAML text; undefined starts without `--config` (e.g. quick mode in `args`). */
  config: string | undefined;
  /** Extra CLI arguments, after `--config`, `--host` and `--port`. */
  args?: string[];
  /** Added to the inherited environment. */
  env?: Record<string, string>;
  /** How long to wait for the liveliness probe; default 15 000 ms. */
  readyTimeoutMs?: number;
  /** The script node runs; default `dist/cli.js` (tests of this helper pass a stand-in). */
  cliPath?: string;
}

export interface ProxyProcess {
  /** "http://127.0.0.1:PORT". */
  url: string;
  port: number;
  /** The config file written for this process, or undefined. */
  configPath: string | undefined;
  stdout(): string;
  stderr(): string;
  /** Sends `signal` (default SIGTERM), waits for exit (SIGKILL after 5 s); resolves the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  process: ChildProcess;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const livelinessPath = "/health/liveliness";
const stopGraceMs = 5000;
const startAttempts = 3;

/** A free loopback port: listen on 0, read the port, close. Another process may take it meanwhile. */
export function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no port assigned"))));
    });
  });
}

interface Captured {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function spawnNode(nodeArguments: string[], env: Record<string, string> | undefined): Captured {
  const child = spawn(process.execPath, nodeArguments, {
    cwd: repositoryRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    stdout += text;
  });
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once("error", (error) => {
      stderr += `\n[spawn error] ${error.message}`;
      resolve(null);
    });
    child.once("close", (code) => resolve(code));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function terminate(captured: Captured, signal: NodeJS.Signals): Promise<number | null> {
  if (!hasExited(captured.child)) captured.child.kill(signal);
  const timer = setTimeout(() => captured.child.kill("SIGKILL"), stopGraceMs);
  try {
    return await captured.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Runs node with these arguments to exit, capturing output; kills it and rejects after `timeoutMs`. */
export async function runNode(
  nodeArguments: string[],
  env?: Record<string, string>,
  timeoutMs = 15_000,
): Promise<CliResult> {
  const captured = spawnNode(nodeArguments, env);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const outcome = await Promise.race([captured.exited, timedOut]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    await terminate(captured, "SIGKILL");
    throw new Error(
      `node ${nodeArguments.join(" ")} did not exit within ${timeoutMs} ms\n` +
        `stdout:\n${captured.stdout()}\nstderr:\n${captured.stderr()}`,
    );
  }
  return { code: outcome, stdout: captured.stdout(), stderr: captured.stderr() };
}

/** Runs the CLI to exit (for config-validation failures and `--help`-like runs). */
export function runCli(
  args: string[],
  env?: Record<string, string>,
  options: { timeoutMs?: number; cliPath?: string } = {},
): Promise<CliResult> {
  return runNode([options.cliPath ?? defaultCliPath, ...args], env, options.timeoutMs);
}

async function isLive(url: string): Promise<boolean> {
  try {
    const response = await fetch(url + livelinessPath, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

type ReadyOutcome = "ready" | "exited" | "timeout";

async function waitUntilLive(url: string, captured: Captured, timeoutMs: number): Promise<ReadyOutcome> {
  const deadline = Date.now() + timeoutMs;
  let hasExitedEarly = false;
  captured.exited.then(() => {
    hasExitedEarly = true;
  });
  while (Date.now() < deadline) {
    if (hasExitedEarly) return "exited";
    if (await isLive(url)) return "ready";
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return "timeout";
}

function describeFailure(what: string, captured: Captured, code: number | null | undefined): Error {
  const exit = code === undefined ? "" : ` (exit code ${code})`;
  return new Error(`llmgate ${what}${exit}\nstderr:\n${captured.stderr()}\nstdout:\n${captured.stdout()}`);
}

/** Starts the proxy and resolves once it is live; rejects with its stderr when it is not. */
export async function startProxy(options: StartProxyOptions): Promise<ProxyProcess> {
  const directory = await mkdtemp(join(tmpdir(), "llmgate-e2e-"));
  const configPath = options.config === undefined ? undefined : join(directory, "config.yaml");
  if (configPath !== undefined) await writeFile(configPath, options.config ?? "", "utf8");
  const removeDirectory = () => rm(directory, { recursive: true, force: true });
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await pickFreePort();
      const nodeArguments = [
        options.cliPath ?? defaultCliPath,
        ...(configPath === undefined ? [] : ["--config", configPath]),
        ...["--host", "127.0.0.1", "--port", String(port)],
        ...(options.args ?? []),
      ];
      const captured = spawnNode(nodeArguments, options.env);
      // Never leave a proxy behind when the test process exits.
      const killOnExit = () => captured.child.kill("SIGKILL");
      process.once("exit", killOnExit);
      const url = `http://127.0.0.1:${port}`;
      const outcome = await waitUntilLive(url, captured, options.readyTimeoutMs ?? 15_000);
      if (outcome === "ready") {
        return {
          url,
          port,
          configPath,
          stdout: captured.stdout,
          stderr: captured.stderr,
          process: captured.child,
          stop: async (signal = "SIGTERM") => {
            const code = await terminate(captured, signal);
            process.removeListener("exit", killOnExit);
            await removeDirectory();
            return code;
          },
        };
      }
      const code = outcome === "exited" ? await captured.exited : await terminate(captured, "SIGKILL");
      process.removeListener("exit", killOnExit);
      // The port may have been taken between picking and listening: try another one.
      if (outcome === "exited" && /EADDRINUSE/.test(captured.stderr()) && attempt < startAttempts) continue;
      const what =
        outcome === "exited"
          ? "exited before it was live"
          : `was not live at ${url}${livelinessPath} within ${options.readyTimeoutMs ?? 15_000} ms`;
      throw describeFailure(what, captured, outcome === "exited" ? code : undefined);
    }
  } catch (error) {
    await removeDirectory();
    throw error;
  }
}
