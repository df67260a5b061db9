/** The management API (LiteLLM's `/key/*`, `/user/*`, `/team/*` and spend read routes). */
import type { FastifyInstance } from "fastify";
import { registerKeyRoutes } from "../routes/keys.js";
import { registerSpendRoutes } from "../routes/spend.js";
import { registerTeamRoutes } from "../routes/teams.js";
import { registerUserRoutes } from "../routes/users.js";
import type { ManagementGuards } from "./guards.js";
import type { ManagementDependencies } from "./types.js";

export type { ManagementGuards } from "./guards.js";
export type { ManagementDependencies } from "./types.js";

export function registerManagementRoutes(
  app: FastifyInstance,
  dependencies: ManagementDependencies,
  guards: ManagementGuards,
): void {
  registerKeyRoutes(app, dependencies, guards);
  registerUserRoutes(app, dependencies, guards);
  registerTeamRoutes(app, dependencies, guards);
  registerSpendRoutes(app, dependencies, guards);
}
