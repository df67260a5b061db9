import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, type LlmgateConfig, loadConfig, parseConfig } from "./config/index.js";
import { onCommandGone } from "./node-flags.js";
import { cliLogLine } from "./observability/log-format.js";
import { createProxy } from "./proxy/index.js";
import { redisUrlOf } from "./proxy/shared-state.js";
import { onStopSignals } from "./stop-signals.js";
import { isWorker, runPrimary } from "./workers.js";

/** A second signal exits at once, after this long at most to write the queued spend rows. */
const LAST_FLUSH_TIMEOUT_MS = 3_000;

const HELP = `llmgate: an OpenAI-compatible LLM gateway

Usage:
  llmgate --config config.yaml [--port 4000] [--host 0.0.0.0]
  llmgate --model openai/<model> --api_base <url> [--api_key <key>]

Options:
  --config FILE      LiteLLM-format config.yaml
  --port N           port to listen on (default 4000, or $PORT)
  --host HOST        address to listen on (default 0.0.0.0)
  --model NAME       quick mode: serve this one model (provider/model)
  --api_base URL     quick mode: the model's api_base
  --api_key KEY      quick mode: the model's api_key
  --num_workers N    serve with N processes sharing the port (default 1)
  --debug            log at debug level
  --version          print the version
  --help             this text
`;

function readVersion(): string {
  const packageJson = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return packageJson.version;
}

function quickConfig(model: string, apiBase: string | undefined, apiKey: string | undefined): LlmgateConfig {
  const litellmParams: Record<string, string> = { model };
  if (apiBase !== undefined) litellmParams.api_base = apiBase;
  if (apiKey !== undefined) litellmParams.api_key = apiKey;
  const yaml = JSON.stringify({ model_list: [{ model_name: model, litellm_params: litellmParams }] });
  return parseConfig(yaml, { source: "--model", env: process.env }).config;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      config: { type: "string", short: "c" },
      port: { type: "string", short: "p" },
      host: { type: "string" },
      model: { type: "string", short: "m" },
      api_base: { type: "string" },
      api_key: { type: "string" },
      num_workers: { type: "string" },
      debug: { type: "boolean" },
      detailed_debug: { type: "boolean" },
      version: { type: "boolean", short: "v" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.version === true) {
    process.stdout.write(`${readVersion()}\n`);
    return 0;
  }
  if (values.config === undefined && values.model === undefined) {
    process.stderr.write(`llmgate: give --config FILE or --model NAME\n\n${HELP}`);
    return 2;
  }
  const port = Number(values.port ?? process.env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`llmgate: --port must be a port number, got ${values.port}\n`);
    return 2;
  }
  const host = values.host ?? "0.0.0.0";
  let config: LlmgateConfig;
  if (values.config !== undefined) {
    const loaded = await loadConfig(values.config);
    if (!isWorker()) {
      const format = loaded.config.litellm_settings.json_logs === true ? "json" : "text";
      for (const warning of loaded.warnings) process.stderr.write(cliLogLine(format, "warn", warning));
    }
    config = loaded.config;
  } else {
    config = quickConfig(values.model ?? "", values.api_base, values.api_key);
  }
  const workerCount = Number(values.num_workers ?? 1);
  if (!Number.isInteger(workerCount) || workerCount < 1) {
    process.stderr.write(`llmgate: --num_workers must be a whole number >= 1, got ${values.num_workers}\n`);
    return 2;
  }
  const logFormat = config.litellm_settings.json_logs === true ? "json" : "text";
  const say = (level: "info" | "warn" | "error", message: string) =>
    process.stderr.write(cliLogLine(logFormat, level, message));
  const hasRedis = redisUrlOf(config.router_settings, process.env) !== undefined;
  if (workerCount > 1 && !isWorker()) {
    // Without Redis the primary holds the counts, so that limits and cooldowns hold across workers.
    const finished = runPrimary(workerCount, { servesCounts: !hasRedis, logFormat });
    // The primary stops its workers on SIGTERM: so it does when the command is gone.
    onCommandGone(() => process.kill(process.pid, "SIGTERM"));
    return finished;
  }
  const logLevel =
    values.detailed_debug === true
      ? "trace"
      : values.debug === true || config.litellm_settings.set_verbose === true
        ? "debug"
        : (process.env.LLMGATE_LOG_LEVEL ?? "info");
  const proxy = await createProxy(config, {
    forcedModel: values.config === undefined ? values.model : undefined,
    logLevel,
    configDir: values.config === undefined ? undefined : dirname(resolve(values.config)),
    hasReportedConfigWarnings: values.config !== undefined,
    countsThroughPrimary: isWorker() && !hasRedis,
    sharesWithWorkers: isWorker(),
  });
  const address = await proxy.listen(port, host);
  say("info", `listening on ${address} (${config.model_list.length} deployments)`);
  if ((config.general_settings.master_key ?? "") !== "") say("info", `admin UI: ${address}/ui`);
  const stop = onStopSignals({
    first: (signal) => {
      say("info", `${signal}: finishing open requests, then exiting`);
      proxy.close().then(
        () => process.exit(0),
        (error: unknown) => {
          say("error", `error while closing: ${String(error)}`);
          process.exit(1);
        },
      );
    },
    again: (signal) => {
      say("warn", `${signal} again: writing queued spend, then exiting now`);
      proxy.flushSpend(LAST_FLUSH_TIMEOUT_MS).then(
        (left) => {
          if (left > 0) say("error", `${left} spend-log rows could not be written`);
          process.exit(1);
        },
        () => process.exit(1),
      );
    },
  });
  // A worker is stopped by its primary (node:cluster), not by the command.
  if (!isWorker()) onCommandGone(() => stop("SIGTERM"));
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`llmgate: invalid config:\n${error.message}\n`);
    } else {
      process.stderr.write(`llmgate: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    process.exit(1);
  },
);
