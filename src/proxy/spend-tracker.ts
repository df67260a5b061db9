import { type CallObservers, type CallTrace, callerLabelsOf } from "../observability/index.js";
import type { Usage } from "../openai/types.js";
import type { Operation } from "../providers/types.js";
import { completionCost, type PriceOverrides } from "../spend/index.js";
import type { SpendLogEntry, SpendQueue } from "../store/index.js";
import { limitScopes } from "./access.js";
import type { Identity } from "./identity.js";
import type { IdentityCache } from "./identity-cache.js";
import type { LimitCounters } from "./limits/types.js";
import type { ProxyMetrics } from "./metrics.js";

/** LiteLLM's `call_type` names in spend logs. */
const CALL_TYPES: Record<Operation, string> = {
  chat: "acompletion",
  completions: "atext_completion",
  embeddings: "aembedding",
  responses: "aresponses",
};

export interface FinishedRequest {
  requestId: string;
  responseId: string | undefined;
  operation: Operation;
  /** The spend log's call type when it is not the operation's (LiteLLM's `anthropic_messages`). */
  callType?: string;
  route: string;
  identity: Identity;
  modelGroup: string | undefined;
  /** The upstream model that answered (for the price table). */
  model: string | undefined;
  deploymentId: string | undefined;
  prices: PriceOverrides | undefined;
  usage: Pick<Usage, "prompt_tokens" | "completion_tokens" | "prompt_tokens_details"> | undefined;
  status: number;
  errorCode: string | undefined;
  startedAt: number;
  endedAt: number;
  /** The response cache answered: no cost, and its tokens do not count against tpm. */
  cacheHit?: boolean;
  /** For metrics and callbacks: the router's attempts, the request body, the answer, the error. */
  trace?: CallTrace | undefined;
  body?: unknown;
  response?: (() => unknown) | undefined;
  errorMessage?: string | undefined;
  provider?: string | undefined;
  isStream?: boolean | undefined;
}

/**
 * After a response: its cost, one spend-log row (queued, written in batches off the request path),
 * the key's cached spend (so budgets hold at once) and tpm counters, and the metrics.
 */
export class SpendTracker {
  constructor(
    private readonly queue: SpendQueue<SpendLogEntry> | undefined,
    private readonly cache: IdentityCache | undefined,
    private readonly limits: LimitCounters,
    private readonly metrics: ProxyMetrics,
    private readonly observers: CallObservers,
    /** The provider of a deployment (for failures, where no answer names it). */
    private readonly providerOf: (deploymentId: string) => string | undefined = () => undefined,
  ) {}

  /** Whether a callback will send this request's answer (a stream's chunks are kept for it). */
  sendsAnswerOf(body: unknown): boolean {
    return this.observers.sendsAnswerOf(body);
  }

  /** Records a finished request and returns its cost in USD. */
  record(request: FinishedRequest): number {
    const usage = request.usage;
    const promptTokens = usage?.prompt_tokens ?? 0;
    const completionTokens = usage?.completion_tokens ?? 0;
    const isCacheHit = request.cacheHit === true;
    const cost =
      isCacheHit || usage === undefined || request.model === undefined
        ? 0
        : completionCost({ model: request.model, usage, prices: request.prices });
    const identity = request.identity;
    if (identity.kind === "virtual") {
      this.cache?.addSpend(identity, cost);
      const scopes = limitScopes(identity);
      if (scopes.length > 0 && promptTokens + completionTokens > 0 && !isCacheHit) {
        this.limits.addTokens(scopes, promptTokens + completionTokens, request.endedAt).catch(() => {});
      }
    }
    const caller = callerLabelsOf(identity);
    const deploymentId = request.deploymentId ?? "";
    this.observers.finished({
      callId: request.requestId,
      callType: request.callType ?? CALL_TYPES[request.operation],
      route: request.route,
      modelGroup: request.modelGroup ?? "",
      deploymentId,
      provider: request.provider ?? (deploymentId === "" ? "" : (this.providerOf(deploymentId) ?? "")),
      model: request.model ?? "",
      caller,
      status: request.status,
      errorCode: request.errorCode,
      errorMessage: request.errorMessage,
      startedAt: request.startedAt,
      endedAt: request.endedAt,
      isStream: request.isStream === true,
      promptTokens,
      completionTokens,
      cost,
      isCacheHit,
      trace: request.trace,
      body: request.body,
      response: request.response,
    });
    if (identity.kind === "virtual")
      this.metrics.observeBudgets({
        keyAlias: caller.keyAlias,
        team: caller.team,
        key: identity.key,
        teamBudget: identity.team,
      });
    this.queue?.enqueue({
      requestId: request.requestId,
      responseId: request.responseId ?? null,
      callType: request.callType ?? CALL_TYPES[request.operation],
      apiKey: identity.kind === "virtual" ? identity.tokenHash : null,
      userId: identity.kind === "virtual" ? identity.key.userId : null,
      teamId: identity.kind === "virtual" ? identity.key.teamId : null,
      modelGroup: request.modelGroup ?? null,
      model: request.model ?? null,
      deploymentId: request.deploymentId ?? null,
      promptTokens,
      completionTokens,
      spend: cost,
      status: request.status < 400 ? "success" : "failure",
      errorCode: request.errorCode ?? (request.status < 400 ? null : String(request.status)),
      startTime: new Date(request.startedAt),
      endTime: new Date(request.endedAt),
      latencyMs: request.endedAt - request.startedAt,
      cacheHit: isCacheHit,
    });
    return cost;
  }
}
