/**
 * Tests of the process helper against stand-in CLIs (tiny node scripts), since the real CLI is not
 * under test here: port picking, running to exit, readiness, failure reporting and stopping.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pickFreePort, runCli, runNode, startProxy } from "./proxy-process.js";

let directory: string;

/** A stand-in for dist/cli.js: serves the liveliness probe and shows what it was started with. */
const liveCli = `
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
const { values } = parseArgs({ options: { config: { type: "string" }, host: { type: "string" }, port: { type: "string" }, extra: { type: "string" } } });
const server = createServer((request, response) => {
  if (request.url === "/health/liveliness") return response.end("I'm alive!");
  const config = values.config === undefined ? null : readFileSync(values.config, "utf8");
  response.setHeader("content-type", "application/json");
  response.end(JSON.stringify({ values, config, env: process.env.STAND_IN_VALUE ?? null }));
});
server.listen(Number(values.port), values.host, () => console.log("listening on " + values.port));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
`;

const failingCli = `console.error("config error: model_list[0].litellm_params.modle is not a known key"); process.exit(2);`;

const neverLiveCli = `setInterval(() => {}, 1000);`;

async function writeScript(name: string, text: string): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, text, "utf8");
  return path;
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "proxy-process-test-"));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("pickFreePort", () => {
  it("returns a port another server can listen on", async () => {
    const port = await pickFreePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    await new Promise((resolve) => server.close(resolve));
  });
});

describe("runNode and runCli", () => {
  it("runs to exit and captures the code, stdout and stderr, with extra environment", async () => {
    const result = await runNode(
      ["-e", "console.log(process.env.EXTRA); console.error('oops'); process.exit(3)"],
      { EXTRA: "from-env" },
    );
    expect(result).toEqual({ code: 3, stdout: "from-env\n", stderr: "oops\n" });
  });

  it("kills a process that does not exit in time and rejects with its output", async () => {
    const started = Date.now();
    await expect(
      runNode(["-e", "console.log('stuck'); setInterval(() => {}, 1000)"], {}, 500),
    ).rejects.toThrow(/did not exit within 500 ms[\s\S]*stuck/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("runs a CLI script with arguments", async () => {
    const cliPath = await writeScript("args.mjs", "console.log(JSON.stringify(process.argv.slice(2)))");
    const result = await runCli(["--config", "x.yaml"], undefined, { cliPath });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(["--config", "x.yaml"]);
  });
});

describe("startProxy", () => {
  it("writes the config, passes host, port and args, waits until live, and stops with SIGTERM", async () => {
    const cliPath = await writeScript("live.mjs", liveCli);
    const proxy = await startProxy({
      config: "model_list: []\n",
      args: ["--extra", "yes"],
      env: { STAND_IN_VALUE: "set" },
      cliPath,
    });
    try {
      expect(proxy.url).toBe(`http://127.0.0.1:${proxy.port}`);
      const shown = (await (await fetch(`${proxy.url}/show`)).json()) as Record<string, unknown>;
      expect(shown).toEqual({
        values: { config: proxy.configPath, host: "127.0.0.1", port: String(proxy.port), extra: "yes" },
        config: "model_list: []\n",
        env: "set",
      });
      expect(proxy.stdout()).toContain(`listening on ${proxy.port}`);
    } finally {
      expect(await proxy.stop()).toBe(0);
    }
    expect(proxy.process.exitCode).toBe(0);
  });

  it("starts without --config when config is undefined", async () => {
    const cliPath = await writeScript("live-no-config.mjs", liveCli);
    const proxy = await startProxy({ config: undefined, cliPath });
    try {
      const shown = (await (await fetch(`${proxy.url}/show`)).json()) as { config: unknown };
      expect(shown.config).toBeNull();
      expect(proxy.configPath).toBeUndefined();
    } finally {
      await proxy.stop();
    }
  });

  it("rejects with the captured stderr and exit code when the CLI exits early", async () => {
    const cliPath = await writeScript("failing.mjs", failingCli);
    await expect(startProxy({ config: "model_list: []\n", cliPath })).rejects.toThrow(
      /exited before it was live \(exit code 2\)[\s\S]*modle is not a known key/,
    );
  });

  it("kills a CLI that never becomes live and rejects after the timeout", async () => {
    const cliPath = await writeScript("never-live.mjs", neverLiveCli);
    const started = Date.now();
    await expect(startProxy({ config: "", cliPath, readyTimeoutMs: 400 })).rejects.toThrow(
      /was not live at http:\/\/127\.0\.0\.1:\d+\/health\/liveliness within 400 ms/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("reports the exit code of a signal-killed process as null", async () => {
    const cliPath = await writeScript("live-sigkill.mjs", liveCli);
    const proxy = await startProxy({ config: undefined, cliPath });
    expect(await proxy.stop("SIGKILL")).toBeNull();
    expect(proxy.process.signalCode).toBe("SIGKILL");
  });
});
