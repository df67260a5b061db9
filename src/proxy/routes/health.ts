import type { FastifyInstance } from "fastify";

/** Liveness and readiness probes: no auth, no upstream calls. */
export function registerHealthProbes(app: FastifyInstance, isReady: () => boolean): void {
  const alive = async () => "I'm alive!";
  app.get("/health/liveliness", alive);
  app.get("/health/liveness", alive);
  app.get("/health/readiness", async (_request, reply) => {
    const ready = isReady();
    return reply.code(ready ? 200 : 503).send({ status: ready ? "healthy" : "starting" });
  });
}
