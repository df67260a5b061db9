/** Teams as LiteLLM's management API shows them (`members_with_roles`, legacy empty lists included). */
import type { TeamRecord } from "../../store/index.js";

export interface TeamMemberJson {
  user_id: string;
  user_email: string | null;
  role: string;
}

export interface TeamJson {
  team_id: string;
  team_alias: string | null;
  /** Legacy LiteLLM fields, always empty: roles are in `members_with_roles`. */
  admins: string[];
  members: string[];
  members_with_roles: TeamMemberJson[];
  metadata: Record<string, unknown>;
  models: string[];
  blocked: boolean;
  spend: number;
  max_budget: number | null;
  budget_duration: string | null;
  budget_reset_at: string | null;
  tpm_limit: number | null;
  rpm_limit: number | null;
  max_parallel_requests: number | null;
  created_at: string;
}

export function toTeamJson(team: TeamRecord): TeamJson {
  return {
    team_id: team.teamId,
    team_alias: team.teamAlias,
    admins: [],
    members: [],
    members_with_roles: team.members.map((member) => ({
      user_id: member.userId,
      user_email: null,
      role: member.role,
    })),
    metadata: team.metadata,
    models: team.models,
    blocked: team.isBlocked,
    spend: team.spend,
    max_budget: team.maxBudget,
    budget_duration: team.budgetDuration,
    budget_reset_at: team.budgetResetAt,
    tpm_limit: team.tpmLimit,
    rpm_limit: team.rpmLimit,
    max_parallel_requests: team.maxParallelRequests,
    created_at: team.createdAt,
  };
}
