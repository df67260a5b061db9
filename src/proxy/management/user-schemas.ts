/** Request bodies and query strings of the `/user/*` routes (LiteLLM's field names; strict). */
import { z } from "zod";
import {
  durationSchema,
  limitFieldsShape,
  metadataSchema,
  modelsSchema,
  positiveIntegerText,
  spendSchema,
} from "./validation.js";

const identifier = z.string().min(1);

/** LiteLLM's user roles. */
export const userRoleSchema = z.enum([
  "proxy_admin",
  "proxy_admin_viewer",
  "internal_user",
  "internal_user_viewer",
]);

/** The settable fields of a user; `null` clears a field. */
export const userFieldsShape = {
  user_email: z.string().min(1).nullish(),
  user_role: userRoleSchema.nullish(),
  models: modelsSchema.nullish(),
  ...limitFieldsShape,
  spend: spendSchema.nullish(),
  metadata: metadataSchema.nullish(),
};

export type UserFields = z.output<z.ZodObject<typeof userFieldsShape>>;

const userTeamSchema = z.union([
  identifier,
  z.strictObject({ team_id: identifier, user_role: z.enum(["admin", "user"]).optional() }),
]);

export const newUserBodySchema = z.strictObject({
  user_id: identifier.nullish(),
  ...userFieldsShape,
  /** Teams to join (ids, or `{team_id, user_role}`). */
  teams: z.array(userTeamSchema).nullish(),
  /** LiteLLM creates a key for the new user unless this is false. */
  auto_create_key: z.boolean().optional(),
  /** Fields of that key. */
  key_alias: identifier.nullish(),
  duration: durationSchema.nullish(),
  aliases: z.record(z.string(), z.string()).nullish(),
  team_id: identifier.nullish(),
});
export type NewUserBody = z.output<typeof newUserBodySchema>;

export const updateUserBodySchema = z.strictObject({ user_id: identifier, ...userFieldsShape });
export type UpdateUserBody = z.output<typeof updateUserBodySchema>;

export const deleteUsersBodySchema = z.strictObject({ user_ids: z.array(identifier).min(1) });

export const userInfoQuerySchema = z.strictObject({ user_id: identifier });

export const userListQuerySchema = z.strictObject({
  role: userRoleSchema.optional(),
  page: positiveIntegerText.optional(),
  page_size: positiveIntegerText.refine((size) => size <= 1000, "at most 1000").optional(),
});
export type UserListQuery = z.output<typeof userListQuerySchema>;
