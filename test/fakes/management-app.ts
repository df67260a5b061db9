/**
 * Test support for the management routes: a fastify app with only those routes, the real error
 * handler, SQL stores on in-memory SQLite, a settable clock, and simple guards (`Bearer master`
 * is the master key; `Bearer sk-...` a virtual key looked up in the store).
 */
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { AuthenticationError, PermissionDeniedError } from "../../src/errors/index.js";
import { masterKeyMatcher } from "../../src/proxy/hooks/auth.js";
import { createErrorHandler, handleNotFound } from "../../src/proxy/hooks/errors.js";
import type { Identity } from "../../src/proxy/identity.js";
import { registerManagementRoutes } from "../../src/proxy/management/index.js";
import type { ManagementDependencies } from "../../src/proxy/management/types.js";
import {
  createSqlStores,
  type Database,
  hashApiKey,
  openDatabase,
  type Stores,
} from "../../src/store/index.js";

export const TEST_MASTER_KEY = "master";

export interface ManagementTestApp {
  app: FastifyInstance;
  stores: Stores;
  /** What each invalidation call received, in order. */
  invalidated: { keys: string[]; users: string[]; teams: string[] };
  flushCount(): number;
  setNow(date: Date): void;
  close(): Promise<void>;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return typeof header === "string" && header.startsWith("Bearer ") ? header.slice(7) : undefined;
}

async function resolveIdentity(stores: Stores, request: FastifyRequest): Promise<Identity> {
  const key = bearer(request);
  if (key === TEST_MASTER_KEY) return { kind: "master" };
  if (key !== undefined) {
    const record = await stores.keys.findByHash(hashApiKey(key));
    if (record !== undefined && !record.isBlocked) {
      return { kind: "virtual", tokenHash: record.tokenHash, key: record, user: undefined, team: undefined };
    }
  }
  throw new AuthenticationError({ message: "invalid or missing key", code: "invalid_api_key" });
}

export async function createManagementTestApp(
  start = new Date("2025-03-01T10:00:00.000Z"),
): Promise<ManagementTestApp> {
  let now = start;
  const clock = { now: () => now };
  const database: Database = await openDatabase(":memory:", { configDir: "." });
  const stores = createSqlStores(database, clock);
  const invalidated = { keys: [] as string[], users: [] as string[], teams: [] as string[] };
  let flushes = 0;
  const dependencies: ManagementDependencies = {
    stores,
    invalidateKey: (hash) => invalidated.keys.push(hash),
    invalidateUser: (id) => invalidated.users.push(id),
    invalidateTeam: (id) => invalidated.teams.push(id),
    flushSpend: async () => {
      flushes++;
    },
    now: clock.now,
    isMasterKey: masterKeyMatcher(TEST_MASTER_KEY),
  };
  const app = Fastify();
  // Set by the guards before any handler reads it.
  app.decorateRequest<Identity | null>("identity", null);
  app.setErrorHandler(createErrorHandler(1024 * 1024));
  app.setNotFoundHandler(handleNotFound);
  registerManagementRoutes(app, dependencies, {
    anyKey: async (request) => {
      request.identity = await resolveIdentity(stores, request);
    },
    adminOnly: async (request) => {
      request.identity = await resolveIdentity(stores, request);
      if (request.identity.kind === "virtual") {
        throw new PermissionDeniedError({ message: "admin only", code: "forbidden" });
      }
    },
  });
  await app.ready();
  return {
    app,
    stores,
    invalidated,
    flushCount: () => flushes,
    setNow: (date) => {
      now = date;
    },
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

/** The master key's Authorization header. */
export const asMaster = { authorization: `Bearer ${TEST_MASTER_KEY}` };
