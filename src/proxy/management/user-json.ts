/** Internal users as LiteLLM's management API shows them. */
import type { UserRecord } from "../../store/index.js";

export interface UserJson {
  user_id: string;
  user_email: string | null;
  user_role: string | null;
  spend: number;
  max_budget: number | null;
  models: string[];
  tpm_limit: number | null;
  rpm_limit: number | null;
  max_parallel_requests: number | null;
  budget_duration: string | null;
  budget_reset_at: string | null;
  metadata: Record<string, unknown>;
  created_at: string;
}

export function toUserJson(user: UserRecord): UserJson {
  return {
    user_id: user.userId,
    user_email: user.userEmail,
    user_role: user.userRole,
    spend: user.spend,
    max_budget: user.maxBudget,
    models: user.models,
    tpm_limit: user.tpmLimit,
    rpm_limit: user.rpmLimit,
    max_parallel_requests: user.maxParallelRequests,
    budget_duration: user.budgetDuration,
    budget_reset_at: user.budgetResetAt,
    metadata: user.metadata,
    created_at: user.createdAt,
  };
}
