/**
 * A fake Google OAuth 2.0 token endpoint for tests: a node:http server on 127.0.0.1 that takes the
 * JWT-bearer grant (RFC 7523) a service account makes, VERIFIES the assertion's RS256 signature
 * with the public key of the account it names (`iss`), checks `aud`, `scope`, `iat` and `exp`, and
 * issues access tokens it remembers (for the fake upstream's `isTokenValid`). `createServiceAccount`
 * makes an account with a fresh RSA key pair, whose JSON names this endpoint as its `token_uri`.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, verify } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/** A service-account key file's fields, as Google's console writes them. */
export interface ServiceAccountJson {
  type: "service_account";
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  [field: string]: string;
}

export interface TokenGrant {
  clientEmail: string;
  scope: string;
  accessToken: string;
  /** The assertion's decoded header and claims. */
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

export type TokenBehaviour =
  /** Verifies and issues (the default); `expiresIn` seconds, default 3600. */
  | { kind: "issue"; expiresIn?: number; delayMs?: number }
  /** Answers an OAuth error body (`{error, error_description}`) with `status`. */
  | { kind: "fail"; status: number; error: string; description: string };

export interface FakeTokenEndpoint {
  /** The token URL (`http://127.0.0.1:PORT/token`): a service account's `token_uri`. */
  tokenUri: string;
  /** Every grant issued, in order. */
  grants: TokenGrant[];
  /** Requests received, refused ones included. */
  requestCount(): number;
  /** Refusals, with the reason the endpoint gave (for tests of what was wrong). */
  refusals: string[];
  isTokenValid(token: string): boolean;
  enqueue(...behaviours: TokenBehaviour[]): void;
  /** A service account whose public key this endpoint trusts. */
  createServiceAccount(projectId?: string, clientEmail?: string): ServiceAccountJson;
  close(): Promise<void>;
}

function decodeSegment(segment: string | undefined): Record<string, unknown> | undefined {
  if (segment === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

export async function startFakeTokenEndpoint(): Promise<FakeTokenEndpoint> {
  const publicKeys = new Map<string, KeyObject>();
  const tokens = new Map<string, number>();
  const grants: TokenGrant[] = [];
  const refusals: string[] = [];
  const queue: TokenBehaviour[] = [];
  const sockets = new Set<Socket>();
  let requests = 0;
  let tokenUri = "";

  /** The grant's claims when the assertion holds, else the reason it does not. */
  const check = (
    form: URLSearchParams,
  ): { header: Record<string, unknown>; claims: Record<string, unknown> } | string => {
    if (form.get("grant_type") !== JWT_BEARER) return `grant_type is not ${JWT_BEARER}`;
    const [headerPart, claimsPart, signaturePart, extra] = (form.get("assertion") ?? "").split(".");
    if (extra !== undefined || signaturePart === undefined)
      return "the assertion is not a JWS compact serialization";
    const header = decodeSegment(headerPart);
    const claims = decodeSegment(claimsPart);
    if (header === undefined || claims === undefined) return "the assertion's header or claims are not JSON";
    if (header.alg !== "RS256") return "alg is not RS256";
    const key = typeof claims.iss === "string" ? publicKeys.get(claims.iss) : undefined;
    if (key === undefined) return "iss names no known service account";
    const signed = Buffer.from(`${headerPart}.${claimsPart}`);
    if (!verify("RSA-SHA256", signed, key, Buffer.from(signaturePart, "base64url")))
      return "Invalid JWT Signature.";
    if (claims.aud !== tokenUri) return `aud is not ${tokenUri}`;
    if (claims.scope !== CLOUD_PLATFORM_SCOPE) return `scope is not ${CLOUD_PLATFORM_SCOPE}`;
    const now = Math.floor(Date.now() / 1000);
    const { iat, exp } = claims;
    if (typeof iat !== "number" || typeof exp !== "number") return "iat and exp must be numbers";
    if (iat > now + 60 || exp <= now || exp - iat > 3600)
      return "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.";
    return { header, claims };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    requests++;
    if (request.method !== "POST" || request.url !== "/token")
      return sendJson(response, 404, { error: "not_found" });
    if (!(request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
      return sendJson(response, 400, { error: "invalid_request", error_description: "Bad Request" });
    }
    const behaviour = queue.shift() ?? { kind: "issue" };
    if (behaviour.kind === "fail") {
      return sendJson(response, behaviour.status, {
        error: behaviour.error,
        error_description: behaviour.description,
      });
    }
    const result = check(new URLSearchParams(body));
    if (typeof result === "string") {
      refusals.push(result);
      return sendJson(response, 400, { error: "invalid_grant", error_description: result });
    }
    if (behaviour.delayMs !== undefined)
      await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
    const expiresIn = behaviour.expiresIn ?? 3600;
    const accessToken = `ya29.fake-${randomBytes(24).toString("base64url")}`;
    tokens.set(accessToken, Date.now() + expiresIn * 1000);
    grants.push({
      clientEmail: String(result.claims.iss),
      scope: String(result.claims.scope),
      accessToken,
      ...result,
    });
    return sendJson(response, 200, {
      access_token: accessToken,
      expires_in: expiresIn,
      token_type: "Bearer",
    });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  tokenUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;

  return {
    tokenUri,
    grants,
    refusals,
    requestCount: () => requests,
    isTokenValid: (token) => (tokens.get(token) ?? 0) > Date.now(),
    enqueue: (...behaviours) => queue.push(...behaviours),
    createServiceAccount(
      projectId = "fake-project",
      clientEmail = `llmgate-test-${publicKeys.size}@${projectId}.iam.gserviceaccount.com`,
    ) {
      const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
      publicKeys.set(clientEmail, createPublicKey(publicKey.export({ type: "spki", format: "pem" })));
      return {
        type: "service_account",
        project_id: projectId,
        private_key_id: randomBytes(20).toString("hex"),
        private_key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
        client_email: clientEmail,
        client_id: String(100000000000000000000n + BigInt(publicKeys.size)),
        auth_uri: "https://accounts.google.com/o/oauth2/auth",
        token_uri: tokenUri,
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
