import { describe, expect, it } from "vitest";
import { createUiSessions, readCookie, sessionCookie } from "./session.js";

describe("UI sessions", () => {
  const now = Date.parse("2025-03-01T10:00:00Z");

  it("accepts its own tokens until they expire", () => {
    const sessions = createUiSessions("sk-master");
    const token = sessions.issue(now, 60);
    expect(sessions.verify(token, now + 59_000)).toBe(true);
    expect(sessions.verify(token, now + 60_000)).toBe(false);
    expect(sessions.issue(now)).not.toBe(sessions.issue(now));
  });

  it("refuses tampered tokens and tokens of another master key", () => {
    const token = createUiSessions("sk-master").issue(now, 60);
    const [version, expires, nonce, signature] = token.split(".");
    expect(createUiSessions("sk-other").verify(token, now)).toBe(false);
    const sessions = createUiSessions("sk-master");
    expect(sessions.verify(`${version}.${Number(expires) + 3600}.${nonce}.${signature}`, now)).toBe(false);
    expect(sessions.verify(`${version}.${expires}.${nonce}.${signature?.slice(0, -2)}`, now)).toBe(false);
    expect(sessions.verify("", now)).toBe(false);
    expect(sessions.verify("v1.x.y.z", now)).toBe(false);
  });

  it("reads and writes the cookie", () => {
    expect(readCookie("a=1; llmgate_session=abc.def ; b=2", "llmgate_session")).toBe("abc.def");
    expect(readCookie("a=1", "llmgate_session")).toBeUndefined();
    expect(readCookie(undefined, "llmgate_session")).toBeUndefined();
    expect(sessionCookie("t", 3600, false)).toBe(
      "llmgate_session=t; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600",
    );
    expect(sessionCookie("", 0, true)).toBe(
      "llmgate_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure",
    );
  });
});
