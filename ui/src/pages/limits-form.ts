/**
 * The form values shared by keys, teams and users (models, budget, limits), and the API body they
 * make. Pure: unit-tested in limits-form.test.ts.
 */
import { parseDuration, parseList, parseNumber } from "../format";

export interface LimitValues {
  models: string;
  maxBudget: string;
  budgetPeriod: string;
  rpm: string;
  tpm: string;
}

export const EMPTY_LIMITS: LimitValues = { models: "", maxBudget: "", budgetPeriod: "", rpm: "", tpm: "" };

export function limitValuesOf(row: {
  models: string[];
  max_budget: number | null;
  budget_duration: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
}): LimitValues {
  const text = (value: number | null) => (value === null ? "" : String(value));
  return {
    models: row.models.join(", "),
    maxBudget: text(row.max_budget),
    budgetPeriod: row.budget_duration ?? "",
    rpm: text(row.rpm_limit),
    tpm: text(row.tpm_limit),
  };
}

export type BodyOrError = { body: Record<string, unknown> } | { error: string };

/** An empty field clears its limit (`null`); a malformed number is refused here, before the API. */
export function limitsBody(values: LimitValues): BodyOrError {
  const maxBudget = parseNumber(values.maxBudget);
  if (maxBudget === undefined) return { error: "Max budget must be a number of US dollars, 0 or more" };
  const rpm = parseNumber(values.rpm, true);
  if (rpm === undefined) return { error: "RPM limit must be a whole number, 0 or more" };
  const tpm = parseNumber(values.tpm, true);
  if (tpm === undefined) return { error: "TPM limit must be a whole number, 0 or more" };
  return {
    body: {
      models: parseList(values.models),
      max_budget: maxBudget,
      budget_duration: parseDuration(values.budgetPeriod),
      rpm_limit: rpm,
      tpm_limit: tpm,
    },
  };
}

export interface KeyValues extends LimitValues {
  alias: string;
  duration: string;
  team: string;
}

export const EMPTY_KEY: KeyValues = { ...EMPTY_LIMITS, alias: "", duration: "", team: "" };

/**
 * `/key/generate` (create) or `/key/update` (edit) fields. On edit an empty duration keeps the
 * expiry as it is; on create it means the key never expires.
 */
export function keyBody(values: KeyValues, mode: "create" | "edit"): BodyOrError {
  const limits = limitsBody(values);
  if ("error" in limits) return limits;
  const body: Record<string, unknown> = {
    ...limits.body,
    key_alias: values.alias.trim() === "" ? null : values.alias.trim(),
    team_id: values.team === "" ? null : values.team,
  };
  const duration = parseDuration(values.duration);
  if (duration !== null) body.duration = duration;
  if (mode === "create") {
    for (const [name, value] of Object.entries(body)) if (value === null) delete body[name];
  }
  return { body };
}
