import { findClosestKey } from "./closest-key.js";
import {
  type ConfigPath,
  formatConfigPath,
  formatPathPattern,
  getAtPath,
  isPlainRecord,
} from "./config-path.js";
import { allKnownKeys, knownKeysBySection, type SectionKeys } from "./known-keys.js";

/** A key found in the config, with its path. */
export interface KeyFinding {
  path: ConfigPath;
  message: string;
  /** For an unknown key, the known key it most likely stands for. */
  suggestion?: string;
}

export interface KeyCheckResult {
  /** Typos and other keys nobody documents: refused. */
  unknownKeys: KeyFinding[];
  /** LiteLLM keys llmgate does not implement yet: accepted with a warning. */
  notImplementedKeys: KeyFinding[];
}

function describeUnknownKey(key: string, keys: SectionKeys, path: ConfigPath): KeyFinding {
  const parentPattern = formatPathPattern(path.slice(0, -1));
  if (parentPattern === "model_list[]") {
    const paramKeys = knownKeysBySection["model_list[].litellm_params"];
    if (paramKeys !== undefined && allKnownKeys(paramKeys).includes(key)) {
      return { path, message: `unknown key; "${key}" belongs under litellm_params` };
    }
  }
  const suggestion = findClosestKey(key, allKnownKeys(keys));
  return suggestion === undefined
    ? { path, message: "unknown key" }
    : { path, message: `unknown key; did you mean "${suggestion}"?`, suggestion };
}

function checkSection(
  value: Record<string, unknown>,
  keys: SectionKeys,
  path: ConfigPath,
  result: KeyCheckResult,
): void {
  for (const key of Object.keys(value)) {
    const keyPath = [...path, key];
    if (keys.notImplemented.includes(key)) {
      result.notImplementedKeys.push({
        path: keyPath,
        message: `${formatConfigPath(keyPath)} is a LiteLLM setting llmgate does not implement yet; it is ignored`,
      });
    } else if (!keys.implemented.includes(key) && !keys.passThrough.includes(key)) {
      result.unknownKeys.push(describeUnknownKey(key, keys, keyPath));
    }
  }
}

function visit(value: unknown, path: ConfigPath, result: KeyCheckResult): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      visit(item, [...path, index], result);
    });
    return;
  }
  if (!isPlainRecord(value)) {
    return;
  }
  const keys = knownKeysBySection[formatPathPattern(path)];
  if (keys === undefined) {
    return;
  }
  checkSection(value, keys, path, result);
  for (const key of [...keys.implemented]) {
    if (key in value) {
      visit(value[key], [...path, key], result);
    }
  }
}

/** Checks every map that has a fixed key set (see known-keys.ts) for unknown and unimplemented keys. */
export function checkKeys(config: unknown): KeyCheckResult {
  const result: KeyCheckResult = { unknownKeys: [], notImplementedKeys: [] };
  visit(config, [], result);
  return result;
}

/** Removes the given keys (found by `checkKeys`) from the config, so that they are ignored. */
export function removeKeys(config: unknown, findings: readonly KeyFinding[]): void {
  for (const finding of findings) {
    const parent = getAtPath(config, finding.path.slice(0, -1));
    const last = finding.path.at(-1);
    if (isPlainRecord(parent) && typeof last === "string") {
      Reflect.deleteProperty(parent, last);
    }
  }
}
