/**
 * The tables as Kysely sees them. Column names are snake_case (LiteLLM's names where it has one).
 * The same column types serve both dialects: JSON is stored as text (the repositories encode and
 * decode it), booleans as 0/1 integers, timestamps as ISO-8601 UTC strings (which sort and compare
 * as text), dates as `YYYY-MM-DD`. In `daily_spend` an absent key, user or team is stored as `""`,
 * so the unique key treats it as a value (NULLs never conflict).
 */

export interface KeysTable {
  token_hash: string;
  key_alias: string | null;
  key_name: string | null;
  models: string;
  max_budget: number | null;
  soft_budget: number | null;
  spend: number;
  budget_duration: string | null;
  budget_reset_at: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
  expires: string | null;
  blocked: number;
  user_id: string | null;
  team_id: string | null;
  metadata: string;
  aliases: string;
  created_at: string;
  updated_at: string;
}

export interface UsersTable {
  user_id: string;
  user_email: string | null;
  user_role: string | null;
  max_budget: number | null;
  spend: number;
  models: string;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
  budget_duration: string | null;
  budget_reset_at: string | null;
  metadata: string;
  created_at: string;
}

export interface TeamsTable {
  team_id: string;
  team_alias: string | null;
  members: string;
  models: string;
  max_budget: number | null;
  spend: number;
  budget_duration: string | null;
  budget_reset_at: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
  blocked: number;
  metadata: string;
  created_at: string;
}

export interface SpendLogsTable {
  request_id: string;
  response_id: string | null;
  call_type: string;
  api_key: string | null;
  user_id: string | null;
  team_id: string | null;
  model_group: string | null;
  model: string | null;
  deployment_id: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  spend: number;
  status: string;
  error_code: string | null;
  start_time: string;
  end_time: string;
  latency_ms: number | null;
  metadata: string;
  /** 1 when the response cache answered. */
  cache_hit: number;
}

export interface DailySpendTable {
  date: string;
  api_key: string;
  model_group: string;
  team_id: string;
  user_id: string;
  spend: number;
  prompt_tokens: number;
  completion_tokens: number;
  requests: number;
}

export interface ResponsesTable {
  response_id: string;
  api_key: string | null;
  model: string | null;
  status: string;
  response: string;
  input_items: string;
  context_items: string;
  created_at: string;
}

export interface StoreSchema {
  keys: KeysTable;
  users: UsersTable;
  teams: TeamsTable;
  spend_logs: SpendLogsTable;
  daily_spend: DailySpendTable;
  responses: ResponsesTable;
}
