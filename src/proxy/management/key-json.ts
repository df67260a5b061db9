/** Virtual keys as LiteLLM's management API shows them (snake_case, `token` = the key's hash). */
import type { KeyRecord } from "../../store/index.js";

export interface KeyJson {
  token: string;
  key_name: string | null;
  key_alias: string | null;
  spend: number;
  max_budget: number | null;
  soft_budget: number | null;
  models: string[];
  aliases: Record<string, string>;
  expires: string | null;
  blocked: boolean;
  budget_duration: string | null;
  budget_reset_at: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
  user_id: string | null;
  team_id: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export function toKeyJson(key: KeyRecord): KeyJson {
  return {
    token: key.tokenHash,
    key_name: key.keyName,
    key_alias: key.keyAlias,
    spend: key.spend,
    max_budget: key.maxBudget,
    soft_budget: key.softBudget,
    models: key.models,
    aliases: key.aliases,
    expires: key.expires,
    blocked: key.isBlocked,
    budget_duration: key.budgetDuration,
    budget_reset_at: key.budgetResetAt,
    rpm_limit: key.rpmLimit,
    tpm_limit: key.tpmLimit,
    max_parallel_requests: key.maxParallelRequests,
    user_id: key.userId,
    team_id: key.teamId,
    metadata: key.metadata,
    created_at: key.createdAt,
    updated_at: key.updatedAt,
  };
}

/** `/key/info`'s `info`: the key's fields without its hash, as LiteLLM answers. */
export function toKeyInfoJson(key: KeyRecord): Omit<KeyJson, "token"> {
  const { token: _token, ...info } = toKeyJson(key);
  return info;
}
