import { z } from "zod";

const numericText = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/** Turns numeric strings ("30", "2.5") into numbers; leaves anything else for the schema to refuse. */
function numberFromText(value: unknown): unknown {
  return typeof value === "string" && numericText.test(value) ? Number(value) : value;
}

/** Turns "true"/"false" (any case) into booleans, as environment variables arrive as text. */
function booleanFromText(value: unknown): unknown {
  if (typeof value !== "string") {
    return value;
  }
  const lowered = value.trim().toLowerCase();
  return lowered === "true" ? true : lowered === "false" ? false : value;
}

/** A number, also given as a numeric string. */
export const numberSchema = z.preprocess(numberFromText, z.number());

/** A number > 0, also given as a numeric string. */
export const positiveNumberSchema = z.preprocess(
  numberFromText,
  z.number().positive("expected a number > 0"),
);

/** Text; numbers and booleans are turned into their text (environment variable values). */
export const scalarTextSchema = z.preprocess(
  (value) => (typeof value === "number" || typeof value === "boolean" ? String(value) : value),
  z.string(),
);

/** A duration in seconds (> 0 not enforced: 0 may mean "off"), also given as a numeric string. */
export const secondsSchema = z.preprocess(numberFromText, z.number().min(0, "expected seconds >= 0"));

/** A count such as a number of retries: an integer >= 0, also given as a numeric string. */
export const countSchema = z.preprocess(
  numberFromText,
  z.int("expected an integer").min(0, "expected an integer >= 0"),
);

/** A boolean, also given as the text "true" or "false". */
export const booleanSchema = z.preprocess(booleanFromText, z.boolean());

export const stringListSchema = z.array(z.string());

/** `[{ "gpt-4": ["gpt-4o-mini", "claude"] }, ...]`: each entry maps one model group to its fallbacks. */
export const fallbacksSchema = z.array(
  z
    .record(z.string(), stringListSchema)
    .refine(
      (entry) => Object.keys(entry).length === 1,
      "expected one model group mapped to a list of models",
    ),
);

/** Fallbacks tried for any model group without its own. */
export const defaultFallbacksSchema = stringListSchema;
