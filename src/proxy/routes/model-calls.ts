import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { BadRequestError, LlmgateError } from "../../errors/index.js";
import type { Operation } from "../../providers/types.js";
import type { ChunkStream } from "../../sdk/types.js";
import { errorHeaders, toLlmgateError } from "../hooks/errors.js";
import { checkModelCallBody } from "../request-checks.js";
import { routeContextFromHeaders, routeHeaders } from "../route-headers.js";
import { SseWriter } from "../sse-writer.js";
import type { ProxyRouter, RouteMeta } from "../types.js";

export interface ModelCallOptions {
  router: ProxyRouter;
  allowClientCredentials: boolean;
  /** Quick mode (`--model`): every request goes to this model, whatever it names. */
  forcedModel: string | undefined;
  bodyLimitBytes: number;
}

const PATHS: Record<Operation, string[]> = {
  chat: [
    "/chat/completions",
    "/engines/:model/chat/completions",
    "/openai/deployments/:model/chat/completions",
  ],
  completions: ["/completions", "/engines/:model/completions", "/openai/deployments/:model/completions"],
  embeddings: ["/embeddings", "/engines/:model/embeddings", "/openai/deployments/:model/embeddings"],
};

function unknownModelError(model: string, router: ProxyRouter): BadRequestError {
  const names = router.modelNames();
  return new BadRequestError({
    message: `unknown model "${model}"; this proxy serves: ${names.length === 0 ? "(no models configured)" : names.join(", ")}`,
    param: "model",
    code: "model_not_found",
  });
}

async function pipeStream(
  stream: ChunkStream<unknown>,
  writer: SseWriter,
  request: FastifyRequest,
  bodyLimitBytes: number,
): Promise<void> {
  try {
    for await (const chunk of stream) {
      if (!writer.isOpen) break;
      await writer.write(JSON.stringify(chunk));
    }
    writer.finish();
  } catch (error) {
    if (!writer.isOpen) return;
    const mapped = toLlmgateError(error, bodyLimitBytes);
    request.log.warn({ status: mapped.status, message: mapped.message }, "upstream stream failed");
    writer.fail(mapped);
  }
}

function createHandler<K extends Operation>(operation: K, options: ModelCallOptions) {
  return async function handleModelCall(request: FastifyRequest, reply: FastifyReply) {
    const startedAt = performance.now();
    const callId = randomUUID();
    reply.header("x-llmgate-call-id", callId);
    const pathModel = (request.params as { model?: string }).model;
    const body = request.body as Record<string, unknown> | null;
    if (body !== null && typeof body === "object" && pathModel !== undefined && body.model === undefined) {
      body.model = pathModel;
    }
    const callRequest = checkModelCallBody(operation, body, options.allowClientCredentials);
    if (options.forcedModel !== undefined) callRequest.model = options.forcedModel;
    else if (!options.router.hasModel(callRequest.model))
      throw unknownModelError(callRequest.model, options.router);

    const controller = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableEnded) controller.abort(new Error("the client closed the connection"));
    };
    reply.raw.once("close", onClose);
    const routeStartedAt = performance.now();
    const outcome = await options.router.route(
      operation,
      callRequest,
      routeContextFromHeaders(request, controller.signal),
    );
    const upstreamMs = performance.now() - routeStartedAt;
    const headers = (meta: RouteMeta) => routeHeaders(callId, meta, startedAt, upstreamMs);
    if (!outcome.ok) {
      const error = LlmgateError.is(outcome.error)
        ? outcome.error
        : toLlmgateError(outcome.error, options.bodyLimitBytes);
      return reply
        .code(error.status)
        .headers({ ...headers(outcome.meta), ...errorHeaders(error) })
        .send(error.toBody());
    }
    const result = outcome.result;
    if (result.kind === "response") return reply.headers(headers(outcome.meta)).send(result.data);
    reply.hijack();
    const writer = new SseWriter(reply.raw);
    reply.raw.once("close", () => result.stream.abort(new Error("the client closed the connection")));
    writer.start(headers(outcome.meta));
    await pipeStream(result.stream as ChunkStream<unknown>, writer, request, options.bodyLimitBytes);
  };
}

/** POST chat/completions/embeddings, each under `/` and `/v1/`, plus the Azure-style paths. */
export function registerModelCallRoutes(app: FastifyInstance, options: ModelCallOptions): void {
  for (const operation of ["chat", "completions", "embeddings"] as const) {
    const handler = createHandler(operation, options);
    for (const path of PATHS[operation]) {
      app.post(path, handler);
      app.post(`/v1${path}`, handler);
    }
  }
}
