import type { FastifyInstance, FastifyRequest } from "fastify";
import { type ItemListQuery, listInputItems } from "../../dialects/responses/index.js";
import { BadRequestError, NotFoundError } from "../../errors/index.js";
import type { ResponseStore, StoredResponse } from "../../store/index.js";
import type { Identity } from "../identity.js";

/** Who owns what a key stores: the virtual key's hash; null for the master key and an open proxy. */
export function ownerOf(identity: Identity): string | null {
  return identity.kind === "virtual" ? identity.tokenHash : null;
}

function notFound(responseId: string): NotFoundError {
  return new NotFoundError({
    message: `No response found with id '${responseId}'.`,
    param: "response_id",
    code: "response_not_found",
  });
}

/**
 * A stored response the caller may see: a virtual key only its own (another key's is a 404, as if
 * it did not exist); the master key all of them.
 */
export async function findOwnedResponse(
  store: ResponseStore,
  identity: Identity,
  responseId: string,
): Promise<StoredResponse> {
  const stored = await store.find(responseId);
  if (stored === undefined) throw notFound(responseId);
  if (identity.kind === "virtual" && stored.apiKey !== identity.tokenHash) throw notFound(responseId);
  return stored;
}

function responseIdOf(request: FastifyRequest): string {
  return (request.params as { id: string }).id;
}

function listQueryOf(request: FastifyRequest): ItemListQuery {
  const query = request.query as Record<string, string | undefined>;
  const result: ItemListQuery = {};
  if (query.order !== undefined) {
    if (query.order !== "asc" && query.order !== "desc")
      throw new BadRequestError({
        message: "order must be asc or desc",
        param: "order",
        code: "invalid_value",
      });
    result.order = query.order;
  }
  if (query.limit !== undefined) {
    const limit = Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      throw new BadRequestError({
        message: "limit must be an integer from 1 to 100",
        param: "limit",
        code: "invalid_value",
      });
    result.limit = limit;
  }
  if (query.after !== undefined) result.after = query.after;
  return result;
}

/** GET and DELETE /responses/{id}, GET /responses/{id}/input_items (also under /v1). */
export function registerStoredResponseRoutes(scope: FastifyInstance, store: ResponseStore): void {
  for (const prefix of ["", "/v1"]) {
    scope.get(`${prefix}/responses/:id`, async (request) => {
      const stored = await findOwnedResponse(store, request.identity, responseIdOf(request));
      return stored.response;
    });
    scope.delete(`${prefix}/responses/:id`, async (request) => {
      const responseId = responseIdOf(request);
      await findOwnedResponse(store, request.identity, responseId);
      await store.delete(responseId);
      return { id: responseId, object: "response", deleted: true };
    });
    scope.get(`${prefix}/responses/:id/input_items`, async (request) => {
      const stored = await findOwnedResponse(store, request.identity, responseIdOf(request));
      return listInputItems(stored.inputItems, listQueryOf(request));
    });
  }
}
