import type { Kysely } from "kysely";
import { type Clock, decodeJsonObject, decodeStringArray, encodeJson, systemClock } from "./codec.js";
import { rethrowConflict } from "./errors.js";
import { limitColumnsFromChanges, limitFieldsFromRow } from "./limit-columns.js";
import { toLimitOffset } from "./pagination.js";
import type { StoreSchema, UsersTable } from "./schema.js";
import type { NewUser, UserChanges, UserListFilter, UserPage, UserRecord, UserStore } from "./user-store.js";

function toUserRecord(row: UsersTable): UserRecord {
  return {
    userId: row.user_id,
    userEmail: row.user_email,
    userRole: row.user_role,
    spend: row.spend,
    models: decodeStringArray(row.models),
    ...limitFieldsFromRow(row),
    metadata: decodeJsonObject(row.metadata),
    createdAt: row.created_at,
  };
}

function toUserColumns(changes: UserChanges, now: Date): Partial<UsersTable> {
  const columns: Partial<UsersTable> = { ...limitColumnsFromChanges(changes, now) };
  if (changes.userEmail !== undefined) columns.user_email = changes.userEmail;
  if (changes.userRole !== undefined) columns.user_role = changes.userRole;
  if (changes.spend !== undefined) columns.spend = changes.spend;
  if (changes.models !== undefined) columns.models = encodeJson(changes.models);
  if (changes.metadata !== undefined) columns.metadata = encodeJson(changes.metadata);
  return columns;
}

export class SqlUserStore implements UserStore {
  readonly #db: Kysely<StoreSchema>;
  readonly #clock: Clock;

  constructor(db: Kysely<StoreSchema>, clock: Clock = systemClock) {
    this.#db = db;
    this.#clock = clock;
  }

  async create(user: NewUser): Promise<UserRecord> {
    const now = this.#clock.now();
    const row: UsersTable = {
      user_id: user.userId,
      user_email: null,
      user_role: null,
      max_budget: null,
      spend: 0,
      models: "[]",
      rpm_limit: null,
      tpm_limit: null,
      max_parallel_requests: null,
      budget_duration: null,
      budget_reset_at: null,
      metadata: "{}",
      created_at: now.toISOString(),
      ...toUserColumns(user, now),
    };
    await rethrowConflict("users", `user ${user.userId} exists`, () =>
      this.#db.insertInto("users").values(row).execute(),
    );
    return toUserRecord(row);
  }

  async findById(userId: string): Promise<UserRecord | undefined> {
    const row = await this.#db
      .selectFrom("users")
      .selectAll()
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return row === undefined ? undefined : toUserRecord(row);
  }

  async update(userId: string, changes: UserChanges): Promise<UserRecord | undefined> {
    const columns = toUserColumns(changes, this.#clock.now());
    if (Object.keys(columns).length === 0) return this.findById(userId);
    const row = await this.#db
      .updateTable("users")
      .set(columns)
      .where("user_id", "=", userId)
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? undefined : toUserRecord(row);
  }

  async delete(userIds: string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = await this.#db
      .deleteFrom("users")
      .where("user_id", "in", userIds)
      .returning("user_id")
      .execute();
    return rows.map((row) => row.user_id);
  }

  async list(filter: UserListFilter = {}): Promise<UserPage> {
    const [limit, offset] = toLimitOffset(filter.page, filter.pageSize);
    let query = this.#db.selectFrom("users");
    if (filter.userRole !== undefined) query = query.where("user_role", "=", filter.userRole);
    const counted = await query
      .select((select) => select.fn.countAll<number>().as("total"))
      .executeTakeFirst();
    const rows = await query
      .selectAll()
      .orderBy("created_at", "desc")
      .orderBy("user_id")
      .limit(limit)
      .offset(offset)
      .execute();
    return { users: rows.map(toUserRecord), total: Number(counted?.total ?? 0) };
  }

  async incrementSpend(userId: string, amount: number): Promise<void> {
    await this.#db
      .updateTable("users")
      .set((update) => ({ spend: update("spend", "+", amount) }))
      .where("user_id", "=", userId)
      .execute();
  }
}
