/** Reading a provider's settings: the call's values first, then the environment's, at call time. */

/** The value, unless absent, null or "" (which mean "not given"). */
export function nonEmpty(value: string | null | undefined): string | undefined {
  return value === undefined || value === null || value === "" ? undefined : value;
}

/** The first of these environment variables that is set to something. */
export function firstEnv(env: NodeJS.ProcessEnv, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = nonEmpty(env[name]);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** An api_base without its trailing slashes (`https://host/v1/` -> `https://host/v1`). */
export function stripTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url.charCodeAt(end - 1) === 47) end--;
  return url.slice(0, end);
}
