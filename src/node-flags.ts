import { spawn } from "node:child_process";
import { constants } from "node:os";
import { onStopSignals } from "./stop-signals.js";

/**
 * Node flags the proxy serves with. V8's young generation (16 MB semi-spaces by default) fills in
 * a few milliseconds under load, and every scavenge then copies the objects of all in-flight
 * requests, which survive it; 64 MB semi-spaces halve the scavenges. Measured on the bench
 * (embeddings, 64 concurrent requests): CPU per request down 15-20%.
 */
export const PROXY_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=64"];

const INFO_FLAGS = new Set(["--help", "-h", "--version", "-v"]);

/** Set in the environment of the node that serves, so that it does not start another. */
const SERVING_CHILD = "LLMGATE_SERVING_CHILD";

function flagName(flag: string): string {
  return (flag.split("=")[0] ?? flag).replaceAll("_", "-");
}

/** The flags that neither node's own arguments nor NODE_OPTIONS give already. */
export function missingNodeFlags(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const given = new Set([...execArgv, ...(nodeOptions ?? "").split(/\s+/)].filter(Boolean).map(flagName));
  return PROXY_NODE_FLAGS.filter((flag) => !given.has(flagName(flag)));
}

/** Whether this process was started by runWithNodeFlags (and should stop when its parent goes). */
export function isServingChild(): boolean {
  return process.env[SERVING_CHILD] === "1";
}

/**
 * In the node runWithNodeFlags started: calls `stop` once the command that started it is gone,
 * however it ended (SIGKILL included: its IPC channel closes). Elsewhere it does nothing.
 */
export function onCommandGone(stop: () => void): void {
  if (!isServingChild()) return;
  process.channel?.unref();
  process.once("disconnect", stop);
  if (!process.connected) stop();
}

/**
 * Node flags cannot be set once node runs, so when this process lacks them, the same command runs
 * again in a node that has them: signals are passed on, and the child's exit code is returned.
 * Undefined means this process goes on itself: it has the flags, it is that child, it only prints
 * help or the version, or LLMGATE_NODE_FLAGS=0 turned this off.
 */
export function runWithNodeFlags(): Promise<number> | undefined {
  if (isServingChild() || process.env.LLMGATE_NODE_FLAGS === "0") return undefined;
  // Nothing to serve: --help and --version answer from this process.
  if (process.argv.slice(2).some((argument) => INFO_FLAGS.has(argument))) return undefined;
  const flags = missingNodeFlags(process.execArgv, process.env.NODE_OPTIONS);
  if (flags.length === 0) return undefined;
  const child = spawn(process.execPath, [...flags, ...process.execArgv, ...process.argv.slice(1)], {
    // The IPC channel tells the child when this process is gone, however it ended (SIGKILL too).
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    env: { ...process.env, [SERVING_CHILD]: "1" },
  });
  const passOn = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  // A group signal reaches the child too; passing it on as well is then the same signal, which
  // the child counts once (SAME_SIGNAL_WINDOW_MS). A later one is passed on: the child stops at once.
  onStopSignals({ first: passOn, again: passOn });
  process.on("SIGHUP", passOn);
  return new Promise((resolve) => {
    child.once("error", (error) => {
      process.stderr.write(`llmgate: could not start node with ${flags.join(" ")}: ${error.message}\n`);
      resolve(1);
    });
    child.once("exit", (code, signal) =>
      resolve(code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0))),
    );
  });
}
