import { type ConfigPath, formatConfigPath, isPlainRecord } from "./config-path.js";

/** LiteLLM's marker for "read this value from the environment": `os.environ/OPENAI_API_KEY`. */
export const environmentReferencePrefix = "os.environ/";

/** A problem with `environment_variables` or an `os.environ/` reference. */
export interface EnvironmentFinding {
  path: ConfigPath;
  message: string;
}

/**
 * Copies the `environment_variables` map into `env` (values as strings, like LiteLLM does).
 * Returns an issue for each entry that is not a scalar.
 */
export function applyEnvironmentVariables(config: unknown, env: NodeJS.ProcessEnv): EnvironmentFinding[] {
  if (!isPlainRecord(config)) {
    return [];
  }
  const variables = config.environment_variables;
  if (variables === undefined || variables === null) {
    return [];
  }
  if (!isPlainRecord(variables)) {
    return [{ path: ["environment_variables"], message: "expected a map of variable name to value" }];
  }
  const issues: EnvironmentFinding[] = [];
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      env[name] = String(value);
    } else if (value !== null) {
      issues.push({ path: ["environment_variables", name], message: "expected a string value" });
    }
  }
  return issues;
}

/**
 * Replaces every `os.environ/NAME` string (outside `environment_variables`) with `env[NAME]`, in place.
 * An unset variable leaves the value undefined and produces a warning finding.
 */
export function resolveEnvironmentReferences(config: unknown, env: NodeJS.ProcessEnv): EnvironmentFinding[] {
  const warnings: EnvironmentFinding[] = [];
  const resolve = (value: unknown, path: ConfigPath): unknown => {
    if (typeof value === "string") {
      if (!value.startsWith(environmentReferencePrefix)) {
        return value;
      }
      const name = value.slice(environmentReferencePrefix.length);
      const resolved = env[name];
      if (resolved === undefined) {
        warnings.push({
          path,
          message: `${formatConfigPath(path)} refers to environment variable ${name} (${value}), which is not set; the value is left unset`,
        });
      }
      return resolved;
    }
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        value[index] = resolve(value[index], [...path, index]);
      }
    } else if (isPlainRecord(value)) {
      for (const [key, child] of Object.entries(value)) {
        if (path.length === 0 && key === "environment_variables") {
          continue;
        }
        const resolved = resolve(child, [...path, key]);
        if (resolved === undefined) {
          Reflect.deleteProperty(value, key);
        } else {
          value[key] = resolved;
        }
      }
    }
    return value;
  };
  resolve(config, []);
  return warnings;
}
