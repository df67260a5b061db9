/** Request bodies and query strings of the `/team/*` routes (LiteLLM's field names; strict). */
import { z } from "zod";
import { limitFieldsShape, metadataSchema, modelsSchema } from "./validation.js";

const identifier = z.string().min(1);

/** A team member as LiteLLM writes it; `role` defaults to "user". */
export const memberSchema = z.strictObject({
  user_id: identifier,
  role: z.enum(["admin", "user"]).default("user"),
});

/** The settable fields of a team; `null` clears a field. */
export const teamFieldsShape = {
  team_alias: identifier.nullish(),
  models: modelsSchema.nullish(),
  ...limitFieldsShape,
  metadata: metadataSchema.nullish(),
  blocked: z.boolean().nullish(),
};

export type TeamFields = z.output<z.ZodObject<typeof teamFieldsShape>>;

export const newTeamBodySchema = z.strictObject({
  team_id: identifier.nullish(),
  members_with_roles: z.array(memberSchema).nullish(),
  ...teamFieldsShape,
});
export type NewTeamBody = z.output<typeof newTeamBodySchema>;

export const updateTeamBodySchema = z.strictObject({ team_id: identifier, ...teamFieldsShape });
export type UpdateTeamBody = z.output<typeof updateTeamBodySchema>;

export const deleteTeamsBodySchema = z.strictObject({ team_ids: z.array(identifier).min(1) });

export const teamInfoQuerySchema = z.strictObject({ team_id: identifier });

export const teamListQuerySchema = z.strictObject({ user_id: identifier.optional() });

export const memberAddBodySchema = z.strictObject({
  team_id: identifier,
  member: z.union([memberSchema, z.array(memberSchema).min(1)]),
});
export type MemberAddBody = z.output<typeof memberAddBodySchema>;

export const memberDeleteBodySchema = z.strictObject({ team_id: identifier, user_id: identifier });
