/** Who made a call, as metrics and callbacks name them: never the key itself. */
export interface CallerLabels {
  /** The key's alias, else the first 12 characters of its SHA-256 hash; "" for master/open. */
  keyAlias: string;
  /** The key's hashed token (for callbacks that join on it: LiteLLM's `user_api_key_hash`). */
  keyHash: string;
  team: string;
  user: string;
}

const HASH_PREFIX_LENGTH = 12;

export interface CallerSource {
  kind: "master" | "open" | "virtual";
  tokenHash?: string;
  key?: { keyAlias: string | null; teamId: string | null; userId: string | null };
  team?: { teamAlias: string | null; teamId: string } | undefined;
}

export function callerLabelsOf(identity: CallerSource): CallerLabels {
  if (identity.kind !== "virtual" || identity.key === undefined) {
    return { keyAlias: identity.kind === "master" ? "master_key" : "", keyHash: "", team: "", user: "" };
  }
  const hash = identity.tokenHash ?? "";
  const alias = identity.key.keyAlias;
  return {
    keyAlias: alias !== null && alias !== "" ? alias : hash.slice(0, HASH_PREFIX_LENGTH),
    keyHash: hash,
    team: identity.team?.teamAlias ?? identity.key.teamId ?? "",
    user: identity.key.userId ?? "",
  };
}
