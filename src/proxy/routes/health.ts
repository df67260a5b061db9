import type { FastifyInstance } from "fastify";

/** Liveness and readiness probes: no auth, no upstream calls. */
export type Readiness = "healthy" | "starting" | "draining" | "waiting for the database";

/**
 * `/health/readiness` is 503 while starting, while the database does not answer, and from the
 * moment a shutdown begins; its body says which, and the database's state (`db`), as LiteLLM's does.
 */
export function registerHealthProbes(
  app: FastifyInstance,
  readiness: () => Readiness,
  databaseStatus: () => string,
): void {
  const alive = async () => "I'm alive!";
  app.get("/health/liveliness", alive);
  app.get("/health/liveness", alive);
  app.get("/health/readiness", async (_request, reply) => {
    const status = readiness();
    return reply.code(status === "healthy" ? 200 : 503).send({ status, db: databaseStatus() });
  });
}
