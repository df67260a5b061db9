import { BadRequestError } from "../errors/index.js";
import type { Operation, OperationTypes } from "../providers/types.js";

/** Body fields that would point the proxy at another upstream or key; refused unless allowed. */
const CLIENT_CREDENTIAL_FIELDS = [
  "api_base",
  "base_url",
  "api_key",
  "organization",
  "extra_headers",
  "extra_body",
  "custom_llm_provider",
] as const;
/** A client may ask for retries, but never more than this many (one request must not retry for days). */
export const MAX_CLIENT_RETRIES = 10;
/** Routing fields a client may not set; dropped silently (the router owns retries). */
const DROPPED_FIELDS = ["max_retries", "signal"] as const;

const REQUIRED_FIELD: Record<Operation, string> = {
  chat: "messages",
  completions: "prompt",
  embeddings: "input",
  // A Responses request may continue a stored one (previous_response_id) without new input.
  responses: "model",
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkMessages(messages: unknown): void {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new BadRequestError({
      message: "messages must be a non-empty array",
      param: "messages",
      code: "invalid_value",
    });
  }
  for (let index = 0; index < messages.length; index++) {
    const message: unknown = messages[index];
    if (!isRecord(message) || typeof message.role !== "string") {
      throw new BadRequestError({
        message: `messages[${index}] must be an object with a string role`,
        param: `messages[${index}]`,
        code: "invalid_value",
      });
    }
  }
}

function invalid(param: string, expected: string): BadRequestError {
  return new BadRequestError({ message: `${param} must be ${expected}`, param, code: "invalid_type" });
}

/**
 * Fields the proxy itself acts on must have their type: a `stream: "yes"` would be sent upstream
 * as given, streamed back, and read as JSON; a `fallbacks: 123` would fail deep in the router.
 */
function checkRoutingTypes(body: Record<string, unknown>): void {
  const { stream, stream_options: streamOptions, fallbacks } = body;
  if (stream !== undefined && stream !== null && typeof stream !== "boolean")
    throw invalid("stream", "a boolean");
  if (streamOptions !== undefined && streamOptions !== null && !isRecord(streamOptions))
    throw invalid("stream_options", "an object");
  if (fallbacks !== undefined && fallbacks !== null) {
    const isList =
      Array.isArray(fallbacks) && fallbacks.every((entry) => typeof entry === "string" || isRecord(entry));
    if (!isList) throw invalid("fallbacks", "a list of model names (or of {model, ...} objects)");
  }
}

/**
 * Checks a model-call body the client sent and returns it typed. The body object itself is
 * reused (parsed once, changed in place, serialized once).
 */
export function checkModelCallBody<K extends Operation>(
  operation: K,
  body: unknown,
  allowClientCredentials: boolean,
): OperationTypes[K]["request"] {
  if (!isRecord(body)) {
    throw new BadRequestError({ message: "the request body must be a JSON object", code: "invalid_json" });
  }
  if (typeof body.model !== "string" || body.model === "") {
    throw new BadRequestError({
      message: "model is required (a string)",
      param: "model",
      code: "missing_model",
    });
  }
  const required = REQUIRED_FIELD[operation];
  if (body[required] === undefined || body[required] === null) {
    throw new BadRequestError({
      message: `${required} is required`,
      param: required,
      code: `missing_${required}`,
    });
  }
  if (operation === "chat") checkMessages(body.messages);
  checkRoutingTypes(body);
  if (!allowClientCredentials) {
    for (const field of CLIENT_CREDENTIAL_FIELDS) {
      if (body[field] !== undefined) {
        throw new BadRequestError({
          message: `${field} is not allowed in the request body: the proxy decides where requests go (set general_settings.allow_client_side_credentials: true to allow it)`,
          param: field,
          code: "client_side_credentials_not_allowed",
        });
      }
    }
  }
  for (const field of DROPPED_FIELDS) delete body[field];
  if (typeof body.num_retries === "number") body.num_retries = Math.min(body.num_retries, MAX_CLIENT_RETRIES);
  return body as OperationTypes[K]["request"];
}

/**
 * With `allow_client_side_credentials`, the client's `api_base`, `api_key`, ... leave the body and
 * go to the router as credentials over the deployment's; undefined when the client sent none.
 */
export function takeClientCredentials(body: Record<string, unknown>): Record<string, unknown> | undefined {
  let credentials: Record<string, unknown> | undefined;
  for (const field of CLIENT_CREDENTIAL_FIELDS) {
    if (body[field] === undefined) continue;
    credentials ??= {};
    credentials[field] = body[field];
    delete body[field];
  }
  return credentials;
}
