/** Which teams a user is in, and which keys a user or team owns (read through every page). */
import type { KeyRecord, TeamRecord } from "../../store/index.js";
import { readAllPages } from "./all-pages.js";
import type { ManagementDependencies } from "./types.js";

/** The teams that list `userId` as a member (the store has no member index: every team is read). */
export async function teamsOfUser(
  dependencies: ManagementDependencies,
  userId: string,
): Promise<TeamRecord[]> {
  const teams = await readAllPages(async (page, pageSize) => {
    const result = await dependencies.stores.teams.list({ page, pageSize });
    return { items: result.teams, total: result.total };
  });
  return teams.filter((team) => team.members.some((member) => member.userId === userId));
}

export async function keysOf(
  dependencies: ManagementDependencies,
  owner: { userId: string } | { teamId: string },
): Promise<KeyRecord[]> {
  return readAllPages(async (page, pageSize) => {
    const result = await dependencies.stores.keys.list({ ...owner, page, pageSize });
    return { items: result.keys, total: result.total };
  });
}
