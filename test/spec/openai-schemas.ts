/**
 * The OpenAI OpenAPI spec's response schemas as ajv validators, for tests: the official clients
 * must never meet a shape they reject. The spec is OpenAPI 3.1 (JSON Schema 2020-12) but still uses
 * OpenAPI 3.0's `nullable: true` in places; those are rewritten to `anyOf [..., null]` on load.
 */
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { parse } from "yaml";

/** `../shared/spec/openai-openapi.yml` relative to the repository root. */
export const OPENAI_SPEC_PATH = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../../shared/spec/openai-openapi.yml",
);

export type OpenAISchemaName =
  | "CreateChatCompletionResponse"
  | "CreateChatCompletionStreamResponse"
  | "CreateCompletionResponse"
  | "CreateEmbeddingResponse"
  | "ListModelsResponse"
  | "ErrorResponse"
  | (string & {});

const SPEC_ID = "openai-openapi";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** OpenAPI 3.0 `nullable: true` -> JSON Schema `anyOf: [schema, {type: "null"}]`, recursively. */
function rewriteNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteNullable);
  if (!isRecord(node)) return node;
  const rewritten: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "nullable") continue;
    rewritten[key] = rewriteNullable(value);
  }
  if (node.nullable !== true) return rewritten;
  if (Array.isArray(rewritten.enum)) rewritten.enum = [...rewritten.enum, null];
  return { anyOf: [rewritten, { type: "null" }] };
}

/**
 * `components.schemas`, rewritten. Parsing the 3 MB YAML takes seconds, so the result is cached as
 * JSON in the temp directory, keyed by the spec's size and modification time.
 */
function loadSchemas(): unknown {
  const stats = statSync(OPENAI_SPEC_PATH);
  const cachePath = join(tmpdir(), `llmgate-openai-schemas-${stats.size}-${Math.trunc(stats.mtimeMs)}.json`);
  try {
    return JSON.parse(readFileSync(cachePath, "utf8"));
  } catch {
    // No cache yet (or a broken one): parse the spec and write it.
  }
  const spec = parse(readFileSync(OPENAI_SPEC_PATH, "utf8"), { maxAliasCount: -1 }) as {
    components: { schemas: Record<string, unknown> };
  };
  const schemas = rewriteNullable(spec.components.schemas);
  const partPath = `${cachePath}.${process.pid}.part`;
  writeFileSync(partPath, JSON.stringify(schemas));
  renameSync(partPath, cachePath);
  return schemas;
}

let ajv: Ajv2020 | undefined;
const validators = new Map<string, ValidateFunction>();

function loadAjv(): Ajv2020 {
  if (ajv !== undefined) return ajv;
  const instance = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  instance.addSchema({ $id: SPEC_ID, components: { schemas: loadSchemas() } }, SPEC_ID);
  ajv = instance;
  return instance;
}

/** The compiled validator of `#/components/schemas/<name>` (compiled once, cached). */
export function openAIValidator(name: OpenAISchemaName): ValidateFunction {
  let validator = validators.get(name);
  if (validator === undefined) {
    const instance = loadAjv();
    validator = instance.getSchema(`${SPEC_ID}#/components/schemas/${name}`);
    if (validator === undefined) throw new Error(`no schema ${name} in ${OPENAI_SPEC_PATH}`);
    validators.set(name, validator);
  }
  return validator;
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 10)
    .map((error) => `${error.instancePath || "/"} ${error.message ?? ""} ${JSON.stringify(error.params)}`)
    .join("\n");
}

/** The spec's complaints about `value` as `name`, or [] when it conforms. */
export function openAISchemaErrors(name: OpenAISchemaName, value: unknown): string[] {
  const validator = openAIValidator(name);
  if (validator(value)) return [];
  return describeErrors(validator.errors).split("\n");
}

/** Throws with the spec's complaints when `value` is not a valid `name`. */
export function assertMatchesOpenAISchema(name: OpenAISchemaName, value: unknown): void {
  const errors = openAISchemaErrors(name, value);
  if (errors.length > 0) {
    throw new Error(
      `not a valid ${name}:\n${errors.join("\n")}\nvalue: ${JSON.stringify(value).slice(0, 2000)}`,
    );
  }
}
