/** Checking management request bodies and query strings: zod schemas in, clear 400 errors out. */
import { z } from "zod";
import { BadRequestError } from "../../errors/index.js";
import { parseDuration } from "../../store/index.js";

function describePath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text === "" ? String(part) : `.${String(part)}`;
  }
  return text;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    const where = issue.path.length === 0 ? "" : ` in ${describePath(issue.path)}`;
    const names = issue.keys.map((key) => `"${key}"`).join(", ");
    return `unknown field${issue.keys.length === 1 ? "" : "s"} ${names}${where}`;
  }
  const where = issue.path.length === 0 ? "body" : describePath(issue.path);
  return `${where}: ${issue.message}`;
}

/** Parses `input` with `schema`, or throws a BadRequestError naming every problem and its field. */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  what: string,
): z.output<Schema> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const first = result.error.issues[0];
  throw new BadRequestError({
    message: `invalid ${what}: ${result.error.issues.map(describeIssue).join("; ")}`,
    param: first === undefined || first.path.length === 0 ? null : describePath(first.path),
    code: "invalid_request",
  });
}

/** A duration as LiteLLM writes them (`30s`, `10m`, `1h`, `30d`, `1w`, `1mo`). */
export const durationSchema = z.string().refine((text) => parseDuration(text) !== undefined, {
  message: "expected a duration: a number and a unit (30s, 10m, 1h, 1d, 1w, 1mo)",
});

const count = z.number().int().min(0);
const money = z.number().min(0).finite();

/** Budget and rate-limit fields keys, users and teams share; `null` clears a field. */
export const limitFieldsShape = {
  max_budget: money.nullish(),
  budget_duration: durationSchema.nullish(),
  rpm_limit: count.nullish(),
  tpm_limit: count.nullish(),
  max_parallel_requests: count.nullish(),
};

export const modelsSchema = z.array(z.string().min(1));
export const metadataSchema = z.record(z.string(), z.unknown());
export const spendSchema = money;

/** Query-string numbers (`?page=2`): digits only. */
export const positiveIntegerText = z
  .string()
  .regex(/^\d+$/, "expected a positive integer")
  .transform(Number)
  .refine((value) => value >= 1, "expected a positive integer");

export const booleanText = z.enum(["true", "false"]).transform((value) => value === "true");

/** `2025-03-01` or an ISO-8601 timestamp. */
export const dateText = z
  .string()
  .refine(
    (text) =>
      /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) && !Number.isNaN(Date.parse(text)),
    "expected a date (2025-03-01) or an ISO-8601 timestamp",
  );
