/** Query strings of the spend read routes (LiteLLM's names; strict). */
import { z } from "zod";
import { dateText, positiveIntegerText } from "./validation.js";

const identifier = z.string().min(1);

const dateRangeShape = { start_date: dateText.optional(), end_date: dateText.optional() };

export const spendLogsQuerySchema = z.strictObject({
  request_id: identifier.optional(),
  /** The key (raw or its hash). */
  api_key: identifier.optional(),
  user_id: identifier.optional(),
  team_id: identifier.optional(),
  /** The model group (or upstream model) of the request. */
  model: identifier.optional(),
  status: z.enum(["success", "failure"]).optional(),
  ...dateRangeShape,
  /** Newest first; default 100, at most 1000. */
  limit: positiveIntegerText.refine((limit) => limit <= 1000, "at most 1000").optional(),
  offset: z.string().regex(/^\d+$/, "expected a non-negative integer").transform(Number).optional(),
});
export type SpendLogsQuery = z.output<typeof spendLogsQuerySchema>;

export const globalSpendQuerySchema = z.strictObject(dateRangeShape);
export type GlobalSpendQuery = z.output<typeof globalSpendQuerySchema>;

/** `group_by`: LiteLLM's `team` and `api_key`, plus `model`, `user` (and `key` for `api_key`). */
export const spendReportQuerySchema = z.strictObject({
  ...dateRangeShape,
  group_by: z.enum(["team", "api_key", "key", "model", "user"]).default("team"),
});
export type SpendReportQuery = z.output<typeof spendReportQuerySchema>;
