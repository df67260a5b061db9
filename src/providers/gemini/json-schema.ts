import { isRecord } from "./wire.js";

/**
 * Gemini takes a subset of OpenAPI 3.0's Schema for function parameters and `responseSchema`, and
 * refuses the rest with a 400 ("Invalid JSON payload received. Unknown name "additionalProperties""):
 * `$schema`, `$id`, `$defs`/`$ref`, `additionalProperties`, `title`, `default`, `examples`, `const`,
 * `oneOf`, `allOf`, type lists. LiteLLM strips `$schema`/`$id`/`title`/`additionalProperties`/`strict`,
 * inlines `$defs` and turns `anyOf [X, null]` into a nullable X; this does the same and keeps only
 * the keys Gemini's Schema has.
 */
const KEPT_KEYS: ReadonlySet<string> = new Set([
  "type",
  "description",
  "nullable",
  "enum",
  "minItems",
  "maxItems",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "pattern",
  "minProperties",
  "maxProperties",
  "propertyOrdering",
]);

/** The `format`s Gemini accepts, by type; others ("email", "uri"...) are refused, so left out. */
const FORMATS: Readonly<Record<string, ReadonlySet<string>>> = {
  string: new Set(["enum", "date-time"]),
  integer: new Set(["int32", "int64"]),
  number: new Set(["float", "double"]),
};

/** Past this depth a `$ref` is not followed again (a recursive schema): an open object stands in. */
const MAX_DEPTH = 16;

type Schema = Record<string, unknown>;

interface Context {
  definitions: Schema;
  depth: number;
}

function definitionOf(ref: string, context: Context): Schema | undefined {
  const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
  if (match === null || match[1] === undefined) return undefined;
  const name = match[1].replaceAll("~1", "/").replaceAll("~0", "~");
  const definition = context.definitions[name];
  return isRecord(definition) ? definition : undefined;
}

function isNullSchema(schema: unknown): boolean {
  return isRecord(schema) && schema.type === "null";
}

/** `anyOf`/`oneOf` alternatives without the null one, and whether there was one. */
function alternativesOf(schema: Schema): { options: unknown[]; hasNull: boolean } | undefined {
  const list = Array.isArray(schema.anyOf)
    ? schema.anyOf
    : Array.isArray(schema.oneOf)
      ? schema.oneOf
      : undefined;
  if (list === undefined) return undefined;
  return { options: list.filter((option) => !isNullSchema(option)), hasNull: list.some(isNullSchema) };
}

/** `allOf` parts merged into one schema (properties joined, required joined). */
function mergeAllOf(schema: Schema): Schema {
  if (!Array.isArray(schema.allOf)) return schema;
  const { allOf, ...rest } = schema;
  const merged: Schema = { ...rest };
  const properties: Schema = isRecord(rest.properties) ? { ...rest.properties } : {};
  const required = new Set<string>(Array.isArray(rest.required) ? rest.required : []);
  for (const part of allOf as unknown[]) {
    if (!isRecord(part)) continue;
    Object.assign(merged, part);
    if (isRecord(part.properties)) Object.assign(properties, part.properties);
    if (Array.isArray(part.required)) for (const name of part.required) required.add(String(name));
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required];
  delete merged.allOf;
  return merged;
}

/** One JSON Schema node -> Gemini's Schema. */
function convert(node: unknown, context: Context): Schema {
  if (!isRecord(node)) return {};
  let schema = mergeAllOf(node);
  if (typeof schema.$ref === "string") {
    const definition = context.depth < MAX_DEPTH ? definitionOf(schema.$ref, context) : undefined;
    const { $ref: _ref, ...rest } = schema;
    schema = definition === undefined ? { type: "object", ...rest } : { ...definition, ...rest };
    return convert(schema, { ...context, depth: context.depth + 1 });
  }
  const next = { ...context, depth: context.depth + 1 };
  const alternatives = alternativesOf(schema);
  if (alternatives !== undefined) {
    const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = schema;
    if (alternatives.options.length === 1) {
      const merged = convert({ ...rest, ...(alternatives.options[0] as Schema) }, next);
      return alternatives.hasNull ? { ...merged, nullable: true } : merged;
    }
    const result = convert(rest, next);
    result.anyOf = alternatives.options.map((option) =>
      alternatives.hasNull ? { ...convert(option, next), nullable: true } : convert(option, next),
    );
    delete result.type;
    return result;
  }
  return convertPlain(schema, next);
}

function convertPlain(schema: Schema, context: Context): Schema {
  const result: Schema = {};
  for (const [key, value] of Object.entries(schema)) if (KEPT_KEYS.has(key)) result[key] = value;
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((type) => type !== "null");
    if (types.length < schema.type.length) result.nullable = true;
    if (types.length === 1) result.type = types[0];
    else {
      delete result.type;
      result.anyOf = types.map((type) => convertPlain({ ...schema, type }, context));
    }
  }
  if (schema.const !== undefined && schema.const !== null) {
    result.enum = [String(schema.const)];
    result.type ??= "string";
  }
  if (Array.isArray(result.enum)) result.enum = result.enum.map(String);
  const type = typeof result.type === "string" ? result.type.toLowerCase() : undefined;
  if (typeof schema.format === "string" && type !== undefined && FORMATS[type]?.has(schema.format)) {
    result.format = schema.format;
  }
  if (typeof schema.description === "string") result.description = schema.description;
  if (isRecord(schema.properties)) {
    const properties: Schema = {};
    for (const [name, value] of Object.entries(schema.properties)) properties[name] = convert(value, context);
    result.properties = properties;
    result.type ??= "object";
    if (Array.isArray(schema.required)) {
      result.required = schema.required.filter((name) => typeof name === "string" && name in properties);
    }
  }
  if (schema.items !== undefined) result.items = convert(schema.items, context);
  return result;
}

/** A JSON Schema (tool parameters, response_format json_schema) as Gemini accepts it. */
export function toGeminiSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const definitions: Schema = {
    ...(isRecord(schema.definitions) ? schema.definitions : {}),
    ...(isRecord(schema.$defs) ? schema.$defs : {}),
  };
  return convert(schema, { definitions, depth: 0 });
}

/** Whether a converted schema is an object with no properties (Gemini refuses those as parameters). */
export function isEmptyObjectSchema(schema: Record<string, unknown>): boolean {
  const type = typeof schema.type === "string" ? schema.type.toLowerCase() : undefined;
  const hasProperties = isRecord(schema.properties) && Object.keys(schema.properties).length > 0;
  return (type === "object" || type === undefined) && !hasProperties && schema.anyOf === undefined;
}
