/** `/key/generate`, `/key/update`, `/key/regenerate`, `/key/block`, `/key/unblock`, `/key/delete`. */
import { BadRequestError } from "../../errors/index.js";
import { displayKeyName, hashApiKey, type KeyChanges, type KeyRecord } from "../../store/index.js";
import { checkKeyTeam, ensureUser, toKeyChanges } from "./key-changes.js";
import { type KeyJson, toKeyJson } from "./key-json.js";
import type { DeleteKeysBody, GenerateKeyBody, RegenerateKeyBody, UpdateKeyBody } from "./key-schemas.js";
import { generateRawKey, toTokenHash } from "./raw-keys.js";
import { found, notFound, rejectConflict } from "./store-errors.js";
import type { ManagementDependencies } from "./types.js";

/** A new key: the raw key (shown only here and at regeneration) with the stored fields. */
export type NewKeyJson = { key: string; duration: string | null } & KeyJson;

function aliasTaken(alias: string | null | undefined): string {
  return `key_alias "${alias ?? ""}" is already used by another key`;
}

/** A custom key (`key` of /key/generate, `new_key` of /key/regenerate) must not be the master key. */
function refuseMasterKey(
  dependencies: ManagementDependencies,
  rawKey: string | null | undefined,
  param: string,
) {
  if (rawKey === undefined || rawKey === null || !dependencies.isMasterKey(rawKey)) return;
  throw new BadRequestError({
    message: `${param} cannot be the master key`,
    param,
    code: "invalid_value",
  });
}

function withRawKey(rawKey: string, duration: string | null | undefined, key: KeyRecord): NewKeyJson {
  return { key: rawKey, duration: duration ?? null, ...toKeyJson(key) };
}

export async function generateKey(
  dependencies: ManagementDependencies,
  body: GenerateKeyBody,
): Promise<NewKeyJson> {
  refuseMasterKey(dependencies, body.key, "key");
  const changes = toKeyChanges(body, dependencies.now());
  await checkKeyTeam(dependencies, changes.teamId ?? null, changes.models ?? []);
  await ensureUser(dependencies, changes.userId ?? null);
  const rawKey = body.key ?? generateRawKey();
  const tokenHash = hashApiKey(rawKey);
  const created = await rejectConflict(
    body.key === undefined || body.key === null ? aliasTaken(body.key_alias) : "this key or key_alias exists",
    "key_alias",
    () => dependencies.stores.keys.create({ ...changes, tokenHash, keyName: displayKeyName(rawKey) }),
  );
  return withRawKey(rawKey, body.duration, created);
}

async function requireKey(dependencies: ManagementDependencies, keyOrHash: string): Promise<KeyRecord> {
  const key = await dependencies.stores.keys.findByHash(toTokenHash(keyOrHash));
  return found(key, "key", "key");
}

/** A change's team must allow its models, and its user must exist (created when it does not). */
async function checkKeyChanges(
  dependencies: ManagementDependencies,
  existing: KeyRecord,
  changes: KeyChanges,
): Promise<void> {
  if (changes.teamId !== undefined || changes.models !== undefined) {
    await checkKeyTeam(dependencies, changes.teamId ?? existing.teamId, changes.models ?? existing.models);
  }
  if (changes.userId !== undefined) await ensureUser(dependencies, changes.userId);
}

/** `/key/update`: LiteLLM answers the key as given and its fields after the change. */
export async function updateKey(
  dependencies: ManagementDependencies,
  body: UpdateKeyBody,
): Promise<{ key: string } & KeyJson> {
  const { key: keyOrHash, ...fields } = body;
  const existing = await requireKey(dependencies, keyOrHash);
  const changes = toKeyChanges(fields, dependencies.now());
  await checkKeyChanges(dependencies, existing, changes);
  const updated = await rejectConflict(aliasTaken(fields.key_alias), "key_alias", () =>
    dependencies.stores.keys.update(existing.tokenHash, changes),
  );
  dependencies.invalidateKey(existing.tokenHash);
  return { key: keyOrHash, ...toKeyJson(found(updated, "key", "key")) };
}

/**
 * `/key/regenerate`: a new raw key for the same record (the old one stops working), optionally with
 * changed fields. The changes are written first, so a refused change leaves the old key working.
 */
export async function regenerateKey(
  dependencies: ManagementDependencies,
  keyOrHash: string,
  body: RegenerateKeyBody,
): Promise<NewKeyJson> {
  const { key: _key, new_key: newKey, ...fields } = body;
  refuseMasterKey(dependencies, newKey, "new_key");
  const existing = await requireKey(dependencies, keyOrHash);
  const changes = toKeyChanges(fields, dependencies.now());
  await checkKeyChanges(dependencies, existing, changes);
  const rawKey = newKey ?? generateRawKey();
  const newHash = hashApiKey(rawKey);
  if ((await dependencies.stores.keys.findByHash(newHash)) !== undefined) {
    throw new BadRequestError({
      message: "new_key is already in use",
      param: "new_key",
      code: "already_exists",
    });
  }
  let replaced: KeyRecord | undefined;
  try {
    if (Object.keys(changes).length > 0) {
      await rejectConflict(aliasTaken(fields.key_alias), "key_alias", () =>
        dependencies.stores.keys.update(existing.tokenHash, changes),
      );
    }
    replaced = await rejectConflict("new_key is already in use", "new_key", () =>
      dependencies.stores.keys.replaceHash(existing.tokenHash, newHash, displayKeyName(rawKey)),
    );
  } finally {
    // Also when the new hash was refused after the changes were written: caches must not keep
    // the old fields.
    dependencies.invalidateKey(existing.tokenHash);
  }
  dependencies.invalidateKey(newHash);
  return withRawKey(rawKey, fields.duration, found(replaced, "key", "key"));
}

/** `/key/block` and `/key/unblock`: LiteLLM answers the key record after the change. */
export async function setKeyBlocked(
  dependencies: ManagementDependencies,
  keyOrHash: string,
  isBlocked: boolean,
): Promise<KeyJson> {
  const tokenHash = toTokenHash(keyOrHash);
  const updated = await dependencies.stores.keys.setBlocked(tokenHash, isBlocked);
  dependencies.invalidateKey(tokenHash);
  return toKeyJson(found(updated, "key", "key"));
}

/**
 * `/key/delete`: every named key must exist (else 404 and nothing is deleted). Answers the keys or
 * aliases as given, as LiteLLM does.
 */
export async function deleteKeys(
  dependencies: ManagementDependencies,
  body: DeleteKeysBody,
): Promise<{ deleted_keys: string[] }> {
  const keys = body.keys ?? [];
  const aliases = body.key_aliases ?? [];
  const store = dependencies.stores.keys;
  const missingKeys: string[] = [];
  for (const key of keys) if ((await store.findByHash(toTokenHash(key))) === undefined) missingKeys.push(key);
  const missingAliases: string[] = [];
  for (const alias of aliases) if ((await store.findByAlias(alias)) === undefined) missingAliases.push(alias);
  if (missingKeys.length > 0)
    throw notFound(`keys ${missingKeys.map((key) => `"${key}"`).join(", ")}`, "keys");
  if (missingAliases.length > 0) {
    throw notFound(`key_aliases ${missingAliases.map((alias) => `"${alias}"`).join(", ")}`, "key_aliases");
  }
  const deleted = await store.delete({ tokenHashes: keys.map(toTokenHash), keyAliases: aliases });
  for (const tokenHash of deleted) dependencies.invalidateKey(tokenHash);
  return { deleted_keys: [...keys, ...aliases] };
}
