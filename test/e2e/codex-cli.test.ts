/**
 * The real Codex CLI (`codex exec`, @openai/codex) against the proxy: a custom model provider whose
 * base_url is the proxy and `wire_api = "responses"`, the master key as its key, and a
 * hosted_vllm/ deployment (a chat-completions server) behind it: Codex's Responses request is
 * translated to chat completions and its answer back.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ProxyProcess, repositoryRoot, startProxy } from "../fakes/proxy-process.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";

/** Runs the CLI with stdin closed (`codex exec` reads more input from an open one). */
function runCodex(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: home,
      env,
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
const MASTER_KEY = "sk-codex-master";
let upstream: FakeUpstream;
let proxy: ProxyProcess;
let home: string;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  proxy = await startProxy({
    config: JSON.stringify({
      model_list: [
        {
          model_name: "codex-model",
          litellm_params: { model: "hosted_vllm/qwen-coder", api_base: upstream.baseUrl },
        },
      ],
      general_settings: { master_key: MASTER_KEY, database_url: ":memory:" },
    }),
    env: { REDIS_URL: "" },
  });
  home = await mkdtemp(join(tmpdir(), "llmgate-codex-"));
  await writeFile(
    join(home, "config.toml"),
    `model = "codex-model"
model_provider = "llmgate"

[model_providers.llmgate]
name = "llmgate"
base_url = "${proxy.url}/v1"
env_key = "LLMGATE_KEY"
wire_api = "responses"
`,
  );
}, 30_000);

afterAll(async () => {
  await proxy?.stop();
  await upstream?.close();
  if (home !== undefined) await rm(home, { recursive: true, force: true });
});

describe("codex exec through llmgate", () => {
  it("answers a prompt through /v1/responses, translated for a chat-completions deployment", {
    timeout: 90_000,
  }, async () => {
    const codex = join(repositoryRoot, "node_modules", ".bin", "codex");
    const { stdout, code, stderr } = await runCodex(
      codex,
      ["exec", "--skip-git-repo-check", "Say hello to llmgate"],
      {
        ...process.env,
        CODEX_HOME: home,
        LLMGATE_KEY: MASTER_KEY,
      },
    );
    expect({ code, stderr: code === 0 ? "" : stderr }).toEqual({ code: 0, stderr: "" });
    // The fake chat server echoes the last user message; Codex prints the model's answer.
    expect(stdout).toContain("Say hello to llmgate");
    const chatCalls = upstream.requests.filter((request) => request.path.endsWith("/chat/completions"));
    expect(chatCalls.length).toBeGreaterThan(0);
    const body = chatCalls[0]?.body as { model: string; stream?: boolean; messages: { role: string }[] };
    expect(body.model).toBe("qwen-coder");
    expect(body.stream).toBe(true);
    expect(body.messages.some((message) => message.role === "user")).toBe(true);
  });
});
