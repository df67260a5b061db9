import { hash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { AuthenticationError, PermissionDeniedError } from "../../errors/index.js";
import { checkKeyUsable } from "../access.js";
import type { Identity } from "../identity.js";
import type { IdentityCache } from "../identity-cache.js";
import { readCookie, SESSION_COOKIE, type UiSessions } from "../ui/session.js";

/** SHA-256 in one call: half the cost of createHash().update().digest() on every request. */
function digest(key: string): Buffer {
  return hash("sha256", key, "buffer");
}

/** Whether a key is the master key, compared in constant time (false when there is none). */
export function masterKeyMatcher(masterKey: string | undefined): (key: string) => boolean {
  if (masterKey === undefined || masterKey === "") return () => false;
  const expected = digest(masterKey);
  return (key) => timingSafeEqual(digest(key), expected);
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
 * Whether the request carries a valid admin UI session cookie. A browser sends the cookie only to
 * this site (SameSite=Strict); a request whose `Origin` names another host is refused all the same.
 */
function hasUiSession(request: FastifyRequest, sessions: UiSessions | undefined): boolean {
  if (sessions === undefined) return false;
  const token = readCookie(request.headers.cookie, SESSION_COOKIE);
  if (token === undefined || !sessions.verify(token, Date.now())) return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  let page: URL;
  try {
    page = new URL(origin);
  } catch {
    return false;
  }
  // The Host header (or, behind a reverse proxy, X-Forwarded-Host) read with the page's scheme, so
  // that default ports compare equal.
  const forwarded = request.headers["x-forwarded-host"];
  for (const host of [
    request.headers.host,
    typeof forwarded === "string" ? forwarded.split(",")[0] : undefined,
  ]) {
    if (host === undefined || host.trim() === "") continue;
    try {
      if (new URL(`${page.protocol}//${host.trim()}`).host === page.host) return true;
    } catch {
      // A malformed header names no host.
    }
  }
  return false;
}

const OPEN: Identity = { kind: "open" };
const MASTER: Identity = { kind: "master" };

export interface AuthGuards {
  /** Any valid key: the master key or a usable virtual key. Sets `request.identity`. */
  anyKey: (request: FastifyRequest) => Promise<void>;
  /** The master key only (or anyone when the proxy is open); a virtual key gets 403. */
  adminOnly: (request: FastifyRequest) => Promise<void>;
  /** The master key only; without one configured, nobody (the management API needs a master key). */
  masterOnly: (request: FastifyRequest) => Promise<void>;
}

/**
 * Resolves the caller. The key is hashed once (SHA-256): the digest is compared with the master
 * key's in constant time, and its hex form is the virtual key's id in the cache and the store.
 * Without a master key the proxy is open, as LiteLLM's is. A request without a key may carry the
 * admin UI's session cookie instead, which stands for the master key.
 */
export function createAuthGuards(
  masterKey: string | undefined,
  cache: IdentityCache | undefined,
  sessions?: UiSessions,
): AuthGuards {
  const expected = masterKey === undefined || masterKey === "" ? undefined : digest(masterKey);
  async function anyKey(request: FastifyRequest): Promise<void> {
    if (expected === undefined) {
      request.identity = OPEN;
      return;
    }
    const key = readClientKey(request);
    if (key === undefined) {
      if (hasUiSession(request, sessions)) {
        request.identity = MASTER;
        return;
      }
      throw new AuthenticationError({
        message: "no API key: send Authorization: Bearer <key> (or an x-api-key header)",
        code: "missing_api_key",
      });
    }
    const keyDigest = digest(key);
    if (timingSafeEqual(keyDigest, expected)) {
      request.identity = MASTER;
      return;
    }
    const identity = cache === undefined ? undefined : await cache.get(keyDigest.toString("hex"));
    if (identity === undefined)
      throw new AuthenticationError({ message: "invalid API key", code: "invalid_api_key" });
    checkKeyUsable(identity, Date.now());
    request.identity = identity;
  }
  async function adminOnly(request: FastifyRequest): Promise<void> {
    await anyKey(request);
    if (request.identity.kind === "virtual") {
      throw new PermissionDeniedError({ message: "this route needs the master key", code: "admin_only" });
    }
  }
  async function masterOnly(request: FastifyRequest): Promise<void> {
    if (expected === undefined) {
      throw new PermissionDeniedError({
        message: "the management API needs a master key: set general_settings.master_key",
        code: "no_master_key",
      });
    }
    await adminOnly(request);
  }
  return { anyKey, adminOnly, masterOnly };
}
