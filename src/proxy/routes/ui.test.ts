import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { createAuthGuards } from "../hooks/auth.js";
import { createErrorHandler } from "../hooks/errors.js";
import { createUiSessions } from "../ui/session.js";
import type { StaticFile } from "../ui/static-files.js";
import { registerUiRoutes } from "./ui.js";

const MASTER = "sk-ui-master";

function file(body: string, contentType: string, immutable = false): StaticFile {
  return { body: Buffer.from(body), contentType, etag: `"${body.length}"`, immutable };
}

const FILES = new Map([
  ["index.html", file("<!doctype html><div id=app></div>", "text/html; charset=utf-8")],
  ["assets/index-abc.js", file("console.log(1)", "text/javascript; charset=utf-8", true)],
]);

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

function build(options: { username?: string; password?: string; files?: Map<string, StaticFile> } = {}) {
  const sessions = createUiSessions(MASTER);
  const guards = createAuthGuards(MASTER, undefined, sessions);
  app = Fastify();
  app.setErrorHandler(createErrorHandler(1_000_000));
  app.decorateRequest("identity" as never, null as never);
  app.decorateRequest("callId", "");
  registerUiRoutes(app, {
    masterKey: MASTER,
    sessions,
    username: options.username,
    password: options.password,
    files: options.files ?? FILES,
  });
  app.get("/key/list", { onRequest: guards.masterOnly }, async (request) => ({ who: request.identity.kind }));
  return app;
}

async function logIn(server: FastifyInstance, body: Record<string, string>) {
  return server.inject({ method: "POST", url: "/ui/login", payload: body });
}

describe("the admin UI's routes", () => {
  it("serves the page and its assets with security and cache headers", async () => {
    const server = build();
    const page = await server.inject("/ui");
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(page.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(page.headers["cache-control"]).toBe("no-cache");
    expect((await server.inject("/ui/")).body).toBe(page.body);
    expect((await server.inject("/ui/keys")).body).toBe(page.body);
    const asset = await server.inject("/ui/assets/index-abc.js");
    expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(asset.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    const again = await server.inject({
      url: "/ui/assets/index-abc.js",
      headers: { "if-none-match": '"14"' },
    });
    expect(again.statusCode).toBe(304);
    expect((await server.inject("/ui/assets/missing.js")).statusCode).toBe(404);
  });

  it("says how to build the page when it is not built", async () => {
    const answer = await build({ files: new Map() }).inject("/ui");
    expect(answer.statusCode).toBe(503);
    expect(answer.body).toContain("npm run build");
  });

  it("turns the master key into an HttpOnly SameSite=Strict cookie that the management API accepts", async () => {
    const server = build();
    expect((await server.inject("/key/list")).statusCode).toBe(401);
    expect((await logIn(server, { master_key: "sk-wrong" })).statusCode).toBe(401);
    const login = await logIn(server, { master_key: MASTER });
    expect(login.statusCode).toBe(200);
    const setCookie = String(login.headers["set-cookie"]);
    expect(setCookie).toMatch(
      /^llmgate_session=v1\.[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/,
    );
    expect(setCookie).not.toContain(MASTER);
    const cookie = setCookie.split(";")[0] as string;
    const listed = await server.inject({ url: "/key/list", headers: { cookie } });
    expect(listed.json()).toEqual({ who: "master" });
    expect((await server.inject({ url: "/ui/session", headers: { cookie } })).json()).toMatchObject({
      authenticated: true,
    });
    // A page of another site cannot use the cookie, even where a browser would send it.
    const foreign = await server.inject({
      url: "/key/list",
      headers: { cookie, origin: "https://evil.example" },
    });
    expect(foreign.statusCode).toBe(401);
    const sameSite = await server.inject({
      url: "/key/list",
      headers: { cookie, origin: "http://localhost:80" },
    });
    expect(sameSite.statusCode).toBe(200);
    const behindProxy = await server.inject({
      url: "/key/list",
      headers: {
        cookie,
        origin: "https://admin.example",
        host: "10.0.0.5:4000",
        "x-forwarded-host": "admin.example",
      },
    });
    expect(behindProxy.statusCode).toBe(200);
    const tampered = await server.inject({ url: "/key/list", headers: { cookie: `${cookie}x` } });
    expect(tampered.statusCode).toBe(401);
    const logout = await server.inject({ method: "POST", url: "/ui/logout", payload: {} });
    expect(String(logout.headers["set-cookie"])).toContain("Max-Age=0");
  });

  it("asks for UI_USERNAME and UI_PASSWORD when both are set", async () => {
    const server = build({ username: "admin", password: "s3cret" });
    expect((await server.inject("/ui/session")).json()).toEqual({
      authenticated: false,
      login: "username_password",
      master_key_set: true,
    });
    expect((await logIn(server, { username: "admin", password: "nope" })).json()).toMatchObject({
      error: { message: "wrong username or password", type: "authentication_error" },
    });
    expect((await logIn(server, { username: "admin", password: "s3cret" })).statusCode).toBe(200);
  });

  it("refuses a login without a master key", async () => {
    app = Fastify();
    app.setErrorHandler(createErrorHandler(1_000_000));
    registerUiRoutes(app, {
      masterKey: undefined,
      sessions: undefined,
      username: undefined,
      password: undefined,
      files: FILES,
    });
    expect((await app.inject("/ui/session")).json()).toMatchObject({ master_key_set: false });
    expect((await logIn(app, { master_key: "anything" })).statusCode).toBe(403);
  });
});
