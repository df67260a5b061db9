import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { SignableRequest } from "../types.js";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

/** Bedrock's runtime signs as service `bedrock` (not `bedrock-runtime`). */
const SIGNING_SERVICE = "bedrock";

/** The SHA-256 constructor the signer wants (`new (secret?) => Hash`). */
class Sha256 extends Hash {
  constructor(secret?: ConstructorParameters<typeof Hash>[1]) {
    super("sha256", secret);
  }
}

function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const existing = query[name];
    if (existing === undefined) query[name] = value;
    else query[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

/**
 * `authorize` for a SigV4-signed target: signs the method, the URL (the path as it is sent, already
 * percent-encoded; the canonical path encodes it once more, as AWS expects for every service but
 * S3), the headers (with `host`) and the body, then adds `authorization`, `x-amz-date`,
 * `x-amz-content-sha256` and, with a session token, `x-amz-security-token`. Runs per attempt, so a
 * retry gets a fresh date. The secret stays in this closure: never on the target, never logged.
 */
export function createSigV4Authorizer(
  credentials: AwsCredentials,
  region: string,
): (request: SignableRequest) => Promise<void> {
  const signer = new SignatureV4({
    service: SIGNING_SERVICE,
    region,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken === undefined ? {} : { sessionToken: credentials.sessionToken }),
    },
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum: true,
  });
  return async (request) => {
    const { url } = request;
    request.headers.host = url.host;
    const signed = await signer.sign({
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === "" ? {} : { port: Number(url.port) }),
      path: url.pathname,
      query: queryOf(url),
      headers: { ...request.headers },
      body: request.body,
    });
    for (const [name, value] of Object.entries(signed.headers)) request.headers[name.toLowerCase()] = value;
  };
}
