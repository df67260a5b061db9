/** `/key/info` and `/key/list`. */
import { BadRequestError, PermissionDeniedError } from "../../errors/index.js";
import type { Identity } from "../identity.js";
import { flushSpendQuietly } from "./flush-spend.js";
import { type KeyJson, toKeyInfoJson, toKeyJson } from "./key-json.js";
import type { KeyListQuery } from "./key-schemas.js";
import { toTokenHash } from "./raw-keys.js";
import { found } from "./store-errors.js";
import type { ManagementDependencies } from "./types.js";

export interface KeyInfoJson {
  key: string;
  info: Omit<KeyJson, "token">;
}

/**
 * `/key/info?key=`: the master key may ask about any key; a virtual key about itself only (no `key`
 * means itself). Spend is read after writing the queued spend, so it is current.
 */
export async function keyInfo(
  dependencies: ManagementDependencies,
  identity: Identity,
  askedKey: string | undefined,
): Promise<KeyInfoJson> {
  let tokenHash: string;
  if (identity.kind === "virtual") {
    tokenHash = askedKey === undefined ? identity.tokenHash : toTokenHash(askedKey);
    if (tokenHash !== identity.tokenHash) {
      throw new PermissionDeniedError({
        message: "a virtual key may only ask /key/info about itself; use the master key for other keys",
        param: "key",
        code: "forbidden",
      });
    }
  } else {
    if (askedKey === undefined) {
      throw new BadRequestError({
        message: "key is required: /key/info?key=<the key or its hash>",
        param: "key",
        code: "missing_parameter",
      });
    }
    tokenHash = toTokenHash(askedKey);
  }
  await flushSpendQuietly(dependencies);
  const key = found(await dependencies.stores.keys.findByHash(tokenHash), "key", "key");
  return { key: askedKey ?? tokenHash, info: toKeyInfoJson(key) };
}

export interface KeyListJson {
  keys: string[] | KeyJson[];
  total_count: number;
  current_page: number;
  total_pages: number;
}

const DEFAULT_PAGE_SIZE = 10;

/** `/key/list`: hashes by default, whole records with `return_full_object=true`; 1-based pages. */
export async function listKeys(
  dependencies: ManagementDependencies,
  query: KeyListQuery,
): Promise<KeyListJson> {
  const page = query.page ?? 1;
  const size = query.size ?? DEFAULT_PAGE_SIZE;
  if (query.return_full_object === true) await flushSpendQuietly(dependencies);
  const result = await dependencies.stores.keys.list({
    ...(query.user_id === undefined ? {} : { userId: query.user_id }),
    ...(query.team_id === undefined ? {} : { teamId: query.team_id }),
    ...(query.key_alias === undefined ? {} : { keyAlias: query.key_alias }),
    page,
    pageSize: size,
  });
  return {
    keys:
      query.return_full_object === true
        ? result.keys.map(toKeyJson)
        : result.keys.map((key) => key.tokenHash),
    total_count: result.total,
    current_page: page,
    total_pages: Math.ceil(result.total / size),
  };
}
