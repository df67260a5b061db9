import type { FastifyInstance } from "fastify";
import { BadRequestError } from "../../errors/index.js";
import type { ManagementGuards } from "../management/guards.js";
import { keyInfo, listKeys } from "../management/key-queries.js";
import {
  blockKeyBodySchema,
  deleteKeysBodySchema,
  generateKeyBodySchema,
  keyInfoQuerySchema,
  keyListQuerySchema,
  regenerateKeyBodySchema,
  updateKeyBodySchema,
} from "../management/key-schemas.js";
import {
  deleteKeys,
  generateKey,
  regenerateKey,
  setKeyBlocked,
  updateKey,
} from "../management/key-service.js";
import type { ManagementDependencies } from "../management/types.js";
import { parseInput } from "../management/validation.js";

/** LiteLLM's `/key/*` management routes. */
export function registerKeyRoutes(
  app: FastifyInstance,
  dependencies: ManagementDependencies,
  guards: ManagementGuards,
): void {
  const admin = { onRequest: guards.adminOnly };
  app.post("/key/generate", admin, async (request) =>
    generateKey(dependencies, parseInput(generateKeyBodySchema, request.body, "/key/generate body")),
  );
  app.post("/key/update", admin, async (request) =>
    updateKey(dependencies, parseInput(updateKeyBodySchema, request.body, "/key/update body")),
  );
  app.post("/key/delete", admin, async (request) =>
    deleteKeys(dependencies, parseInput(deleteKeysBodySchema, request.body, "/key/delete body")),
  );
  app.post("/key/block", admin, async (request) => {
    const body = parseInput(blockKeyBodySchema, request.body, "/key/block body");
    return setKeyBlocked(dependencies, body.key, true);
  });
  app.post("/key/unblock", admin, async (request) => {
    const body = parseInput(blockKeyBodySchema, request.body, "/key/unblock body");
    return setKeyBlocked(dependencies, body.key, false);
  });
  app.post("/key/regenerate", admin, async (request) => {
    const body = parseInput(regenerateKeyBodySchema, request.body, "/key/regenerate body");
    if (body.key === undefined) {
      throw new BadRequestError({ message: "key is required", param: "key", code: "missing_parameter" });
    }
    return regenerateKey(dependencies, body.key, body);
  });
  app.post("/key/:key/regenerate", admin, async (request) => {
    const { key } = request.params as { key: string };
    const body = parseInput(regenerateKeyBodySchema, request.body, "/key/regenerate body");
    return regenerateKey(dependencies, key, body);
  });
  app.get("/key/info", { onRequest: guards.anyKey }, async (request) => {
    const query = parseInput(keyInfoQuerySchema, request.query, "/key/info query");
    return keyInfo(dependencies, request.identity, query.key);
  });
  app.get("/key/list", admin, async (request) =>
    listKeys(dependencies, parseInput(keyListQuerySchema, request.query, "/key/list query")),
  );
}
