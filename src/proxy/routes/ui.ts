import { hash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AuthenticationError, BadRequestError, PermissionDeniedError } from "../../errors/index.js";
import { masterKeyMatcher } from "../hooks/auth.js";
import {
  DEFAULT_SESSION_SECONDS,
  readCookie,
  SESSION_COOKIE,
  sessionCookie,
  type UiSessions,
} from "../ui/session.js";
import type { StaticFile } from "../ui/static-files.js";

export interface UiOptions {
  masterKey: string | undefined;
  /** Undefined without a master key: then nobody can log in. */
  sessions: UiSessions | undefined;
  /** `UI_USERNAME` / `UI_PASSWORD`: when both are set, the login form asks for them. */
  username: string | undefined;
  password: string | undefined;
  files: Map<string, StaticFile>;
}

/** The page may load only its own files; nothing may frame it. */
const PAGE_HEADERS = {
  "content-security-policy":
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};

const NOT_BUILT =
  "<!doctype html><title>llmgate</title><p>The admin UI is not built: run <code>npm run build</code>.</p>";

function sameText(given: unknown, expected: string): boolean {
  if (typeof given !== "string") return false;
  return timingSafeEqual(hash("sha256", given, "buffer"), hash("sha256", expected, "buffer"));
}

function isHttps(request: FastifyRequest): boolean {
  return request.protocol === "https" || request.headers["x-forwarded-proto"] === "https";
}

function sendFile(request: FastifyRequest, reply: FastifyReply, file: StaticFile) {
  reply.headers(PAGE_HEADERS);
  reply.header("etag", file.etag);
  reply.header("cache-control", file.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (request.headers["if-none-match"] === file.etag) return reply.code(304).send();
  return reply.type(file.contentType).send(file.body);
}

/**
 * The admin UI at `/ui`: its built files, and the login that turns the master key (or
 * `UI_USERNAME` / `UI_PASSWORD`) into an HttpOnly, SameSite=Strict session cookie. The page calls the
 * management API with that cookie, so it can do what the master key can, and nothing else.
 */
export function registerUiRoutes(app: FastifyInstance, options: UiOptions): void {
  const { sessions } = options;
  const hasMasterKey = sessions !== undefined;
  const isMasterKey = masterKeyMatcher(options.masterKey);
  const withPassword = (options.username ?? "") !== "" && (options.password ?? "") !== "";

  const index = (request: FastifyRequest, reply: FastifyReply) => {
    const page = options.files.get("index.html");
    if (page === undefined) return reply.code(503).headers(PAGE_HEADERS).type("text/html").send(NOT_BUILT);
    return sendFile(request, reply, page);
  };
  app.get("/ui", index);
  app.get("/ui/", index);
  app.get("/ui/*", (request, reply) => {
    const path = (request.params as { "*": string })["*"];
    const file = options.files.get(path);
    if (file !== undefined) return sendFile(request, reply, file);
    // A page path (`/ui/keys`) gets the app; a missing file gets a 404.
    if (!path.includes(".")) return index(request, reply);
    return reply.code(404).headers(PAGE_HEADERS).type("text/plain").send("not found");
  });

  app.get("/ui/session", async (request, reply) => {
    reply.header("cache-control", "no-store");
    const token = readCookie(request.headers.cookie, SESSION_COOKIE);
    return {
      authenticated: sessions !== undefined && token !== undefined && sessions.verify(token, Date.now()),
      login: withPassword ? "username_password" : "master_key",
      master_key_set: hasMasterKey,
    };
  });

  app.post("/ui/login", async (request, reply) => {
    if (sessions === undefined) {
      throw new PermissionDeniedError({
        message: "the admin UI needs a master key: set general_settings.master_key",
        code: "no_master_key",
      });
    }
    const body = request.body;
    if (typeof body !== "object" || body === null) {
      throw new BadRequestError({ message: "send a JSON object", code: "invalid_request" });
    }
    const { master_key: key, username, password } = body as Record<string, unknown>;
    const accepted =
      (typeof key === "string" && isMasterKey(key)) ||
      (withPassword &&
        sameText(username, options.username as string) &&
        sameText(password, options.password as string));
    if (!accepted) {
      throw new AuthenticationError({
        message: withPassword ? "wrong username or password" : "wrong master key",
        code: "invalid_login",
      });
    }
    reply.header("cache-control", "no-store");
    reply.header(
      "set-cookie",
      sessionCookie(sessions.issue(Date.now()), DEFAULT_SESSION_SECONDS, isHttps(request)),
    );
    return { authenticated: true };
  });

  app.post("/ui/logout", async (request, reply) => {
    reply.header("set-cookie", sessionCookie("", 0, isHttps(request)));
    return { authenticated: false };
  });
}
