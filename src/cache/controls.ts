import { BadRequestError } from "../errors/index.js";

/** A request's own cache controls (the body's `cache` object, LiteLLM's names). */
export interface CacheControls {
  /** `no-cache`: do not read the cache (the answer is still stored). */
  noCache: boolean;
  /** `no-store`: do not write the answer. */
  noStore: boolean;
  /** `ttl`: seconds to keep this answer. */
  ttlSeconds: number | undefined;
  /** `s-maxage`: accept only an entry younger than this many seconds. */
  maxAgeSeconds: number | undefined;
  /** `namespace`: the key prefix for this request. */
  namespace: string | undefined;
  /** `use-cache`: opt in (mode default_off) or out (false). */
  useCache: boolean | undefined;
}

export const NO_CONTROLS: CacheControls = Object.freeze({
  noCache: false,
  noStore: false,
  ttlSeconds: undefined,
  maxAgeSeconds: undefined,
  namespace: undefined,
  useCache: undefined,
});

const KNOWN = ["no-cache", "no-store", "ttl", "s-maxage", "s-max-age", "namespace", "use-cache"];
/** The longest namespace taken from a request: it becomes part of a Redis key. */
const MAX_NAMESPACE_LENGTH = 200;

function invalid(field: string, expected: string): BadRequestError {
  return new BadRequestError({
    message: `cache.${field} must be ${expected}`,
    param: `cache.${field}`,
    code: "invalid_cache_control",
  });
}

function flag(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalid(field, "a boolean");
  return value;
}

function seconds(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
    throw invalid(field, "a number of seconds >= 0");
  return value;
}

/**
 * Reads the body's `cache` object and removes it from the body (it is never sent upstream).
 * A wrong type or an unknown control is a 400, so a typo (`no_cache`) is not silently ignored.
 */
export function takeCacheControls(
  body: Record<string, unknown>,
  defaults?: Readonly<Record<string, unknown>>,
): CacheControls {
  if (!("cache" in body) && defaults === undefined) return NO_CONTROLS;
  const given = body.cache;
  delete body.cache;
  // A key's defaults (its metadata's `cache`), each overridden by the request's own control.
  const value =
    defaults === undefined || given === undefined || given === null
      ? (given ?? defaults)
      : typeof given === "object" && !Array.isArray(given)
        ? { ...defaults, ...given }
        : given;
  if (value === undefined || value === null) return NO_CONTROLS;
  if (typeof value !== "object" || Array.isArray(value))
    throw new BadRequestError({
      message: 'cache must be an object, e.g. {"no-cache": true}',
      param: "cache",
      code: "invalid_cache_control",
    });
  const controls = value as Record<string, unknown>;
  for (const key of Object.keys(controls)) {
    if (!KNOWN.includes(key))
      throw new BadRequestError({
        message: `unknown cache control "${key}"; known: ${KNOWN.filter((name) => name !== "s-max-age").join(", ")}`,
        param: `cache.${key}`,
        code: "invalid_cache_control",
      });
  }
  const namespace = controls.namespace;
  if (
    namespace !== undefined &&
    namespace !== null &&
    (typeof namespace !== "string" || namespace === "" || namespace.length > MAX_NAMESPACE_LENGTH)
  )
    throw invalid("namespace", `a non-empty string of at most ${MAX_NAMESPACE_LENGTH} characters`);
  return {
    noCache: flag(controls["no-cache"], "no-cache") ?? false,
    noStore: flag(controls["no-store"], "no-store") ?? false,
    ttlSeconds: seconds(controls.ttl, "ttl"),
    maxAgeSeconds: seconds(controls["s-maxage"], "s-maxage") ?? seconds(controls["s-max-age"], "s-max-age"),
    namespace: typeof namespace === "string" ? namespace : undefined,
    useCache: flag(controls["use-cache"], "use-cache"),
  };
}
