import type { Kysely } from "kysely";
import {
  type Clock,
  decodeBoolean,
  decodeJsonArray,
  decodeJsonObject,
  decodeStringArray,
  encodeBoolean,
  encodeJson,
  systemClock,
} from "./codec.js";
import { rethrowConflict } from "./errors.js";
import { limitColumnsFromChanges, limitFieldsFromRow } from "./limit-columns.js";
import { toLimitOffset } from "./pagination.js";
import type { StoreSchema, TeamsTable } from "./schema.js";
import type {
  NewTeam,
  TeamChanges,
  TeamListFilter,
  TeamMember,
  TeamPage,
  TeamRecord,
  TeamStore,
} from "./team-store.js";

/** Attempts at a member change before giving up on concurrent writers. */
const memberUpdateAttempts = 5;

function decodeMembers(text: string): TeamMember[] {
  const members: TeamMember[] = [];
  for (const item of decodeJsonArray(text)) {
    if (typeof item !== "object" || item === null) continue;
    const { user_id: userId, role } = item as { user_id?: unknown; role?: unknown };
    if (typeof userId === "string") members.push({ userId, role: typeof role === "string" ? role : "user" });
  }
  return members;
}

/** Members are stored with LiteLLM's field names, `[{"user_id", "role"}]`. */
function encodeMembers(members: TeamMember[]): string {
  return encodeJson(members.map((member) => ({ user_id: member.userId, role: member.role })));
}

function toTeamRecord(row: TeamsTable): TeamRecord {
  return {
    teamId: row.team_id,
    teamAlias: row.team_alias,
    members: decodeMembers(row.members),
    models: decodeStringArray(row.models),
    spend: row.spend,
    ...limitFieldsFromRow(row),
    isBlocked: decodeBoolean(row.blocked),
    metadata: decodeJsonObject(row.metadata),
    createdAt: row.created_at,
  };
}

function toTeamColumns(changes: TeamChanges, now: Date): Partial<TeamsTable> {
  const columns: Partial<TeamsTable> = { ...limitColumnsFromChanges(changes, now) };
  if (changes.teamAlias !== undefined) columns.team_alias = changes.teamAlias;
  if (changes.members !== undefined) columns.members = encodeMembers(changes.members);
  if (changes.models !== undefined) columns.models = encodeJson(changes.models);
  if (changes.spend !== undefined) columns.spend = changes.spend;
  if (changes.isBlocked !== undefined) columns.blocked = encodeBoolean(changes.isBlocked);
  if (changes.metadata !== undefined) columns.metadata = encodeJson(changes.metadata);
  return columns;
}

export class SqlTeamStore implements TeamStore {
  readonly #db: Kysely<StoreSchema>;
  readonly #clock: Clock;

  constructor(db: Kysely<StoreSchema>, clock: Clock = systemClock) {
    this.#db = db;
    this.#clock = clock;
  }

  async create(team: NewTeam): Promise<TeamRecord> {
    const now = this.#clock.now();
    const row: TeamsTable = {
      team_id: team.teamId,
      team_alias: null,
      members: "[]",
      models: "[]",
      max_budget: null,
      spend: 0,
      budget_duration: null,
      budget_reset_at: null,
      rpm_limit: null,
      tpm_limit: null,
      max_parallel_requests: null,
      blocked: 0,
      metadata: "{}",
      created_at: now.toISOString(),
      ...toTeamColumns(team, now),
    };
    await rethrowConflict("teams", `team ${team.teamId} exists`, () =>
      this.#db.insertInto("teams").values(row).execute(),
    );
    return toTeamRecord(row);
  }

  async findById(teamId: string): Promise<TeamRecord | undefined> {
    const row = await this.#db
      .selectFrom("teams")
      .selectAll()
      .where("team_id", "=", teamId)
      .executeTakeFirst();
    return row === undefined ? undefined : toTeamRecord(row);
  }

  async update(teamId: string, changes: TeamChanges): Promise<TeamRecord | undefined> {
    const columns = toTeamColumns(changes, this.#clock.now());
    if (Object.keys(columns).length === 0) return this.findById(teamId);
    const row = await this.#db
      .updateTable("teams")
      .set(columns)
      .where("team_id", "=", teamId)
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? undefined : toTeamRecord(row);
  }

  async delete(teamIds: string[]): Promise<string[]> {
    if (teamIds.length === 0) return [];
    const rows = await this.#db
      .deleteFrom("teams")
      .where("team_id", "in", teamIds)
      .returning("team_id")
      .execute();
    return rows.map((row) => row.team_id);
  }

  async list(filter: TeamListFilter = {}): Promise<TeamPage> {
    const [limit, offset] = toLimitOffset(filter.page, filter.pageSize);
    const counted = await this.#db
      .selectFrom("teams")
      .select((select) => select.fn.countAll<number>().as("total"))
      .executeTakeFirst();
    const rows = await this.#db
      .selectFrom("teams")
      .selectAll()
      .orderBy("created_at", "desc")
      .orderBy("team_id")
      .limit(limit)
      .offset(offset)
      .execute();
    return { teams: rows.map(toTeamRecord), total: Number(counted?.total ?? 0) };
  }

  addMembers(teamId: string, members: TeamMember[]): Promise<TeamRecord | undefined> {
    return this.#changeMembers(teamId, (current) => {
      const byUser = new Map(current.map((member) => [member.userId, member]));
      for (const member of members) byUser.set(member.userId, member);
      return [...byUser.values()];
    });
  }

  removeMembers(teamId: string, userIds: string[]): Promise<TeamRecord | undefined> {
    const removed = new Set(userIds);
    return this.#changeMembers(teamId, (current) => current.filter((member) => !removed.has(member.userId)));
  }

  setBlocked(teamId: string, isBlocked: boolean): Promise<TeamRecord | undefined> {
    return this.update(teamId, { isBlocked });
  }

  async incrementSpend(teamId: string, amount: number): Promise<void> {
    await this.#db
      .updateTable("teams")
      .set((update) => ({ spend: update("spend", "+", amount) }))
      .where("team_id", "=", teamId)
      .execute();
  }

  /** Read, change, write only if nobody wrote in between (compare-and-set on the stored text). */
  async #changeMembers(
    teamId: string,
    change: (current: TeamMember[]) => TeamMember[],
  ): Promise<TeamRecord | undefined> {
    for (let attempt = 0; attempt < memberUpdateAttempts; attempt += 1) {
      const current = await this.#db
        .selectFrom("teams")
        .select("members")
        .where("team_id", "=", teamId)
        .executeTakeFirst();
      if (current === undefined) return undefined;
      const row = await this.#db
        .updateTable("teams")
        .set({ members: encodeMembers(change(decodeMembers(current.members))) })
        .where("team_id", "=", teamId)
        .where("members", "=", current.members)
        .returningAll()
        .executeTakeFirst();
      if (row !== undefined) return toTeamRecord(row);
    }
    throw new Error(`team ${teamId}: members changed concurrently ${memberUpdateAttempts} times, giving up`);
  }
}
