/**
 * SigV4 checking for the fake Bedrock upstream, written from AWS's specification with node:crypto
 * (not with the signer the provider uses, so that the two can disagree):
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 * Every path segment is URI-encoded once more for the canonical request, as for every service
 * but S3: a model id sent as `…v2%3A0` is signed as `…v2%253A0`.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

export interface FakeAwsKeys {
  accessKeyId: string;
  secretAccessKey: string;
  /** When set, requests must carry it as a signed `x-amz-security-token`. */
  sessionToken?: string;
}

export interface SignedRequest {
  method: string;
  /** The request target as received: the encoded path and the query. */
  rawUrl: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type SignatureVerdict =
  | { ok: true; accessKeyId: string }
  | { ok: false; type: string; message: string };

const ALGORITHM = "AWS4-HMAC-SHA256";
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** RFC 3986 encoding of everything but the unreserved characters, as SigV4 wants. */
function uriEncode(text: string): string {
  let encoded = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const character = String.fromCharCode(byte);
    encoded += /[A-Za-z0-9\-_.~]/.test(character)
      ? character
      : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return encoded;
}

function canonicalUri(path: string): string {
  if (path === "" || path === "/") return "/";
  return path
    .split("/")
    .map((segment) => uriEncode(segment))
    .join("/");
}

function canonicalQuery(query: string): string {
  if (query === "") return "";
  const pairs = query.split("&").map((pair) => {
    const [name = "", value = ""] = pair.split("=");
    return [uriEncode(decodeURIComponent(name)), uriEncode(decodeURIComponent(value.replace(/\+/g, " ")))];
  });
  pairs.sort(([a = "", x = ""], [b = "", y = ""]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1));
  return pairs.map(([name, value]) => `${name}=${value}`).join("&");
}

function headerText(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.join(",") : value).trim().replace(/\s+/g, " ");
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

function sha256Hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      header,
    );
  if (match === null) return undefined;
  const [, accessKeyId = "", date = "", region = "", service = "", signedHeaders = "", signature = ""] =
    match;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(";"), signature };
}

function parseAmzDate(text: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (match === null) return Number.NaN;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  return Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second);
}

const INVALID_SIGNATURE =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

function refuse(type: string, message: string): SignatureVerdict {
  return { ok: false, type, message };
}

/** Whether `request` is signed with `keys` for `region` and `service`, as AWS would check it. */
export function verifySigV4(
  request: SignedRequest,
  keys: FakeAwsKeys,
  region: string,
  service: string,
  now = Date.now(),
): SignatureVerdict {
  const header = headerText(request.headers, "authorization");
  if (header === undefined)
    return refuse("MissingAuthenticationTokenException", "Missing Authentication Token");
  if (!header.startsWith(`${ALGORITHM} `))
    return refuse(
      "IncompleteSignatureException",
      `Authorization header requires the ${ALGORITHM} algorithm.`,
    );
  const parsed = parseAuthorization(header);
  if (parsed === undefined)
    return refuse(
      "IncompleteSignatureException",
      "Authorization header requires Credential, SignedHeaders and Signature.",
    );
  if (parsed.accessKeyId !== keys.accessKeyId)
    return refuse("UnrecognizedClientException", "The security token included in the request is invalid.");
  if (
    keys.sessionToken !== undefined &&
    headerText(request.headers, "x-amz-security-token") !== keys.sessionToken
  )
    return refuse("UnrecognizedClientException", "The security token included in the request is invalid.");
  if (parsed.region !== region)
    return refuse(
      "InvalidSignatureException",
      `Credential should be scoped to a valid region, not '${parsed.region}'.`,
    );
  if (parsed.service !== service)
    return refuse(
      "InvalidSignatureException",
      `Credential should be scoped to correct service: '${service}'.`,
    );
  const amzDate = headerText(request.headers, "x-amz-date") ?? "";
  const signedAt = parseAmzDate(amzDate);
  if (Number.isNaN(signedAt) || !amzDate.startsWith(parsed.date))
    return refuse("IncompleteSignatureException", "The request must contain a valid X-Amz-Date.");
  if (Math.abs(now - signedAt) > MAX_CLOCK_SKEW_MS)
    return refuse(
      "InvalidSignatureException",
      "Signature expired: the request time is too far from the server's.",
    );
  for (const required of [
    "host",
    "x-amz-date",
    ...(keys.sessionToken === undefined ? [] : ["x-amz-security-token"]),
  ])
    if (!parsed.signedHeaders.includes(required))
      return refuse("InvalidSignatureException", `'${required}' must be a signed header.`);
  const payloadHash = sha256Hex(request.body);
  const claimedHash = headerText(request.headers, "x-amz-content-sha256");
  if (claimedHash !== undefined && claimedHash !== payloadHash)
    return refuse(
      "InvalidSignatureException",
      "The provided x-amz-content-sha256 header does not match what was computed.",
    );
  const queryStart = request.rawUrl.indexOf("?");
  const path = queryStart === -1 ? request.rawUrl : request.rawUrl.slice(0, queryStart);
  const query = queryStart === -1 ? "" : request.rawUrl.slice(queryStart + 1);
  const canonicalHeaders = parsed.signedHeaders
    .map((name) => `${name}:${headerText(request.headers, name) ?? ""}\n`)
    .join("");
  const canonicalRequest = [
    request.method,
    canonicalUri(path),
    canonicalQuery(query),
    canonicalHeaders,
    parsed.signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
  const scope = `${parsed.date}/${region}/${service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${keys.secretAccessKey}`, parsed.date), region), service),
    "aws4_request",
  );
  const expected = hmac(signingKey, stringToSign);
  const given = Buffer.from(parsed.signature, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return refuse("InvalidSignatureException", INVALID_SIGNATURE);
  return { ok: true, accessKeyId: parsed.accessKeyId };
}
