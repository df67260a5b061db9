/** `/user/new`, `/user/info`, `/user/update`, `/user/delete`, `/user/list`. */
import { randomUUID } from "node:crypto";
import { BadRequestError } from "../../errors/index.js";
import { flushSpendQuietly } from "./flush-spend.js";
import { checkKeyTeam } from "./key-changes.js";
import { type KeyJson, toKeyJson } from "./key-json.js";
import { generateKey, type NewKeyJson } from "./key-service.js";
import { keysOf, teamsOfUser } from "./memberships.js";
import { found, notFound, rejectConflict } from "./store-errors.js";
import { type TeamJson, toTeamJson } from "./team-json.js";
import type { ManagementDependencies } from "./types.js";
import { toUserChanges } from "./user-changes.js";
import { toUserJson, type UserJson } from "./user-json.js";
import type { NewUserBody, UpdateUserBody, UserListQuery } from "./user-schemas.js";

type NewUserKeyPart = NewKeyJson | { key: null; token: null; key_name: null; expires: null };

/** `/user/new`: LiteLLM's shape, the user's fields over those of the key made for them. */
export type NewUserJson = Omit<NewUserKeyPart, keyof UserJson> & UserJson & { teams: string[] };

interface TeamToJoin {
  teamId: string;
  role: string;
}

function teamsToJoin(body: NewUserBody): TeamToJoin[] {
  const members = new Map<string, string>();
  for (const team of body.teams ?? []) {
    if (typeof team === "string") members.set(team, "user");
    else members.set(team.team_id, team.user_role ?? "user");
  }
  if (body.team_id !== undefined && body.team_id !== null && !members.has(body.team_id)) {
    members.set(body.team_id, "user");
  }
  return [...members].map(([teamId, role]) => ({ teamId, role }));
}

async function checkNewUser(dependencies: ManagementDependencies, body: NewUserBody, teamIds: string[]) {
  for (const teamId of teamIds) {
    if ((await dependencies.stores.teams.findById(teamId)) === undefined) {
      throw new BadRequestError({
        message: `team "${teamId}" does not exist; create it with /team/new first`,
        param: "teams",
        code: "invalid_value",
      });
    }
  }
  if (body.auto_create_key !== false && body.team_id !== undefined && body.team_id !== null) {
    await checkKeyTeam(dependencies, body.team_id, body.models ?? []);
  }
  const alias = body.key_alias;
  if (alias !== undefined && alias !== null && (await dependencies.stores.keys.findByAlias(alias))) {
    throw new BadRequestError({
      message: `key_alias "${alias}" is already used by another key`,
      param: "key_alias",
      code: "already_exists",
    });
  }
}

/** `/user/new`: creates the user, joins the teams named, and (unless `auto_create_key: false`) a key. */
export async function newUser(dependencies: ManagementDependencies, body: NewUserBody): Promise<NewUserJson> {
  const userId = body.user_id ?? randomUUID();
  const memberships = teamsToJoin(body);
  const teamIds = memberships.map((membership) => membership.teamId);
  await checkNewUser(dependencies, body, teamIds);
  const user = await rejectConflict(`user_id "${userId}" already exists`, "user_id", () =>
    dependencies.stores.users.create({ userId, ...toUserChanges(body) }),
  );
  for (const { teamId, role } of memberships) {
    await dependencies.stores.teams.addMembers(teamId, [{ userId, role }]);
    dependencies.invalidateTeam(teamId);
  }
  const keyPart: NewUserKeyPart =
    body.auto_create_key === false
      ? { key: null, token: null, key_name: null, expires: null }
      : await generateKey(dependencies, {
          user_id: userId,
          models: user.models,
          key_alias: body.key_alias,
          duration: body.duration,
          aliases: body.aliases,
          team_id: body.team_id,
        });
  return { ...keyPart, ...toUserJson(user), teams: teamIds };
}

export interface UserInfoJson {
  user_id: string;
  user_info: UserJson;
  keys: KeyJson[];
  teams: TeamJson[];
}

/** `/user/info?user_id=`: the user, their keys and their teams, spend current. */
export async function userInfo(dependencies: ManagementDependencies, userId: string): Promise<UserInfoJson> {
  await flushSpendQuietly(dependencies);
  const user = found(await dependencies.stores.users.findById(userId), `user "${userId}"`, "user_id");
  const keys = await keysOf(dependencies, { userId });
  const teams = await teamsOfUser(dependencies, userId);
  return {
    user_id: userId,
    user_info: toUserJson(user),
    keys: keys.map(toKeyJson),
    teams: teams.map(toTeamJson),
  };
}

/** `/user/update`: LiteLLM answers `{user_id, data}`. */
export async function updateUser(
  dependencies: ManagementDependencies,
  body: UpdateUserBody,
): Promise<{ user_id: string; data: UserJson }> {
  const { user_id: userId, ...fields } = body;
  const updated = await dependencies.stores.users.update(userId, toUserChanges(fields));
  dependencies.invalidateUser(userId);
  return { user_id: userId, data: toUserJson(found(updated, `user "${userId}"`, "user_id")) };
}

/**
 * `/user/delete`: every named user must exist (else 404, nothing deleted). Their keys are deleted and
 * they leave their teams, as in LiteLLM.
 */
export async function deleteUsers(
  dependencies: ManagementDependencies,
  userIds: string[],
): Promise<{ deleted_users: string[] }> {
  const { stores } = dependencies;
  const missing: string[] = [];
  for (const userId of userIds) if ((await stores.users.findById(userId)) === undefined) missing.push(userId);
  if (missing.length > 0) throw notFound(`users ${missing.map((id) => `"${id}"`).join(", ")}`, "user_ids");
  for (const userId of userIds) {
    const keys = await keysOf(dependencies, { userId });
    const deletedKeys = await stores.keys.delete({ tokenHashes: keys.map((key) => key.tokenHash) });
    for (const tokenHash of deletedKeys) dependencies.invalidateKey(tokenHash);
    for (const team of await teamsOfUser(dependencies, userId)) {
      await stores.teams.removeMembers(team.teamId, [userId]);
      dependencies.invalidateTeam(team.teamId);
    }
  }
  const deleted = await stores.users.delete(userIds);
  for (const userId of deleted) dependencies.invalidateUser(userId);
  return { deleted_users: deleted };
}

export interface UserListJson {
  users: UserJson[];
  total: number;
  page: number;
  page_size: number;
  total_pages: number;
}

const DEFAULT_PAGE_SIZE = 25;

/** `/user/list`: 1-based pages, newest first, optionally one role. */
export async function listUsers(
  dependencies: ManagementDependencies,
  query: UserListQuery,
): Promise<UserListJson> {
  const page = query.page ?? 1;
  const pageSize = query.page_size ?? DEFAULT_PAGE_SIZE;
  await flushSpendQuietly(dependencies);
  const result = await dependencies.stores.users.list({
    ...(query.role === undefined ? {} : { userRole: query.role }),
    page,
    pageSize,
  });
  return {
    users: result.users.map(toUserJson),
    total: result.total,
    page,
    page_size: pageSize,
    total_pages: Math.ceil(result.total / pageSize),
  };
}
