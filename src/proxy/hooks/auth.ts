import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { AuthenticationError } from "../../errors/index.js";

function digest(key: string): Buffer {
  return createHash("sha256").update(key).digest();
}

/** The key a client sent: `Authorization: Bearer <key>`, else `x-api-key` or `api-key`. */
export function readClientKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization === "string" && authorization !== "") {
    const space = authorization.indexOf(" ");
    return space > 0 && authorization.slice(0, space).toLowerCase() === "bearer"
      ? authorization.slice(space + 1).trim()
      : authorization.trim();
  }
  for (const name of ["x-api-key", "api-key"]) {
    const value = request.headers[name];
    if (typeof value === "string" && value !== "") return value.trim();
  }
  return undefined;
}

/**
 * An onRequest hook that admits only the master key. Keys are compared as SHA-256 digests with
 * timingSafeEqual, so neither the content nor the length of the key leaks through timing.
 */
export function createMasterKeyHook(masterKey: string | undefined) {
  if (masterKey === undefined || masterKey === "") return undefined;
  const expected = digest(masterKey);
  return async function checkMasterKey(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const key = readClientKey(request);
    if (key === undefined) {
      throw new AuthenticationError({
        message: "no API key: send Authorization: Bearer <key> (or an x-api-key header)",
        code: "missing_api_key",
      });
    }
    if (!timingSafeEqual(digest(key), expected)) {
      throw new AuthenticationError({ message: "invalid API key", code: "invalid_api_key" });
    }
  };
}
