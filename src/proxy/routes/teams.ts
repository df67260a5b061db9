import type { FastifyInstance } from "fastify";
import type { ManagementGuards } from "../management/guards.js";
import {
  deleteTeamsBodySchema,
  memberAddBodySchema,
  memberDeleteBodySchema,
  newTeamBodySchema,
  teamInfoQuerySchema,
  teamListQuerySchema,
  updateTeamBodySchema,
} from "../management/team-schemas.js";
import {
  addTeamMembers,
  deleteTeams,
  listTeams,
  newTeam,
  removeTeamMember,
  teamInfo,
  updateTeam,
} from "../management/team-service.js";
import type { ManagementDependencies } from "../management/types.js";
import { parseInput } from "../management/validation.js";

/** LiteLLM's `/team/*` management routes (master key only). */
export function registerTeamRoutes(
  app: FastifyInstance,
  dependencies: ManagementDependencies,
  guards: ManagementGuards,
): void {
  const admin = { onRequest: guards.adminOnly };
  app.post("/team/new", admin, async (request) =>
    newTeam(dependencies, parseInput(newTeamBodySchema, request.body, "/team/new body")),
  );
  app.get("/team/info", admin, async (request) => {
    const query = parseInput(teamInfoQuerySchema, request.query, "/team/info query");
    return teamInfo(dependencies, query.team_id);
  });
  app.post("/team/update", admin, async (request) =>
    updateTeam(dependencies, parseInput(updateTeamBodySchema, request.body, "/team/update body")),
  );
  app.post("/team/delete", admin, async (request) => {
    const body = parseInput(deleteTeamsBodySchema, request.body, "/team/delete body");
    return deleteTeams(dependencies, body.team_ids);
  });
  app.get("/team/list", admin, async (request) => {
    const query = parseInput(teamListQuerySchema, request.query, "/team/list query");
    return listTeams(dependencies, query.user_id);
  });
  app.post("/team/member_add", admin, async (request) =>
    addTeamMembers(dependencies, parseInput(memberAddBodySchema, request.body, "/team/member_add body")),
  );
  app.post("/team/member_delete", admin, async (request) => {
    const body = parseInput(memberDeleteBodySchema, request.body, "/team/member_delete body");
    return removeTeamMember(dependencies, body.team_id, body.user_id);
  });
}
