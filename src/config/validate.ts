import type { z } from "zod";
import { findClosestKey } from "./closest-key.js";
import { type ConfigPath, formatConfigPath, getAtPath } from "./config-path.js";
import type { ConfigIssue } from "./errors.js";
import { type LlmgateConfig, llmgateConfigSchema } from "./schema.js";
import type { PositionLocator } from "./yaml-positions.js";

const friendlyTypeNames: Readonly<Record<string, string>> = {
  object: "a map",
  record: "a map",
  array: "a list",
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "a boolean (true or false)",
};

/** Keys whose values are secrets: messages name the type of a wrong value, never the value. */
const secretKeyPattern = /(^|_)(key|password|secret|token)$|^(database_url|redis_url|url)$/i;

function describeValue(value: unknown, path: ConfigPath): string {
  const lastSegment = path.at(-1);
  if (typeof lastSegment === "string" && secretKeyPattern.test(lastSegment) && value !== undefined) {
    return Array.isArray(value) ? "a list" : `a ${typeof value === "object" ? "map" : typeof value}`;
  }
  if (value === null) {
    return "null";
  }
  if (Array.isArray(value)) {
    return "a list";
  }
  if (typeof value === "string") {
    const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === "object") {
    return "a map";
  }
  return `${typeof value} ${String(value)}`;
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown, path: ConfigPath): string {
  if (issue.code === "invalid_type") {
    const expected = friendlyTypeNames[issue.expected] ?? issue.expected;
    return value === undefined
      ? `required; expected ${expected}`
      : `expected ${expected}, got ${describeValue(value, path)}`;
  }
  if (issue.code === "invalid_value") {
    const options = issue.values.filter((option): option is string => typeof option === "string");
    const choices = options.map((option) => JSON.stringify(option)).join(", ");
    const suggestion = typeof value === "string" ? findClosestKey(value, options) : undefined;
    const hint = suggestion === undefined ? "" : `; did you mean "${suggestion}"?`;
    return `expected one of ${choices}, got ${describeValue(value, path)}${hint}`;
  }
  if (issue.code === "unrecognized_keys") {
    return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}`;
  }
  return issue.message;
}

function toConfigPath(path: readonly PropertyKey[]): ConfigPath {
  return path.map((segment) => (typeof segment === "number" ? segment : String(segment)));
}

export type SchemaValidation =
  | { isValid: true; config: LlmgateConfig }
  | { isValid: false; issues: ConfigIssue[] };

/** Validates the resolved config against the schemas; each issue carries its path and position. */
export function validateConfigSchema(data: unknown, locator: PositionLocator): SchemaValidation {
  const result = llmgateConfigSchema.safeParse(data);
  if (result.success) {
    return { isValid: true, config: result.data };
  }
  const issues = result.error.issues.map((issue): ConfigIssue => {
    const path = toConfigPath(issue.path);
    const value = getAtPath(data, path);
    const position = locator.valuePosition(path);
    return { path: formatConfigPath(path), ...position, message: describeIssue(issue, value, path) };
  });
  return { isValid: false, issues };
}
