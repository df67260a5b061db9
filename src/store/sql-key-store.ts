import type { Kysely, Selectable } from "kysely";
import {
  type Clock,
  decodeBoolean,
  decodeJsonObject,
  decodeStringArray,
  decodeStringRecord,
  encodeBoolean,
  encodeJson,
  systemClock,
  toOptionalTimestamp,
} from "./codec.js";
import { rethrowConflict } from "./errors.js";
import type {
  KeyChanges,
  KeyListFilter,
  KeyPage,
  KeyRecord,
  KeySelector,
  KeyStore,
  NewKey,
} from "./key-store.js";
import { limitColumnsFromChanges, limitFieldsFromRow } from "./limit-columns.js";
import { toLimitOffset } from "./pagination.js";
import type { KeysTable, StoreSchema } from "./schema.js";

type KeyRow = Selectable<KeysTable>;
type KeyColumns = Partial<Omit<KeysTable, "token_hash" | "created_at">>;

function toKeyRecord(row: KeyRow): KeyRecord {
  return {
    tokenHash: row.token_hash,
    keyAlias: row.key_alias,
    keyName: row.key_name,
    models: decodeStringArray(row.models),
    softBudget: row.soft_budget,
    spend: row.spend,
    ...limitFieldsFromRow(row),
    expires: row.expires,
    isBlocked: decodeBoolean(row.blocked),
    userId: row.user_id,
    teamId: row.team_id,
    metadata: decodeJsonObject(row.metadata),
    aliases: decodeStringRecord(row.aliases),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toKeyColumns(changes: KeyChanges, now: Date): KeyColumns {
  const columns: KeyColumns = { ...limitColumnsFromChanges(changes, now) };
  if (changes.keyAlias !== undefined) columns.key_alias = changes.keyAlias;
  if (changes.keyName !== undefined) columns.key_name = changes.keyName;
  if (changes.models !== undefined) columns.models = encodeJson(changes.models);
  if (changes.softBudget !== undefined) columns.soft_budget = changes.softBudget;
  if (changes.spend !== undefined) columns.spend = changes.spend;
  if (changes.expires !== undefined) columns.expires = toOptionalTimestamp(changes.expires);
  if (changes.isBlocked !== undefined) columns.blocked = encodeBoolean(changes.isBlocked);
  if (changes.userId !== undefined) columns.user_id = changes.userId;
  if (changes.teamId !== undefined) columns.team_id = changes.teamId;
  if (changes.metadata !== undefined) columns.metadata = encodeJson(changes.metadata);
  if (changes.aliases !== undefined) columns.aliases = encodeJson(changes.aliases);
  return columns;
}

export class SqlKeyStore implements KeyStore {
  readonly #db: Kysely<StoreSchema>;
  readonly #clock: Clock;

  constructor(db: Kysely<StoreSchema>, clock: Clock = systemClock) {
    this.#db = db;
    this.#clock = clock;
  }

  async create(key: NewKey): Promise<KeyRecord> {
    const now = this.#clock.now();
    const timestamp = now.toISOString();
    const row: KeysTable = {
      token_hash: key.tokenHash,
      key_alias: null,
      key_name: null,
      models: "[]",
      max_budget: null,
      soft_budget: null,
      spend: 0,
      budget_duration: null,
      budget_reset_at: null,
      rpm_limit: null,
      tpm_limit: null,
      max_parallel_requests: null,
      expires: null,
      blocked: 0,
      user_id: null,
      team_id: null,
      metadata: "{}",
      aliases: "{}",
      created_at: timestamp,
      updated_at: timestamp,
      ...toKeyColumns(key, now),
    };
    await rethrowConflict("keys", "a key with this hash or alias exists", () =>
      this.#db.insertInto("keys").values(row).execute(),
    );
    return toKeyRecord(row);
  }

  async findByHash(tokenHash: string): Promise<KeyRecord | undefined> {
    const row = await this.#db
      .selectFrom("keys")
      .selectAll()
      .where("token_hash", "=", tokenHash)
      .executeTakeFirst();
    return row === undefined ? undefined : toKeyRecord(row);
  }

  async findByAlias(keyAlias: string): Promise<KeyRecord | undefined> {
    const row = await this.#db
      .selectFrom("keys")
      .selectAll()
      .where("key_alias", "=", keyAlias)
      .executeTakeFirst();
    return row === undefined ? undefined : toKeyRecord(row);
  }

  async update(tokenHash: string, changes: KeyChanges): Promise<KeyRecord | undefined> {
    const now = this.#clock.now();
    const columns = { ...toKeyColumns(changes, now), updated_at: now.toISOString() };
    return this.#updateRow(tokenHash, columns, "a key with this alias exists");
  }

  async replaceHash(
    tokenHash: string,
    newTokenHash: string,
    newKeyName: string | null,
  ): Promise<KeyRecord | undefined> {
    const columns = {
      token_hash: newTokenHash,
      key_name: newKeyName,
      updated_at: this.#clock.now().toISOString(),
    };
    return this.#updateRow(tokenHash, columns, "a key with this hash exists");
  }

  /** Sets columns of one key; a unique-column clash becomes a StoreConflictError with `conflict`. */
  async #updateRow(tokenHash: string, columns: KeyColumns, conflict: string): Promise<KeyRecord | undefined> {
    const row = await rethrowConflict("keys", conflict, () =>
      this.#db
        .updateTable("keys")
        .set(columns)
        .where("token_hash", "=", tokenHash)
        .returningAll()
        .executeTakeFirst(),
    );
    return row === undefined ? undefined : toKeyRecord(row);
  }

  async delete(selector: KeySelector): Promise<string[]> {
    const hashes = selector.tokenHashes ?? [];
    const aliases = selector.keyAliases ?? [];
    if (hashes.length === 0 && aliases.length === 0) return [];
    const rows = await this.#db
      .deleteFrom("keys")
      .where((where) =>
        where.or([
          ...(hashes.length > 0 ? [where("token_hash", "in", hashes)] : []),
          ...(aliases.length > 0 ? [where("key_alias", "in", aliases)] : []),
        ]),
      )
      .returning("token_hash")
      .execute();
    return rows.map((row) => row.token_hash);
  }

  async list(filter: KeyListFilter = {}): Promise<KeyPage> {
    const [limit, offset] = toLimitOffset(filter.page, filter.pageSize);
    let query = this.#db.selectFrom("keys");
    if (filter.userId !== undefined) query = query.where("user_id", "=", filter.userId);
    if (filter.teamId !== undefined) query = query.where("team_id", "=", filter.teamId);
    if (filter.keyAlias !== undefined) query = query.where("key_alias", "=", filter.keyAlias);
    const counted = await query
      .select((select) => select.fn.countAll<number>().as("total"))
      .executeTakeFirst();
    const rows = await query
      .selectAll()
      .orderBy("created_at", "desc")
      .orderBy("token_hash")
      .limit(limit)
      .offset(offset)
      .execute();
    return { keys: rows.map(toKeyRecord), total: Number(counted?.total ?? 0) };
  }

  async setBlocked(tokenHash: string, isBlocked: boolean): Promise<KeyRecord | undefined> {
    return this.update(tokenHash, { isBlocked });
  }

  async incrementSpend(tokenHash: string, amount: number): Promise<void> {
    await this.#db
      .updateTable("keys")
      .set((update) => ({ spend: update("spend", "+", amount) }))
      .where("token_hash", "=", tokenHash)
      .execute();
  }
}
