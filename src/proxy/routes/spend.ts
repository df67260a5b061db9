import type { FastifyInstance } from "fastify";
import type { ManagementGuards } from "../management/guards.js";
import {
  globalSpendQuerySchema,
  spendLogsQuerySchema,
  spendReportQuerySchema,
} from "../management/spend-schemas.js";
import { globalSpend, spendLogs, spendReport } from "../management/spend-service.js";
import type { ManagementDependencies } from "../management/types.js";
import { parseInput } from "../management/validation.js";

/** LiteLLM's spend read routes (master key only). */
export function registerSpendRoutes(
  app: FastifyInstance,
  dependencies: ManagementDependencies,
  guards: ManagementGuards,
): void {
  const admin = { onRequest: guards.adminOnly };
  app.get("/spend/logs", admin, async (request) =>
    spendLogs(dependencies, parseInput(spendLogsQuerySchema, request.query, "/spend/logs query")),
  );
  app.get("/global/spend", admin, async (request) =>
    globalSpend(dependencies, parseInput(globalSpendQuerySchema, request.query, "/global/spend query")),
  );
  app.get("/global/spend/report", admin, async (request) =>
    spendReport(
      dependencies,
      parseInput(spendReportQuerySchema, request.query, "/global/spend/report query"),
    ),
  );
}
