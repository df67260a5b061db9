import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROXY_NODE_FLAGS } from "../../src/node-flags.js";
import { runCli, startProxy } from "../fakes/proxy-process.js";
import { rawExchange } from "../fakes/raw-http.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";

let upstream: FakeUpstream;

/** The pids of a process's children (Linux). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

/** Whether `condition` holds within 5 s, checked every 50 ms. */
async function eventually(condition: () => boolean): Promise<boolean> {
  const deadline = Date.now() + 5000;
  while (!condition() && Date.now() < deadline) await sleep(50);
  return condition();
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
});

afterAll(async () => {
  await upstream?.close();
});

describe("the llmgate command", () => {
  it("quick mode serves one model, whatever name the client asks for", async () => {
    const proxy = await startProxy({
      config: undefined,
      args: ["--model", "openai/quick-model", "--api_base", upstream.baseUrl, "--api_key", "sk-quick"],
    });
    try {
      upstream.clear();
      const client = new OpenAI({ apiKey: "anything", baseURL: `${proxy.url}/v1`, maxRetries: 0 });
      const completion = await client.chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "quick" }],
      });
      expect(completion.choices[0]?.message.content).toBe("echo: quick");
      const received = upstream.requests[0];
      expect((received?.body as { model?: string } | undefined)?.model).toBe("quick-model");
      expect(received?.headers.authorization).toBe("Bearer sk-quick");
    } finally {
      await proxy.stop();
    }
  });

  it("serves from a node started with the proxy's node flags, which stops when the command is killed", async () => {
    const config = `model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/m\n      api_base: ${upstream.baseUrl}\n`;
    const proxy = await startProxy({ config });
    const parentPid = proxy.process.pid ?? 0;
    const childPid = childrenOf(parentPid)[0] ?? 0;
    const commandLine = readFileSync(`/proc/${childPid}/cmdline`, "utf8").split("\0");
    expect(commandLine).toEqual(expect.arrayContaining([...PROXY_NODE_FLAGS]));
    const answer = await fetch(`${proxy.url}/health/liveliness`);
    expect(answer.status).toBe(200);
    // SIGKILL leaves the command no chance to pass a signal on: the child notices it is gone.
    await proxy.stop("SIGKILL");
    expect(await eventually(() => !existsSync(`/proc/${childPid}`))).toBe(true);
  });

  it("--num_workers 2 serves from two processes and exits cleanly on SIGTERM", async () => {
    const config = `model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/m\n      api_base: ${upstream.baseUrl}\n      api_key: sk-up\n`;
    const proxy = await startProxy({ config, args: ["--num_workers", "2"] });
    const client = new OpenAI({ apiKey: "none", baseURL: `${proxy.url}/v1`, maxRetries: 0 });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        client.chat.completions.create({ model: "m", messages: [{ role: "user", content: `n${index}` }] }),
      ),
    );
    expect(answers.map((answer) => answer.choices[0]?.message.content)).toEqual(
      Array.from({ length: 20 }, (_, index) => `echo: n${index}`),
    );
    const primary = childrenOf(proxy.process.pid ?? 0)[0] ?? 0;
    expect(await eventually(() => childrenOf(primary).length === 2)).toBe(true);
    expect(await proxy.stop("SIGTERM")).toBe(0);
    expect(proxy.stderr()).toContain("listening");
  });

  it("--num_workers 2: the primary and its workers stop when the command is killed", async () => {
    const config = `model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/m\n      api_base: ${upstream.baseUrl}\n`;
    const proxy = await startProxy({ config, args: ["--num_workers", "2"] });
    const primary = childrenOf(proxy.process.pid ?? 0)[0] ?? 0;
    expect(await eventually(() => childrenOf(primary).length === 2)).toBe(true);
    const workers = childrenOf(primary);
    await proxy.stop("SIGKILL");
    const isGone = (pid: number) => !existsSync(`/proc/${pid}`);
    expect(await eventually(() => [primary, ...workers].every(isGone))).toBe(true);
  });

  it("--num_workers 2 exits 1, without restarting workers forever, when they cannot serve", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const config = `model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/m\n      api_base: ${upstream.baseUrl}\n`;
      const directory = await mkdtemp(join(tmpdir(), "llmgate-workers-"));
      const configPath = join(directory, "config.yaml");
      await writeFile(configPath, config);
      const result = await runCli([
        "--config",
        configPath,
        "--num_workers",
        "2",
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("before serving");
      await rm(directory, { recursive: true, force: true });
    } finally {
      blocker.close();
    }
  });

  it("lets clients bring api_base and api_key only when allow_client_side_credentials is set", async () => {
    const other = await startFakeUpstream();
    const config = `model_list:
  - model_name: m
    litellm_params:
      model: openai/m
      api_base: ${upstream.baseUrl}
      api_key: sk-deployment
      temperature: 0.1
general_settings:
  allow_client_side_credentials: true
`;
    const proxy = await startProxy({ config });
    try {
      upstream.clear();
      const post = (body: Record<string, unknown>) =>
        fetch(`${proxy.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }], ...body }),
        });
      expect((await post({ temperature: 0.9 })).status).toBe(200);
      const toDeployment = upstream.requests[0];
      expect((toDeployment?.body as { temperature?: number } | undefined)?.temperature).toBe(0.9);
      expect(toDeployment?.headers.authorization).toBe("Bearer sk-deployment");
      expect((await post({ api_base: other.baseUrl, api_key: "sk-client" })).status).toBe(200);
      expect(other.requests[0]?.headers.authorization).toBe("Bearer sk-client");
      expect(upstream.requests).toHaveLength(1);
      // Without a master key the proxy is open, but its management API is not.
      const generate = await fetch(`${proxy.url}/key/generate`, { method: "POST", body: "{}" });
      expect(generate.status).toBe(403);
    } finally {
      await proxy.stop();
      await other.close();
    }
  });

  it("answers 408 and closes a request whose body does not arrive within client_request_timeout", async () => {
    const config = `model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/m\n      mock_response: hi\ngeneral_settings:\n  client_request_timeout: 1\n`;
    const proxy = await startProxy({ config });
    try {
      const started = Date.now();
      const answer = await rawExchange(
        proxy.url,
        'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 59\r\n\r\n{"mod',
      );
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(answer).toContain("client_request_timeout");
      expect(Date.now() - started).toBeLessThan(5000);
      const client = new OpenAI({ apiKey: "none", baseURL: `${proxy.url}/v1`, maxRetries: 0 });
      const ok = await client.chat.completions.create({
        model: "m",
        messages: [{ role: "user", content: "x" }],
      });
      expect(ok.choices[0]?.message.content).toBe("hi");
    } finally {
      await proxy.stop();
    }
  });

  it("general_settings.max_response_size_mb bounds an upstream answer and a stream event", async () => {
    const config = `model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/m\n      api_base: ${upstream.baseUrl}\nrouter_settings:\n  num_retries: 0\ngeneral_settings:\n  max_response_size_mb: 0.001\n`;
    const proxy = await startProxy({ config });
    try {
      const client = new OpenAI({ apiKey: "none", baseURL: `${proxy.url}/v1`, maxRetries: 0 });
      const messages = [{ role: "user" as const, content: "x" }];
      upstream.script({ kind: "json", body: { padding: "p".repeat(5000) } });
      const large = await client.chat.completions
        .create({ model: "m", messages })
        .catch((error: unknown) => error);
      expect((large as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
      expect((large as Error).message).toContain("larger than 1048 bytes");
      upstream.script({ kind: "stream", chunks: [`data: {"a":"${"p".repeat(5000)}`], done: false });
      const stream = await fetch(`${proxy.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "m", messages, stream: true }),
      });
      expect(stream.status).toBe(500);
      expect(await stream.text()).toContain("more than 1048 bytes without completing a stream event");
      const small = await client.chat.completions.create({ model: "m", messages });
      expect(small.choices[0]?.message.content).toBe("echo: x");
    } finally {
      await proxy.stop();
    }
  });

  it("serves the README's quick start config offline to the official client", async () => {
    const config = readFileSync(new URL("../../examples/quickstart.yaml", import.meta.url), "utf8");
    const proxy = await startProxy({ config });
    try {
      const client = new OpenAI({ apiKey: "sk-1234", baseURL: `${proxy.url}/v1`, maxRetries: 0 });
      const messages = [{ role: "user" as const, content: "Hi" }];
      const answer = await client.chat.completions.create({ model: "quickstart", messages });
      expect(answer.choices[0]?.message.content).toContain("Hello from llmgate!");
      let streamed = "";
      for await (const chunk of await client.chat.completions.create({
        model: "quickstart",
        messages,
        stream: true,
      }))
        streamed += chunk.choices[0]?.delta.content ?? "";
      expect(streamed).toBe(answer.choices[0]?.message.content);
      // The client asks for base64 unless told otherwise, and decodes it.
      const vectors = await client.embeddings.create({ model: "quickstart-embedding", input: ["a", "b"] });
      expect(vectors.data).toHaveLength(2);
      expect(vectors.data[0]?.embedding.map((value) => Math.round(value * 10) / 10)).toEqual([0.1, 0.2, 0.3]);
      const floats = await client.embeddings.create({
        model: "quickstart-embedding",
        input: "a",
        encoding_format: "float",
      });
      expect(floats.data[0]?.embedding).toEqual([0.1, 0.2, 0.3]);
    } finally {
      await proxy.stop();
    }
  });

  it("litellm_settings.drop_params drops what a deployment cannot take, and only that", async () => {
    const config = `model_list:
  - model_name: reasoning
    litellm_params:
      model: openai/o3-mini
      api_base: ${upstream.baseUrl}
  - model_name: text
    litellm_params:
      model: text-completion-openai/davinci
      api_base: ${upstream.baseUrl}
  - model_name: kept
    litellm_params:
      model: openai/o3-mini
      api_base: ${upstream.baseUrl}
      drop_params: false
litellm_settings:
  drop_params: true
`;
    const proxy = await startProxy({ config });
    try {
      const client = new OpenAI({ apiKey: "none", baseURL: `${proxy.url}/v1`, maxRetries: 0 });
      const messages = [{ role: "user" as const, content: "hi" }];
      const sent = () => upstream.requests.at(-1)?.body as Record<string, unknown>;
      await client.chat.completions.create({
        model: "reasoning",
        messages,
        temperature: 0.2,
        top_p: 0.5,
        max_tokens: 7,
        seed: 3,
      });
      expect(sent()).toEqual({ model: "o3-mini", messages, max_completion_tokens: 7, seed: 3 });
      await client.chat.completions.create({
        model: "text",
        messages,
        temperature: 0,
        tools: [{ type: "function", function: { name: "f" } }],
      });
      expect(upstream.requests.at(-1)?.path).toBe("/v1/completions");
      expect(sent()).toEqual({ model: "davinci", prompt: "hi", temperature: 0 });
      await client.chat.completions.create({ model: "kept", messages, temperature: 0.2 });
      expect(sent()).toEqual({ model: "o3-mini", messages, temperature: 0.2 });
    } finally {
      await proxy.stop();
    }
  });

  it("prints its version and help, and refuses bad flags with a non-zero exit", async () => {
    const version = await runCli(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = await runCli(["--help"]);
    expect(help.stdout).toContain("--config");
    const nothing = await runCli([]);
    expect(nothing.code).not.toBe(0);
    const badPort = await runCli(["--model", "openai/x", "--port", "nope"]);
    expect(badPort.code).not.toBe(0);
    expect(badPort.stderr).toContain("--port");
  });
});
