import type { FastifyInstance } from "fastify";
import type { ManagementGuards } from "../management/guards.js";
import type { ManagementDependencies } from "../management/types.js";
import {
  deleteUsersBodySchema,
  newUserBodySchema,
  updateUserBodySchema,
  userInfoQuerySchema,
  userListQuerySchema,
} from "../management/user-schemas.js";
import { deleteUsers, listUsers, newUser, updateUser, userInfo } from "../management/user-service.js";
import { parseInput } from "../management/validation.js";

/** LiteLLM's `/user/*` management routes (master key only). */
export function registerUserRoutes(
  app: FastifyInstance,
  dependencies: ManagementDependencies,
  guards: ManagementGuards,
): void {
  const admin = { onRequest: guards.adminOnly };
  app.post("/user/new", admin, async (request) =>
    newUser(dependencies, parseInput(newUserBodySchema, request.body, "/user/new body")),
  );
  app.get("/user/info", admin, async (request) => {
    const query = parseInput(userInfoQuerySchema, request.query, "/user/info query");
    return userInfo(dependencies, query.user_id);
  });
  app.post("/user/update", admin, async (request) =>
    updateUser(dependencies, parseInput(updateUserBodySchema, request.body, "/user/update body")),
  );
  app.post("/user/delete", admin, async (request) => {
    const body = parseInput(deleteUsersBodySchema, request.body, "/user/delete body");
    return deleteUsers(dependencies, body.user_ids);
  });
  app.get("/user/list", admin, async (request) =>
    listUsers(dependencies, parseInput(userListQuerySchema, request.query, "/user/list query")),
  );
}
