/**
 * The real Claude Code CLI (`claude -p`, @anthropic-ai/claude-code 2.1.197, the newest release whose
 * `engines` allow Node 20; it runs as a native binary) against the proxy, with ANTHROPIC_BASE_URL
 * set to it:
 * - a `hosted_vllm/` deployment (a chat-completions server): Claude Code's Messages stream is
 *   translated to chat completions and back, the master key in ANTHROPIC_AUTH_TOKEN (Bearer);
 * - an `anthropic/` deployment (the fake Anthropic API): the body goes natively, a virtual key in
 *   ANTHROPIC_API_KEY (x-api-key), and the key's spend counts the call.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AnthropicBehaviour,
  type FakeAnthropic,
  startFakeAnthropic,
} from "../fakes/anthropic-upstream.js";
import { repositoryRoot, startProxy } from "../fakes/proxy-process.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { eventually, type Gate, gateOf, MASTER_KEY, numberAt } from "./keys-helpers.js";

/**
 * The wrapper's postinstall copies the platform binary over `bin/claude.exe`; where install scripts
 * did not run, the platform package's own binary is the same program.
 */
const platformBinary = join(
  repositoryRoot,
  "node_modules",
  "@anthropic-ai",
  `claude-code-${process.platform}-${process.arch}`,
  "claude",
);
const claude = existsSync(platformBinary)
  ? platformBinary
  : join(repositoryRoot, "node_modules", ".bin", "claude");

let chatUpstream: FakeUpstream;
let anthropic: FakeAnthropic;
let gate: Gate;
let home: string;

/** Runs `claude -p` with stdin closed, a throwaway HOME, and nothing sent anywhere but the proxy. */
function runClaude(
  prompt: string,
  model: string,
  credentials: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(claude, ["-p", "--model", model, prompt], {
      cwd: home,
      env: {
        PATH: process.env.PATH,
        HOME: home,
        ANTHROPIC_BASE_URL: gate.url,
        // The helper model Claude Code calls for side tasks goes to the same group.
        ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
        ANTHROPIC_SMALL_FAST_MODEL: model,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
        DISABLE_AUTOUPDATER: "1",
        DISABLE_TELEMETRY: "1",
        ...credentials,
      },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 80_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
    });
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  chatUpstream = await startFakeUpstream();
  anthropic = await startFakeAnthropic({ apiKey: "sk-ant-upstream" });
  gate = gateOf(
    await startProxy({
      config: JSON.stringify({
        model_list: [
          {
            model_name: "coder",
            litellm_params: { model: "hosted_vllm/qwen-coder", api_base: chatUpstream.baseUrl },
          },
          {
            model_name: "claude-native",
            litellm_params: {
              model: "anthropic/claude-sonnet-4-5",
              api_base: anthropic.url,
              api_key: "sk-ant-upstream",
              input_cost_per_token: 0.000003,
              output_cost_per_token: 0.000015,
            },
          },
        ],
        general_settings: { master_key: MASTER_KEY, database_url: ":memory:", proxy_batch_write_at: 1 },
      }),
      env: { REDIS_URL: "" },
    }),
  );
  home = await mkdtemp(join(tmpdir(), "llmgate-claude-code-"));
}, 30_000);

afterAll(async () => {
  await gate?.stop();
  await chatUpstream?.close();
  await anthropic?.close();
  if (home !== undefined) await rm(home, { recursive: true, force: true });
});

describe("claude -p through llmgate", () => {
  it("is installed as a test-only dependency", () => {
    expect(existsSync(claude)).toBe(true);
  });

  it("answers through /v1/messages, translated for a chat-completions deployment", {
    timeout: 90_000,
  }, async () => {
    const { code, stdout, stderr } = await runClaude("Say hello to llmgate", "coder", {
      ANTHROPIC_AUTH_TOKEN: MASTER_KEY,
    });
    expect({ code, output: code === 0 ? "" : stdout + stderr }).toEqual({ code: 0, output: "" });
    // The fake chat server echoes the text of the last user message; Claude Code prints the answer.
    expect(stdout).toContain("Say hello to llmgate");
    const chatCalls = chatUpstream.requests.filter((request) => request.path.endsWith("/chat/completions"));
    expect(chatCalls.length).toBeGreaterThan(0);
    const body = chatCalls.at(-1)?.body as {
      model: string;
      stream?: boolean;
      messages: { role: string }[];
      tools?: unknown[];
    };
    expect(body.model).toBe("qwen-coder");
    expect(body.stream).toBe(true);
    expect(body.messages[0]?.role).toBe("system");
    // Claude Code offers its tools (Bash, Read, ...); they reach the chat server as functions.
    expect(body.tools?.length ?? 0).toBeGreaterThan(0);
  });

  it("goes natively to an anthropic/ deployment with a virtual key, and the key's spend counts it", {
    timeout: 90_000,
  }, async () => {
    const { key } = await gate.newKey({ key_alias: "claude-code", models: ["claude-native"], max_budget: 5 });
    const before = anthropic.requests.length;
    // Left alone, the fake calls Claude Code's first tool; a scripted text answer ends the turn.
    const answer: AnthropicBehaviour = {
      kind: "message",
      content: [{ type: "text", text: "Hello from a native Claude" }],
    };
    anthropic.enqueue(answer, answer, answer);
    const { code, stdout, stderr } = await runClaude("Say hello to llmgate natively", "claude-native", {
      ANTHROPIC_API_KEY: key,
    });
    const calls = anthropic.requests.slice(before);
    anthropic.clear();
    expect({ code, output: code === 0 ? "" : stdout + stderr }).toEqual({ code: 0, output: "" });
    expect(stdout).toContain("Hello from a native Claude");
    expect(calls.length).toBeGreaterThan(0);
    const call = calls.find((request) => JSON.stringify(request.body.messages).includes("llmgate natively"));
    expect(call?.body.stream).toBe(true);
    // Only the model is replaced; the upstream key is the deployment's, never the client's.
    expect(call?.body.model).toBe("claude-sonnet-4-5");
    expect(call?.headers["x-api-key"]).toBe("sk-ant-upstream");
    expect(call?.headers["anthropic-version"]).toBe("2023-06-01");
    expect(call?.headers["anthropic-beta"]).toBeTruthy();
    const spend = await eventually(async () => {
      const info = await gate.api("GET", `/key/info?key=${encodeURIComponent(key)}`);
      const value = numberAt(info.body, "info", "spend");
      return value > 0 ? value : undefined;
    });
    expect(spend).toBeGreaterThan(0);
    expect(spend).toBeLessThan(5);
  });
});
