import { readFile } from "node:fs/promises";
import { LineCounter, parseDocument, type YAMLError } from "yaml";
import { knownProviderIds, PROVIDERS, providerIdOf } from "../providers/registry.js";
import { type ConfigPath, formatConfigPath, isPlainRecord, removeNullValues } from "./config-path.js";
import { applyEnvironmentVariables, resolveEnvironmentReferences } from "./env-refs.js";
import { ConfigError, type ConfigIssue, formatLocation } from "./errors.js";
import { checkKeys, type KeyFinding, removeKeys } from "./key-check.js";
import type { LlmgateConfig } from "./schema.js";
import { cacheParamsWarnings } from "./schema-cache.js";
import { validateConfigSchema } from "./validate.js";
import { createPositionLocator, type PositionLocator } from "./yaml-positions.js";

export interface LoadedConfig {
  config: LlmgateConfig;
  /** Start-up warnings: unimplemented LiteLLM keys, unset environment variables. */
  warnings: string[];
  /** The file the config came from, as given. */
  source: string;
}

export interface ParseConfigOptions {
  /** File name used in messages. */
  source: string;
  /** Receives `environment_variables`; `os.environ/NAME` references are read from it. */
  env: NodeJS.ProcessEnv;
}

function yamlErrorToIssue(error: YAMLError, lineCounter: LineCounter): ConfigIssue {
  const { line, col } = lineCounter.linePos(error.pos[0]);
  return { path: "", line, column: col, message: `YAML syntax error: ${error.message}` };
}

/**
 * Why a deployment names a provider llmgate does not have (LiteLLM's `azure/`, `bedrock/`, ...), or
 * undefined. A warning, not an error: the proxy serves the other deployments, and calls to this one
 * fail with a clear 400 (a router can fall back from it).
 */
function unknownProviderProblem(model: string, customProvider: string | undefined): string | undefined {
  const id = providerIdOf(model, customProvider);
  if (PROVIDERS.has(id)) return undefined;
  return `unknown provider "${id}": calls to this deployment will fail; known providers: ${knownProviderIds()}`;
}

function issueAt(locator: PositionLocator, path: ConfigPath, message: string, isKey: boolean): ConfigIssue {
  const position = isKey ? locator.keyPosition(path) : locator.valuePosition(path);
  return { path: formatConfigPath(path), ...position, message };
}

/** A required key reported missing because it was misspelled is already reported as the typo. */
function withoutMisspelledRequiredKeys(
  issues: ConfigIssue[],
  unknownKeys: readonly KeyFinding[],
): ConfigIssue[] {
  const misspelled = new Set(
    unknownKeys.flatMap((finding) =>
      finding.suggestion === undefined
        ? []
        : [formatConfigPath([...finding.path.slice(0, -1), finding.suggestion])],
    ),
  );
  return issues.filter((issue) => !(misspelled.has(issue.path) && issue.message.startsWith("required")));
}

function compareIssues(left: ConfigIssue, right: ConfigIssue): number {
  return (left.line ?? 0) - (right.line ?? 0) || (left.column ?? 0) - (right.column ?? 0);
}

/**
 * Parses and validates a LiteLLM-format config. Applies `environment_variables` to `options.env`,
 * resolves `os.environ/NAME` references, and throws a ConfigError listing every problem found.
 */
export function parseConfig(text: string, options: ParseConfigOptions): LoadedConfig {
  const { source, env } = options;
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new ConfigError(
      source,
      document.errors.map((error) => yamlErrorToIssue(error, lineCounter)),
    );
  }
  if (document.contents === null) {
    throw new ConfigError(source, [{ path: "", line: 1, column: 1, message: "the config file is empty" }]);
  }
  const locator = createPositionLocator(document.contents, lineCounter);
  const data: unknown = document.toJS();
  if (!isPlainRecord(data)) {
    const position = locator.valuePosition([]);
    throw new ConfigError(source, [
      {
        path: "",
        ...position,
        message: "expected a map at the top level (model_list, router_settings, ...)",
      },
    ]);
  }
  removeNullValues(data);

  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];

  const keyCheck = checkKeys(data);
  for (const finding of keyCheck.unknownKeys) {
    issues.push(issueAt(locator, finding.path, finding.message, true));
  }
  for (const finding of keyCheck.notImplementedKeys) {
    warnings.push(issueAt(locator, finding.path, finding.message, true));
  }
  removeKeys(data, [...keyCheck.unknownKeys, ...keyCheck.notImplementedKeys]);

  for (const finding of applyEnvironmentVariables(data, env)) {
    issues.push(issueAt(locator, finding.path, finding.message, false));
  }
  for (const finding of resolveEnvironmentReferences(data, env)) {
    warnings.push(issueAt(locator, finding.path, finding.message, true));
  }

  const validation = validateConfigSchema(data, locator);
  if (!validation.isValid) {
    issues.push(...withoutMisspelledRequiredKeys(validation.issues, keyCheck.unknownKeys));
  }
  if (issues.length > 0 || !validation.isValid) {
    // One problem per path: a value refused before the schema ran is not refused again by it.
    const firstByPath = new Map<string, ConfigIssue>();
    for (const issue of issues) if (!firstByPath.has(issue.path)) firstByPath.set(issue.path, issue);
    throw new ConfigError(source, [...firstByPath.values()].sort(compareIssues));
  }
  for (const [index, deployment] of validation.config.model_list.entries()) {
    const { model, custom_llm_provider: customProvider } = deployment.litellm_params;
    const problem = unknownProviderProblem(model, customProvider);
    if (problem === undefined) continue;
    const path = [
      "model_list",
      index,
      "litellm_params",
      customProvider === undefined ? "model" : "custom_llm_provider",
    ];
    warnings.push(issueAt(locator, path, `${formatConfigPath(path)}: ${problem}`, false));
  }
  for (const warning of cacheParamsWarnings(
    validation.config.litellm_settings.cache_params,
    validation.config.litellm_settings.cache,
  ))
    warnings.push(issueAt(locator, warning.path, warning.message, false));
  const warningTexts = warnings
    .sort(compareIssues)
    .map((warning) => `${formatLocation(source, warning)} ${warning.message}`);
  return { config: validation.config, warnings: warningTexts, source };
}

/** Reads a config file and parses it with `parseConfig`. */
export async function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(path, [{ path: "", message: `cannot read the config file: ${reason}` }]);
  }
  return parseConfig(text, { source: path, env });
}
