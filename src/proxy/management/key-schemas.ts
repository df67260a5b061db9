/** Request bodies and query strings of the `/key/*` routes (LiteLLM's field names; strict). */
import { z } from "zod";
import {
  booleanText,
  durationSchema,
  limitFieldsShape,
  metadataSchema,
  modelsSchema,
  positiveIntegerText,
  spendSchema,
} from "./validation.js";

const identifier = z.string().min(1);
/** A key chosen by the caller instead of a random one; LiteLLM requires the `sk-` prefix. */
const customKey = z.string().regex(/^sk-\S+$/, 'a custom key must start with "sk-"');

/** The settable fields of a key. `null` clears a field (`duration: null`: never expires). */
export const keyFieldsShape = {
  key_alias: identifier.nullish(),
  duration: durationSchema.nullish(),
  models: modelsSchema.nullish(),
  ...limitFieldsShape,
  soft_budget: spendSchema.nullish(),
  spend: spendSchema.nullish(),
  user_id: identifier.nullish(),
  team_id: identifier.nullish(),
  metadata: metadataSchema.nullish(),
  aliases: z.record(z.string(), z.string()).nullish(),
  blocked: z.boolean().nullish(),
};

export type KeyFields = z.output<z.ZodObject<typeof keyFieldsShape>>;

export const generateKeyBodySchema = z.strictObject({ key: customKey.nullish(), ...keyFieldsShape });
export type GenerateKeyBody = z.output<typeof generateKeyBodySchema>;

export const updateKeyBodySchema = z.strictObject({ key: identifier, ...keyFieldsShape });
export type UpdateKeyBody = z.output<typeof updateKeyBodySchema>;

/** `/key/regenerate` (the key in the body) and `/key/:key/regenerate` (the key in the path). */
export const regenerateKeyBodySchema = z.strictObject({
  key: identifier.optional(),
  new_key: customKey.nullish(),
  ...keyFieldsShape,
});
export type RegenerateKeyBody = z.output<typeof regenerateKeyBodySchema>;

export const deleteKeysBodySchema = z
  .strictObject({
    keys: z.array(identifier).nullish(),
    key_aliases: z.array(identifier).nullish(),
  })
  .refine((body) => (body.keys ?? []).length > 0 || (body.key_aliases ?? []).length > 0, {
    message: 'give "keys" or "key_aliases" (a non-empty list)',
  });
export type DeleteKeysBody = z.output<typeof deleteKeysBodySchema>;

export const blockKeyBodySchema = z.strictObject({ key: identifier });

export const keyInfoQuerySchema = z.strictObject({ key: identifier.optional() });

export const keyListQuerySchema = z.strictObject({
  user_id: identifier.optional(),
  team_id: identifier.optional(),
  key_alias: identifier.optional(),
  page: positiveIntegerText.optional(),
  size: positiveIntegerText.refine((size) => size <= 1000, "at most 1000").optional(),
  return_full_object: booleanText.optional(),
});
export type KeyListQuery = z.output<typeof keyListQuerySchema>;
