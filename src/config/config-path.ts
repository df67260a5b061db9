/** A path into the parsed config: map keys and list indexes. */
export type ConfigPath = readonly (string | number)[];

/** `["model_list", 2, "litellm_params", "api_base"]` -> `model_list[2].litellm_params.api_base`. */
export function formatConfigPath(path: ConfigPath): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") {
      text += `[${segment}]`;
    } else {
      text += text === "" ? segment : `.${segment}`;
    }
  }
  return text;
}

/** The same path with list indexes replaced by `[]`: `model_list[].litellm_params`. */
export function formatPathPattern(path: ConfigPath): string {
  return formatConfigPath(path.map((segment) => (typeof segment === "number" ? -1 : segment))).replaceAll(
    "[-1]",
    "[]",
  );
}

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value at one step of a path, or undefined when the container has no such entry. */
export function getChild(container: unknown, segment: string | number): unknown {
  if (Array.isArray(container) && typeof segment === "number") {
    return container[segment];
  }
  if (isPlainRecord(container) && typeof segment === "string") {
    return container[segment];
  }
  return undefined;
}

/** The value at a path, or undefined when any step is missing. */
export function getAtPath(root: unknown, path: ConfigPath): unknown {
  let value = root;
  for (const segment of path) {
    value = getChild(value, segment);
  }
  return value;
}

/** Removes map entries whose value is null (`key:` with nothing after it), in place: LiteLLM reads them as unset. */
export function removeNullValues(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      removeNullValues(item);
    }
  } else if (isPlainRecord(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (child === null) {
        Reflect.deleteProperty(value, key);
      } else {
        removeNullValues(child);
      }
    }
  }
}
