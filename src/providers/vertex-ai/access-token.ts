import { createHash, sign } from "node:crypto";
import { AuthenticationError } from "../../errors/index.js";
import { getDefaultHttpClient, type HttpClient } from "../../http/client.js";
import { isRecord } from "../gemini/index.js";
import type { ServiceAccount } from "./credentials.js";

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const ASSERTION_LIFETIME_SECONDS = 3600;
/** A token is fetched again this long before it expires (or at half its life, when shorter). */
const REFRESH_MARGIN_SECONDS = 300;
const TOKEN_TIMEOUT_MS = 30_000;

interface CachedToken {
  accessToken: string;
  refreshAtMs: number;
}

export interface AccessTokenSourceOptions {
  httpClient?: () => HttpClient;
  now?: () => number;
}

/** Gets a service account's access token: cached until shortly before it expires, one fetch at a time. */
export type AccessTokenSource = (account: ServiceAccount, model: string) => Promise<string>;

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** The RS256-signed JWT the grant posts (iss, scope, aud = token_uri, iat, exp). */
export function createAssertion(account: ServiceAccount, nowSeconds: number): string {
  const header = {
    alg: "RS256",
    typ: "JWT",
    ...(account.privateKeyId === undefined ? {} : { kid: account.privateKeyId }),
  };
  const claims = {
    iss: account.clientEmail,
    scope: CLOUD_PLATFORM_SCOPE,
    aud: account.tokenUri,
    iat: nowSeconds,
    exp: nowSeconds + ASSERTION_LIFETIME_SECONDS,
  };
  const input = `${base64UrlJson(header)}.${base64UrlJson(claims)}`;
  return `${input}.${sign("RSA-SHA256", Buffer.from(input), account.privateKey).toString("base64url")}`;
}

function failure(account: ServiceAccount, model: string, reason: string): AuthenticationError {
  return new AuthenticationError({
    message: `vertex_ai/${model}: could not get an access token for ${account.clientEmail} from ${account.tokenUri}: ${reason}`,
    provider: "vertex_ai",
    model,
  });
}

/** What a token endpoint's refusal says (`error`, `error_description`), never echoing anything else. */
function describeRefusal(status: number, text: string): string {
  try {
    const body: unknown = JSON.parse(text);
    if (isRecord(body)) {
      const parts = [body.error, body.error_description].filter(
        (part): part is string => typeof part === "string",
      );
      if (parts.length > 0) return `${status} ${parts.join(": ")}`;
    }
  } catch {
    // not JSON
  }
  return `HTTP ${status}`;
}

async function fetchToken(
  account: ServiceAccount,
  model: string,
  client: HttpClient,
  nowMs: number,
): Promise<CachedToken> {
  let assertion: string;
  try {
    assertion = createAssertion(account, Math.floor(nowMs / 1000));
  } catch {
    throw failure(account, model, "the service account's private_key is not a usable RSA key");
  }
  const body = new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }).toString();
  let status: number;
  let text: string;
  try {
    const response = await client.request({
      url: new URL(account.tokenUri),
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
      headersTimeoutMs: TOKEN_TIMEOUT_MS,
      bodyTimeoutMs: TOKEN_TIMEOUT_MS,
    });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    const code =
      isRecord(error) && typeof error.code === "string"
        ? error.code
        : error instanceof Error
          ? error.name
          : "error";
    throw failure(account, model, `the token endpoint could not be reached (${code})`);
  }
  if (status !== 200) throw failure(account, model, describeRefusal(status, text));
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = undefined;
  }
  if (!isRecord(answer) || typeof answer.access_token !== "string" || answer.access_token === "") {
    throw failure(account, model, "the token endpoint answered without an access_token");
  }
  const lifetime =
    typeof answer.expires_in === "number" && answer.expires_in > 0
      ? answer.expires_in
      : ASSERTION_LIFETIME_SECONDS;
  const margin = Math.min(REFRESH_MARGIN_SECONDS, lifetime / 2);
  return { accessToken: answer.access_token, refreshAtMs: nowMs + (lifetime - margin) * 1000 };
}

/**
 * An access-token source with its own cache, keyed by the account (email, token URI and a digest of
 * the key): concurrent calls share one fetch in flight; a failed fetch is not cached.
 */
export function createAccessTokenSource(options: AccessTokenSourceOptions = {}): AccessTokenSource {
  const now = options.now ?? Date.now;
  const client = options.httpClient ?? getDefaultHttpClient;
  const cache = new Map<string, CachedToken>();
  const inFlight = new Map<string, Promise<CachedToken>>();
  return async (account, model) => {
    const keyDigest = createHash("sha256").update(account.privateKey).digest("base64url");
    const key = `${account.clientEmail}\n${account.tokenUri}\n${keyDigest}`;
    const cached = cache.get(key);
    if (cached !== undefined && now() < cached.refreshAtMs) return cached.accessToken;
    let pending = inFlight.get(key);
    if (pending === undefined) {
      pending = fetchToken(account, model, client(), now())
        .then((token) => {
          cache.set(key, token);
          return token;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return (await pending).accessToken;
  };
}
