import { readFileSync } from "node:fs";
import { AuthenticationError } from "../../errors/index.js";
import { isRecord } from "../gemini/index.js";
import type { TargetOptions } from "../types.js";

/** The fields of a service-account key file that the JWT-bearer grant needs. */
export interface ServiceAccount {
  clientEmail: string;
  /** PEM (PKCS#8) RSA private key. Never logged, never in an error. */
  privateKey: string;
  privateKeyId: string | undefined;
  tokenUri: string;
  projectId: string | undefined;
}

const GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";

function refuse(message: string, model: string): AuthenticationError {
  return new AuthenticationError({ message: `vertex_ai/${model}: ${message}`, provider: "vertex_ai", model });
}

function stringField(json: Record<string, unknown>, name: string): string | undefined {
  const value = json[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function toServiceAccount(json: Record<string, unknown>, source: string, model: string): ServiceAccount {
  if (json.type !== undefined && json.type !== "service_account") {
    throw refuse(
      `the credentials ${source} are of type "${String(json.type)}"; only service_account keys are supported`,
      model,
    );
  }
  const clientEmail = stringField(json, "client_email");
  const privateKey = stringField(json, "private_key");
  if (clientEmail === undefined || privateKey === undefined) {
    throw refuse(
      `the credentials ${source} have no ${clientEmail === undefined ? "client_email" : "private_key"}`,
      model,
    );
  }
  return {
    clientEmail,
    privateKey,
    privateKeyId: stringField(json, "private_key_id"),
    tokenUri: stringField(json, "token_uri") ?? GOOGLE_TOKEN_URI,
    projectId: stringField(json, "project_id"),
  };
}

function parseJson(text: string, source: string, model: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The text may be a private key: it is not quoted.
    throw refuse(`the credentials ${source} are not valid JSON`, model);
  }
  if (!isRecord(parsed)) throw refuse(`the credentials ${source} are not a JSON object`, model);
  return parsed;
}

function readKeyFile(path: string, model: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = isRecord(error) && typeof error.code === "string" ? ` (${error.code})` : "";
    throw refuse(`cannot read the credentials file ${path}${code}`, model);
  }
  return parseJson(text, `in ${path}`, model);
}

/**
 * The service account of a call: `vertex_credentials` (an object, the JSON text, or a file path),
 * else the file GOOGLE_APPLICATION_CREDENTIALS names. No credentials is an AuthenticationError.
 */
export function readServiceAccount(
  options: TargetOptions,
  env: NodeJS.ProcessEnv,
  model: string,
): ServiceAccount {
  const given = options.vertex_credentials;
  if (isRecord(given)) return toServiceAccount(given, "given as vertex_credentials", model);
  if (typeof given === "string" && given.trim() !== "") {
    const text = given.trim();
    return text.startsWith("{")
      ? toServiceAccount(parseJson(text, "in vertex_credentials", model), "in vertex_credentials", model)
      : toServiceAccount(readKeyFile(text, model), `in ${text}`, model);
  }
  const path = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (path !== undefined && path !== "")
    return toServiceAccount(readKeyFile(path, model), `in ${path}`, model);
  throw refuse(
    "no credentials: pass vertex_credentials (a service-account JSON or its path) or set GOOGLE_APPLICATION_CREDENTIALS",
    model,
  );
}
