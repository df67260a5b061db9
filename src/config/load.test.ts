import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseConfig } from "./index.js";

const docsStyleConfig = `
model_list:
  - model_name: gpt-3.5-turbo
    litellm_params:
      model: azure/gpt-turbo-small-eu
      api_base: https://my-endpoint-europe-berri-992.openai.azure.com/
      api_key: os.environ/AZURE_API_KEY
      api_version: "2024-02-01"
      rpm: 6
      timeout: "30"
      stream_timeout: 10.5
      max_retries: 0
      temperature: 0.2
      max_tokens: 256
      extra_headers: { X-Team: research }
    model_info:
      id: eu-deployment
      mode: chat
      max_input_tokens: 16000
      supports_vision: true
  - model_name: text-embedding
    litellm_params:
      model: openai/text-embedding-3-small
      api_key: sk-plain
      drop_params: true

litellm_settings:
  drop_params: True
  set_verbose: False
  request_timeout: 600
  context_window_fallbacks: [{ "gpt-3.5-turbo": ["gpt-4o"] }]

router_settings:
  routing_strategy: usage-based-routing-v2
  redis_host: localhost
  redis_port: "6379"
  num_retries: 3
  allowed_fails: 3
  cooldown_time: 30
  fallbacks: [{ "gpt-3.5-turbo": ["text-embedding"] }]
  default_fallbacks: ["gpt-3.5-turbo"]
  model_group_alias:
    gpt-4: gpt-3.5-turbo
    hidden-one: { model: gpt-3.5-turbo, hidden: true }
  retry_policy:
    AuthenticationErrorRetries: 0
    TimeoutErrorRetries: 3

general_settings:
  master_key: sk-1234
  database_url: postgresql://user:pass@localhost:5432/llmgate
  proxy_batch_write_at: 60
`;

describe("parseConfig with a valid config", () => {
  it("returns typed values: numbers as numbers, env references resolved", () => {
    const { config, warnings, source } = parseConfig(docsStyleConfig, {
      source: "config.yaml",
      env: { AZURE_API_KEY: "azure-secret" },
    });
    expect(source).toBe("config.yaml");
    // The LiteLLM docs' config has an azure/ deployment: a provider llmgate has.
    expect(warnings).toEqual([]);
    expect(config.model_list).toHaveLength(2);
    const [first, second] = config.model_list;
    expect(first?.model_name).toBe("gpt-3.5-turbo");
    expect(first?.litellm_params).toMatchObject({
      model: "azure/gpt-turbo-small-eu",
      api_key: "azure-secret",
      api_version: "2024-02-01",
      timeout: 30,
      stream_timeout: 10.5,
      max_retries: 0,
      temperature: 0.2,
      max_tokens: 256,
      extra_headers: { "X-Team": "research" },
    });
    expect(first?.model_info).toEqual({
      id: "eu-deployment",
      mode: "chat",
      max_input_tokens: 16000,
      supports_vision: true,
    });
    expect(second?.litellm_params.drop_params).toBe(true);
    expect(config.router_settings.redis_port).toBe(6379);
    expect(config.router_settings.routing_strategy).toBe("usage-based-routing-v2");
    expect(config.router_settings.fallbacks).toEqual([{ "gpt-3.5-turbo": ["text-embedding"] }]);
    expect(config.router_settings.model_group_alias?.["hidden-one"]).toEqual({
      model: "gpt-3.5-turbo",
      hidden: true,
    });
    expect(config.router_settings.retry_policy).toEqual({
      AuthenticationErrorRetries: 0,
      TimeoutErrorRetries: 3,
    });
    expect(config.litellm_settings.context_window_fallbacks).toEqual([{ "gpt-3.5-turbo": ["gpt-4o"] }]);
    expect(config.general_settings.max_request_size_mb).toBe(32);
    expect(config.general_settings.proxy_batch_write_at).toBe(60);
  });

  it("gives defaults for missing sections and treats an empty section as absent", () => {
    const { config } = parseConfig(
      "model_list:\n  - model_name: a\n    litellm_params: { model: openai/a }\nlitellm_settings:\n",
      {
        source: "c.yaml",
        env: {},
      },
    );
    expect(config.litellm_settings).toEqual({});
    expect(config.router_settings).toEqual({});
    expect(config.general_settings).toEqual({
      max_request_size_mb: 32,
      max_response_size_mb: 256,
      client_request_timeout: 300,
      graceful_shutdown_timeout: 30,
    });
    expect(config.environment_variables).toEqual({});
  });

  it("loads the example config in examples/", async () => {
    const { config, warnings } = await loadConfig("examples/load-balancing.yaml", {
      OPENAI_API_KEY: "sk-openai",
      BACKUP_API_BASE: "https://backup.example.com/v1",
      BACKUP_API_KEY: "sk-backup",
      LLMGATE_MASTER_KEY: "sk-master",
    });
    expect(warnings).toEqual([]);
    expect(config.model_list.map((deployment) => deployment.model_name)).toEqual([
      "gpt-4o",
      "gpt-4o",
      "gpt-4o-mini",
      "text-embedding-3-small",
    ]);
    expect(config.general_settings.master_key).toBe("sk-master");
  });
});

describe("environment references", () => {
  const text = `
environment_variables:
  FROM_FILE: file-value
  PORT_NUMBER: 6380
model_list:
  - model_name: a
    litellm_params:
      model: openai/a
      api_key: os.environ/FROM_FILE
      api_base: os.environ/UNSET_BASE
      timeout: os.environ/TIMEOUT_SECONDS
router_settings:
  redis_port: os.environ/PORT_NUMBER
`;

  it("applies environment_variables to env first, then resolves os.environ/ references", () => {
    const env: NodeJS.ProcessEnv = { TIMEOUT_SECONDS: "45" };
    const { config, warnings } = parseConfig(text, { source: "config.yaml", env });
    expect(env.FROM_FILE).toBe("file-value");
    expect(env.PORT_NUMBER).toBe("6380");
    const params = config.model_list[0]?.litellm_params;
    expect(params?.api_key).toBe("file-value");
    expect(params?.timeout).toBe(45);
    expect(params?.api_base).toBeUndefined();
    expect(config.router_settings.redis_port).toBe(6380);
    expect(config.environment_variables).toEqual({ FROM_FILE: "file-value", PORT_NUMBER: "6380" });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("config.yaml:10:7");
    expect(warnings[0]).toContain("model_list[0].litellm_params.api_base");
    expect(warnings[0]).toContain("UNSET_BASE");
  });

  it("reports a required value whose variable is unset as missing", () => {
    const error = catchConfigError(
      "model_list:\n  - model_name: a\n    litellm_params:\n      model: os.environ/NOPE\n",
      {},
    );
    expect(error.issues).toEqual([
      expect.objectContaining({
        path: "model_list[0].litellm_params.model",
        line: 4,
        message: "required; expected a string",
      }),
    ]);
  });
});

describe("loadConfig", () => {
  it("reads a file and names it as the source", async () => {
    const directory = await mkdtemp(join(tmpdir(), "llmgate-config-"));
    try {
      const path = join(directory, "config.yaml");
      await writeFile(path, "general_settings:\n  master_kee: sk-1\n");
      const error = await loadConfig(path, {}).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toBe(
        `${path}:2:3 general_settings.master_kee: unknown key; did you mean "master_key"?`,
      );
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("turns a missing file into a ConfigError", async () => {
    await expect(loadConfig("/nonexistent/llmgate.yaml", {})).rejects.toThrow(ConfigError);
  });
});

function catchConfigError(text: string, env: NodeJS.ProcessEnv): ConfigError {
  try {
    parseConfig(text, { source: "config.yaml", env });
  } catch (error) {
    if (error instanceof ConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error("expected a ConfigError");
}
