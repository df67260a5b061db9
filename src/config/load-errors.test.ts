import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./index.js";

function catchConfigError(text: string): ConfigError {
  try {
    parseConfig(text, { source: "config.yaml", env: {} });
  } catch (error) {
    if (error instanceof ConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const deployment = "model_list:\n  - model_name: a\n    litellm_params:\n      model: openai/a\n";

describe("unknown keys", () => {
  it.each([
    ["top level", "model_lsit: []\n", "model_lsit", 1, 1, "model_list"],
    [
      "deployment",
      "model_list:\n  - model_nmae: a\n    litellm_params: { model: x }\n",
      "model_list[0].model_nmae",
      2,
      5,
      "model_name",
    ],
    [
      "litellm_params",
      `${deployment}      api_bse: http://x\n`,
      "model_list[0].litellm_params.api_bse",
      5,
      7,
      "api_base",
    ],
    [
      "router_settings",
      "router_settings:\n  routing_stratgy: least-busy\n",
      "router_settings.routing_stratgy",
      2,
      3,
      "routing_strategy",
    ],
    [
      "retry_policy",
      "router_settings:\n  retry_policy:\n    TimeoutErrorRetry: 1\n",
      "router_settings.retry_policy.TimeoutErrorRetry",
      3,
      5,
      "TimeoutErrorRetries",
    ],
    [
      "litellm_settings",
      "litellm_settings:\n  drop_param: true\n",
      "litellm_settings.drop_param",
      2,
      3,
      "drop_params",
    ],
    [
      "general_settings",
      "general_settings:\n  master_kye: sk-1\n",
      "general_settings.master_kye",
      2,
      3,
      "master_key",
    ],
  ])(
    "refuses a typo at the %s with path, line and the closest key",
    (_level, text, path, line, column, suggestion) => {
      const error = catchConfigError(text);
      expect(error.issues).toEqual([
        { path, line, column, message: `unknown key; did you mean "${suggestion}"?` },
      ]);
      expect(error.message).toBe(
        `config.yaml:${line}:${column} ${path}: unknown key; did you mean "${suggestion}"?`,
      );
    },
  );

  it("says nothing about a suggestion when no key is close", () => {
    const error = catchConfigError("general_settings:\n  something_else_entirely: 1\n");
    expect(error.issues[0]?.message).toBe("unknown key");
  });

  it("points out a litellm_params key written at the deployment level", () => {
    const error = catchConfigError(`${deployment}    api_base: http://x\n`);
    expect(error.issues).toEqual([
      {
        path: "model_list[0].api_base",
        line: 5,
        column: 5,
        message: 'unknown key; "api_base" belongs under litellm_params',
      },
    ]);
  });

  it("accepts unknown keys in model_info and type-checks the known ones", () => {
    const error = catchConfigError(
      `${deployment}    model_info:\n      anything: 1\n      max_input_tokens: lots\n`,
    );
    expect(error.issues).toEqual([
      expect.objectContaining({ path: "model_list[0].model_info.max_input_tokens", line: 7, column: 25 }),
    ]);
  });
});

describe("wrong types", () => {
  it("refuses a non-numeric timeout with path and line", () => {
    const error = catchConfigError(`${deployment}      timeout: "abc"\n`);
    expect(error.message).toBe(
      'config.yaml:5:16 model_list[0].litellm_params.timeout: expected a number, got the string "abc"',
    );
  });

  it("names one problem once per path (environment_variables applied, then the schema)", () => {
    const error = catchConfigError(`environment_variables:\n  A: [1, 2]\n${deployment}`);
    expect(error.issues).toEqual([
      { path: "environment_variables.A", line: 2, column: 6, message: "expected a string value" },
    ]);
  });

  it("refuses a model_list that is not a list", () => {
    const error = catchConfigError("model_list: {}\n");
    expect(error.issues).toEqual([
      { path: "model_list", line: 1, column: 13, message: "expected a list, got a map" },
    ]);
  });

  it("reports a missing required key at its parent", () => {
    const error = catchConfigError("model_list:\n  - litellm_params: { model: x }\n");
    expect(error.issues).toEqual([
      { path: "model_list[0].model_name", line: 2, column: 5, message: "required; expected a string" },
    ]);
  });

  it("reports an empty required value at its key", () => {
    const error = catchConfigError("model_list:\n  - model_name:\n    litellm_params: { model: x }\n");
    expect(error.issues).toEqual([
      { path: "model_list[0].model_name", line: 2, column: 5, message: "required; expected a string" },
    ]);
  });

  it("never shows the value of a secret in a message", () => {
    const error = catchConfigError("general_settings:\n  master_key: 123456789\n");
    expect(error.message).toBe(
      "config.yaml:2:15 general_settings.master_key: expected a string, got a number",
    );
  });

  it("suggests the closest routing strategy", () => {
    const error = catchConfigError("router_settings:\n  routing_strategy: least_busy\n");
    expect(error.issues[0]?.message).toContain('did you mean "least-busy"?');
    expect(error.issues[0]?.line).toBe(2);
  });

  it("refuses negative retries and malformed fallbacks", () => {
    const error = catchConfigError(
      "router_settings:\n  num_retries: -1\n  fallbacks:\n    - { a: [b], c: [d] }\n",
    );
    expect(error.issues.map((issue) => [issue.path, issue.line])).toEqual([
      ["router_settings.num_retries", 2],
      ["router_settings.fallbacks[0]", 4],
    ]);
  });
});

describe("YAML problems", () => {
  it("reports a syntax error with its line", () => {
    const error = catchConfigError("model_list:\n  - model_name: a\n    litellm_params: [unclosed\n");
    expect(error.issues.length).toBeGreaterThan(0);
    expect(error.issues[0]?.line).toBeGreaterThanOrEqual(3);
    expect(error.message).toMatch(/^config\.yaml:\d+:\d+ YAML syntax error: /);
  });

  it("reports duplicate keys", () => {
    const error = catchConfigError("general_settings:\n  master_key: a\n  master_key: b\n");
    expect(error.issues[0]?.line).toBe(3);
  });

  it.each([[""], ["# only a comment\n"]])("refuses an empty file %j", (text) => {
    const error = catchConfigError(text);
    expect(error.message).toBe("config.yaml:1:1 the config file is empty");
  });

  it("refuses a document that is not a map", () => {
    const error = catchConfigError("- a\n- b\n");
    expect(error.issues[0]).toMatchObject({ line: 1, column: 1 });
  });
});

describe("LiteLLM keys llmgate does not implement yet", () => {
  it("accepts them with a warning naming the path, and drops them from the result", () => {
    const text = `${deployment}      aws_profile_name: prod
guardrails:
  - guardrail_name: pii
litellm_settings:
  service_callbacks: ["datadog"]
  drop_params: true
router_settings:
  enable_tag_filtering: true
general_settings:
  alerting: ["slack"]
`;
    const { config, warnings } = parseConfig(text, { source: "config.yaml", env: {} });
    expect(warnings).toEqual([
      "config.yaml:5:7 model_list[0].litellm_params.aws_profile_name is a LiteLLM setting llmgate does not implement yet; it is ignored",
      "config.yaml:6:1 guardrails is a LiteLLM setting llmgate does not implement yet; it is ignored",
      "config.yaml:9:3 litellm_settings.service_callbacks is a LiteLLM setting llmgate does not implement yet; it is ignored",
      "config.yaml:12:3 router_settings.enable_tag_filtering is a LiteLLM setting llmgate does not implement yet; it is ignored",
      "config.yaml:14:3 general_settings.alerting is a LiteLLM setting llmgate does not implement yet; it is ignored",
    ]);
    expect(config.litellm_settings).toEqual({ drop_params: true });
    expect(config.model_list[0]?.litellm_params).toEqual({ model: "openai/a" });
  });
});

describe("several problems", () => {
  it("reports every issue at once, in file order, one per line", () => {
    const text = `model_list:
  - model_name: a
    litellm_params:
      model: openai/a
      api_bse: http://x
      timeout: abc
  - model_name: 7
    litellm_params: {}
router_settings:
  cooldown_time: soon
`;
    const error = catchConfigError(text);
    expect(error.message.split("\n")).toEqual([
      'config.yaml:5:7 model_list[0].litellm_params.api_bse: unknown key; did you mean "api_base"?',
      'config.yaml:6:16 model_list[0].litellm_params.timeout: expected a number, got the string "abc"',
      "config.yaml:7:17 model_list[1].model_name: expected a string, got number 7",
      "config.yaml:8:5 model_list[1].litellm_params.model: required; expected a string",
      'config.yaml:10:18 router_settings.cooldown_time: expected a number, got the string "soon"',
    ]);
    expect(error.issues).toHaveLength(5);
  });
});
