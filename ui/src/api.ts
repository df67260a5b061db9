/**
 * The management API, called the way curl calls it, with the session cookie instead of a key.
 * Errors arrive in OpenAI's shape (`{"error": {"message", ...}}`) and become `ApiError`s.
 */
export class ApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

type Query = Record<string, string | number | boolean | undefined | null>;

/** Called when any request answers 401: the session has ended. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  }
  const text = params.toString();
  return text === "" ? path : `${path}?${text}`;
}

/** The message of an error body, whatever its shape. */
export function errorMessage(status: number, body: unknown): string {
  if (typeof body === "object" && body !== null) {
    const error = (body as { error?: unknown }).error;
    if (typeof error === "object" && error !== null) {
      const message = (error as { message?: unknown }).message;
      if (typeof message === "string" && message !== "") return message;
    }
    if (typeof error === "string" && error !== "") return error;
  }
  return `request failed with status ${status}`;
}

export async function request<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: "same-origin", headers: { accept: "application/json" } };
  if (method === "POST") {
    init.headers = { ...init.headers, "content-type": "application/json" };
    init.body = JSON.stringify(body ?? {});
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    if (response.status === 401 && !path.startsWith("/ui/login")) onUnauthorized();
    throw new ApiError(response.status, errorMessage(response.status, parsed));
  }
  return parsed as T;
}

export const get = <T>(path: string, query?: Query) => request<T>("GET", withQuery(path, query));
export const post = <T>(path: string, body?: unknown) => request<T>("POST", path, body);

// The shapes the management API answers with (LiteLLM's field names).

export interface KeyRow {
  token: string;
  key_name: string | null;
  key_alias: string | null;
  spend: number;
  max_budget: number | null;
  models: string[];
  expires: string | null;
  blocked: boolean;
  budget_duration: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
  user_id: string | null;
  team_id: string | null;
  created_at: string;
}

export interface TeamRow {
  team_id: string;
  team_alias: string | null;
  members_with_roles: { user_id: string; role: string }[];
  models: string[];
  blocked: boolean;
  spend: number;
  max_budget: number | null;
  budget_duration: string | null;
  tpm_limit: number | null;
  rpm_limit: number | null;
  created_at: string;
}

export interface UserRow {
  user_id: string;
  user_email: string | null;
  user_role: string | null;
  spend: number;
  max_budget: number | null;
  models: string[];
  tpm_limit: number | null;
  rpm_limit: number | null;
  budget_duration: string | null;
  created_at: string;
}

export interface DeploymentRow {
  model_name: string;
  litellm_params: Record<string, unknown>;
  model_info: Record<string, unknown> & { id: string };
  state: { cooldown_until: number | null; in_flight: number; latency_ms: number | null };
}

export interface HealthEndpoint {
  model?: string;
  model_id?: string;
  model_name?: string;
  api_base?: string;
  error?: string;
  [name: string]: unknown;
}

export interface HealthReport {
  healthy_endpoints: HealthEndpoint[];
  unhealthy_endpoints: HealthEndpoint[];
}

export interface SpendLog {
  request_id: string;
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
  cache_hit: boolean;
}

export interface ReportEntry {
  total_spend: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  requests: number;
  [name: string]: string | number | null;
}

export type ReportDay = { group_by_day: string } & Record<string, string | ReportEntry[]>;

export interface Session {
  authenticated: boolean;
  login: "master_key" | "username_password";
  master_key_set: boolean;
}

/** Every key (the API pages by 1,000 at most). */
export async function listAllKeys(): Promise<KeyRow[]> {
  const keys: KeyRow[] = [];
  for (let page = 1; ; page++) {
    const answer = await get<{ keys: KeyRow[]; total_pages: number }>("/key/list", {
      return_full_object: true,
      size: 1000,
      page,
    });
    keys.push(...answer.keys);
    if (page >= answer.total_pages) return keys;
  }
}
