/** `/team/new`, `/team/info`, `/team/update`, `/team/delete`, `/team/list`, `/team/member_*`. */
import { randomUUID } from "node:crypto";
import type { TeamMember } from "../../store/index.js";
import { readAllPages } from "./all-pages.js";
import { flushSpendQuietly } from "./flush-spend.js";
import { ensureUser } from "./key-changes.js";
import { type KeyJson, toKeyJson } from "./key-json.js";
import { keysOf, teamsOfUser } from "./memberships.js";
import { found, notFound, rejectConflict } from "./store-errors.js";
import { toTeamChanges } from "./team-changes.js";
import { type TeamJson, toTeamJson } from "./team-json.js";
import type { MemberAddBody, NewTeamBody, UpdateTeamBody } from "./team-schemas.js";
import type { ManagementDependencies } from "./types.js";
import { toUserJson, type UserJson } from "./user-json.js";

function teamNotFound(teamId: string) {
  return notFound(`team "${teamId}"`, "team_id");
}

function toMembers(members: readonly { user_id: string; role: string }[]): TeamMember[] {
  return members.map((member) => ({ userId: member.user_id, role: member.role }));
}

/** `/team/new`: members that are not users yet become users, as in LiteLLM. */
export async function newTeam(dependencies: ManagementDependencies, body: NewTeamBody): Promise<TeamJson> {
  const teamId = body.team_id ?? randomUUID();
  const members = toMembers(body.members_with_roles ?? []);
  for (const member of members) await ensureUser(dependencies, member.userId);
  const team = await rejectConflict(`team_id "${teamId}" already exists`, "team_id", () =>
    dependencies.stores.teams.create({ teamId, members, ...toTeamChanges(body) }),
  );
  for (const member of members) dependencies.invalidateUser(member.userId);
  return toTeamJson(team);
}

export interface TeamInfoJson {
  team_id: string;
  team_info: TeamJson;
  keys: KeyJson[];
}

/** `/team/info?team_id=`: the team and its keys, spend current. */
export async function teamInfo(dependencies: ManagementDependencies, teamId: string): Promise<TeamInfoJson> {
  await flushSpendQuietly(dependencies);
  const team = await dependencies.stores.teams.findById(teamId);
  if (team === undefined) throw teamNotFound(teamId);
  const keys = await keysOf(dependencies, { teamId });
  return { team_id: teamId, team_info: toTeamJson(team), keys: keys.map(toKeyJson) };
}

/** `/team/update`: LiteLLM answers `{team_id, data}`. */
export async function updateTeam(
  dependencies: ManagementDependencies,
  body: UpdateTeamBody,
): Promise<{ team_id: string; data: TeamJson }> {
  const { team_id: teamId, ...fields } = body;
  const updated = await dependencies.stores.teams.update(teamId, toTeamChanges(fields));
  dependencies.invalidateTeam(teamId);
  return { team_id: teamId, data: toTeamJson(found(updated, `team "${teamId}"`, "team_id")) };
}

/** `/team/delete`: every named team must exist (else 404, nothing deleted); their keys go too. */
export async function deleteTeams(
  dependencies: ManagementDependencies,
  teamIds: string[],
): Promise<{ deleted_teams: string[] }> {
  const { stores } = dependencies;
  const missing: string[] = [];
  for (const teamId of teamIds) if ((await stores.teams.findById(teamId)) === undefined) missing.push(teamId);
  if (missing.length > 0) throw notFound(`teams ${missing.map((id) => `"${id}"`).join(", ")}`, "team_ids");
  for (const teamId of teamIds) {
    const keys = await keysOf(dependencies, { teamId });
    const deletedKeys = await stores.keys.delete({ tokenHashes: keys.map((key) => key.tokenHash) });
    for (const tokenHash of deletedKeys) dependencies.invalidateKey(tokenHash);
  }
  const deleted = await stores.teams.delete(teamIds);
  for (const teamId of deleted) dependencies.invalidateTeam(teamId);
  return { deleted_teams: deleted };
}

/** `/team/list`: every team, or those `userId` is a member of; LiteLLM answers a plain list. */
export async function listTeams(
  dependencies: ManagementDependencies,
  userId: string | undefined,
): Promise<TeamJson[]> {
  await flushSpendQuietly(dependencies);
  const teams =
    userId === undefined
      ? await readAllPages(async (page, pageSize) => {
          const result = await dependencies.stores.teams.list({ page, pageSize });
          return { items: result.teams, total: result.total };
        })
      : await teamsOfUser(dependencies, userId);
  return teams.map(toTeamJson);
}

/** `/team/member_add`: the team after the change, with the users added (created when new). */
export async function addTeamMembers(
  dependencies: ManagementDependencies,
  body: MemberAddBody,
): Promise<TeamJson & { updated_users: UserJson[] }> {
  const { stores } = dependencies;
  if ((await stores.teams.findById(body.team_id)) === undefined) throw teamNotFound(body.team_id);
  const members = toMembers(Array.isArray(body.member) ? body.member : [body.member]);
  for (const member of members) await ensureUser(dependencies, member.userId);
  const team = await stores.teams.addMembers(body.team_id, members);
  if (team === undefined) throw teamNotFound(body.team_id);
  dependencies.invalidateTeam(body.team_id);
  const users: UserJson[] = [];
  for (const member of members) {
    dependencies.invalidateUser(member.userId);
    const user = await stores.users.findById(member.userId);
    if (user !== undefined) users.push(toUserJson(user));
  }
  return { ...toTeamJson(team), updated_users: users };
}

/** `/team/member_delete`: the team after the change; 404 when the user is not a member. */
export async function removeTeamMember(
  dependencies: ManagementDependencies,
  teamId: string,
  userId: string,
): Promise<TeamJson> {
  const team = await dependencies.stores.teams.findById(teamId);
  if (team === undefined) throw teamNotFound(teamId);
  if (!team.members.some((member) => member.userId === userId)) {
    throw notFound(`user "${userId}" as a member of team "${teamId}"`, "user_id");
  }
  const updated = await dependencies.stores.teams.removeMembers(teamId, [userId]);
  dependencies.invalidateTeam(teamId);
  dependencies.invalidateUser(userId);
  return toTeamJson(found(updated, `team "${teamId}"`, "team_id"));
}
