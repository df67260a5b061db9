import type { FastifyReply, FastifyRequest } from "fastify";

declare module "fastify" {
  interface FastifyRequest {
    /** This request's id: the `x-llmgate-call-id` header and its spend-log `request_id`. */
    callId: string;
    /** `performance.now()` when the request arrived. */
    callStartedAt: number;
  }
}

/**
 * The first hook of the model routes: every answer, refusals by auth or body parsing included,
 * carries the call id (and, through the error handler, its duration).
 */
export async function assignCallId(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  request.callStartedAt = performance.now();
  // fastify's request id (a UUID, see app.ts), so the request's log lines name the same id.
  request.callId = request.id;
  reply.header("x-llmgate-call-id", request.callId);
}
