import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, errorMessage, get, post, setUnauthorizedHandler, withQuery } from "./api";

afterEach(() => {
  vi.unstubAllGlobals();
  setUnauthorizedHandler(() => {});
});

describe("api", () => {
  it("builds query strings without empty values", () => {
    expect(withQuery("/spend/logs", { api_key: "", model: "gpt-4o", limit: 50, status: undefined })).toBe(
      "/spend/logs?model=gpt-4o&limit=50",
    );
    expect(withQuery("/key/list")).toBe("/key/list");
  });

  it("reads OpenAI-shaped error bodies", () => {
    expect(
      errorMessage(400, { error: { message: "key_alias is taken", type: "invalid_request_error" } }),
    ).toBe("key_alias is taken");
    expect(errorMessage(502, "<html>")).toBe("request failed with status 502");
  });

  it("posts JSON with the session cookie and turns errors into ApiError; a 401 ends the session", async () => {
    const calls: [string, RequestInit][] = [];
    vi.stubGlobal("fetch", async (path: string, init: RequestInit) => {
      calls.push([path, init]);
      return path === "/key/block"
        ? new Response(JSON.stringify({ error: { message: "invalid API key" } }), { status: 401 })
        : new Response(JSON.stringify({ ok: true }), { status: 200 });
    });
    let ended = 0;
    setUnauthorizedHandler(() => {
      ended += 1;
    });
    expect(await get("/key/list", { page: 1 })).toEqual({ ok: true });
    await expect(post("/key/block", { key: "abc" })).rejects.toEqual(new ApiError(401, "invalid API key"));
    expect(ended).toBe(1);
    expect(calls[0]?.[0]).toBe("/key/list?page=1");
    expect(calls[1]?.[1]).toMatchObject({
      method: "POST",
      credentials: "same-origin",
      body: JSON.stringify({ key: "abc" }),
      headers: { "content-type": "application/json" },
    });
  });
});
