/**
 * The admin UI's session: an HttpOnly, SameSite=Strict cookie holding a token signed with a key
 * derived from the master key. It is stateless, so every worker of `--num_workers` accepts the
 * sessions of the others, and changing the master key ends every session.
 */
import { createHmac, hash, randomBytes, timingSafeEqual } from "node:crypto";

export const SESSION_COOKIE = "llmgate_session";
/** How long a login lasts (seconds). */
export const DEFAULT_SESSION_SECONDS = 12 * 60 * 60;
const VERSION = "v1";

export interface UiSessions {
  /** A new session token, valid for `DEFAULT_SESSION_SECONDS` (or `seconds`). */
  issue(nowMs: number, seconds?: number): string;
  /** Whether the token is one this proxy signed and it has not expired. */
  verify(token: string, nowMs: number): boolean;
}

export function createUiSessions(masterKey: string): UiSessions {
  const signingKey = hash("sha256", `llmgate ui session\u0000${masterKey}`, "buffer");
  const sign = (payload: string) => createHmac("sha256", signingKey).update(payload).digest();
  return {
    issue(nowMs, seconds = DEFAULT_SESSION_SECONDS) {
      const payload = `${VERSION}.${Math.floor(nowMs / 1000) + seconds}.${randomBytes(12).toString("base64url")}`;
      return `${payload}.${sign(payload).toString("base64url")}`;
    },
    verify(token, nowMs) {
      const parts = token.split(".");
      if (parts.length !== 4 || parts[0] !== VERSION) return false;
      const expires = Number(parts[1]);
      if (!Number.isSafeInteger(expires) || expires * 1000 <= nowMs) return false;
      const given = Buffer.from(parts[3] ?? "", "base64url");
      const expected = sign(parts.slice(0, 3).join("."));
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

/** The value of one cookie in a `Cookie` header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(";")) {
    const equals = part.indexOf("=");
    if (equals > 0 && part.slice(0, equals).trim() === name) return part.slice(equals + 1).trim();
  }
  return undefined;
}

/** The `Set-Cookie` value of a session (or, with `maxAgeSeconds` 0, of its removal). */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  const attributes = [`${SESSION_COOKIE}=${token}`, "Path=/", "HttpOnly", "SameSite=Strict"];
  attributes.push(`Max-Age=${maxAgeSeconds}`);
  if (secure) attributes.push("Secure");
  return attributes.join("; ");
}
