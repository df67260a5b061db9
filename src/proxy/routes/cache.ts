import type { FastifyInstance, onRequestHookHandler } from "fastify";
import type { ResponseCache } from "../../cache/index.js";
import { BadRequestError, ServiceUnavailableError } from "../../errors/index.js";

/** The most keys one `/cache/delete` takes. */
const MAX_DELETE_KEYS = 10_000;

function cacheOff(): ServiceUnavailableError {
  return new ServiceUnavailableError({
    message: "the response cache is off: set litellm_settings.cache: true (and cache_params) to turn it on",
    code: "cache_not_enabled",
  });
}

function keysOf(body: unknown): string[] {
  const keys = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || !keys.every((key) => typeof key === "string" && key !== ""))
    throw new BadRequestError({
      message: 'the body must be {"keys": ["<cache key>", ...]} (the x-llmgate-cache-key values)',
      param: "keys",
      code: "invalid_value",
    });
  if (keys.length > MAX_DELETE_KEYS)
    throw new BadRequestError({
      message: `at most ${MAX_DELETE_KEYS} keys per request`,
      param: "keys",
      code: "invalid_value",
    });
  return keys;
}

/**
 * `GET /cache/ping` (type and health), `POST /cache/delete` (`{"keys": [...]}`), `POST /cache/flushall`
 * (the master key only), under `/` and `/v1`.
 */
export function registerCacheRoutes(
  app: FastifyInstance,
  cache: ResponseCache | undefined,
  guards: { anyKey: onRequestHookHandler; adminOnly: onRequestHookHandler },
): void {
  for (const prefix of ["", "/v1"]) {
    app.get(`${prefix}/cache/ping`, { onRequest: [guards.anyKey] }, async (_request, reply) => {
      if (cache === undefined) throw cacheOff();
      const { settings } = cache;
      const described = {
        type: cache.type,
        cache_type: cache.type,
        namespace: settings.namespace,
        mode: settings.mode,
        ttl: settings.ttlSeconds,
        shared_across_teams: settings.sharedAcrossTeams,
      };
      try {
        await cache.ping();
        cache.up();
        return { status: "healthy", health: "healthy", ping_response: true, ...described };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        cache.down(reason);
        return reply
          .code(503)
          .send({ status: "unhealthy", ping_response: false, error: reason, ...described });
      }
    });
    // `x-llmgate-cache-key` values (hashes): a virtual key only ever sees those of its own team's answers.
    app.post(`${prefix}/cache/delete`, { onRequest: [guards.anyKey] }, async (request) => {
      if (cache === undefined) throw cacheOff();
      const keys = keysOf(request.body).flatMap((key) => key.split(",").filter((part) => part !== ""));
      const deleted = await cache.delete(keys).catch((error: unknown) => {
        throw new ServiceUnavailableError({
          message: `the cache did not answer: ${error instanceof Error ? error.message : String(error)}`,
          code: "cache_unavailable",
        });
      });
      return { status: "success", deleted };
    });
    app.post(`${prefix}/cache/flushall`, { onRequest: [guards.adminOnly] }, async () => {
      if (cache === undefined) throw cacheOff();
      await cache.flush().catch((error: unknown) => {
        throw new ServiceUnavailableError({
          message: `the cache did not answer: ${error instanceof Error ? error.message : String(error)}`,
          code: "cache_unavailable",
        });
      });
      return { status: "success" };
    });
  }
}
