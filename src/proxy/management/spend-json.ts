/** Spend-log rows as LiteLLM's `/spend/logs` shows them (its camelCase `startTime`/`endTime` kept). */
import type { SpendLogRecord } from "../../store/index.js";

export interface SpendLogJson {
  request_id: string;
  response_id: string | null;
  call_type: string;
  api_key: string | null;
  spend: number;
  total_tokens: number;
  prompt_tokens: number;
  completion_tokens: number;
  startTime: string;
  endTime: string;
  request_duration_ms: number | null;
  model: string | null;
  model_id: string | null;
  model_group: string | null;
  user: string | null;
  team_id: string | null;
  status: string;
  error_code: string | null;
  metadata: Record<string, unknown>;
  /** The response cache answered (LiteLLM's field). */
  cache_hit: boolean;
}

export function toSpendLogJson(row: SpendLogRecord): SpendLogJson {
  return {
    request_id: row.requestId,
    response_id: row.responseId,
    call_type: row.callType,
    api_key: row.apiKey,
    spend: row.spend,
    total_tokens: row.totalTokens,
    prompt_tokens: row.promptTokens,
    completion_tokens: row.completionTokens,
    startTime: row.startTime,
    endTime: row.endTime,
    request_duration_ms: row.latencyMs,
    model: row.model,
    model_id: row.deploymentId,
    model_group: row.modelGroup,
    user: row.userId,
    team_id: row.teamId,
    status: row.status,
    error_code: row.errorCode,
    metadata: row.metadata,
    cache_hit: row.cacheHit,
  };
}
