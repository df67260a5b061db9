import type { Message, MessagesParams, StreamEvent } from "../dialects/anthropic-messages/index.js";
import type { ResponseObject, ResponseStreamEvent, ResponsesRequest } from "../openai/responses.js";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  Completion,
  CompletionRequest,
  EmbeddingRequest,
  EmbeddingResponse,
} from "../openai/types.js";
import type { Operation, OperationTypes } from "../providers/types.js";
import { callThroughCache } from "../sdk/cached-call.js";
import { call as sdkCall } from "../sdk/call.js";
import { sleep as sdkSleep } from "../sdk/retry.js";
import type { ChunkStream } from "../sdk/types.js";
import { type MessagesRouteOutcome, messagesRuntime, routeMessages } from "./anthropic-messages.js";
import type { Deployment } from "./deployment.js";
import { describeDeployments, describeModelGroups } from "./deployment-info.js";
import { checkHealth, type HealthCheckOptions, type HealthReport } from "./health-check.js";
import { LatencyTracker } from "./latency-tracker.js";
import { ModelGroups } from "./model-groups.js";
import { responsesRuntime } from "./responses.js";
import { routeRequest } from "./route-request.js";
import type { RouterRuntime } from "./runtime.js";
import { resolveRouterOptions } from "./settings.js";
import { createRouterState } from "./state/create-state.js";
import type { RedisOutageLog } from "./state/redis-outage.js";
import type { RouterState } from "./state/router-state.js";
import { createStrategy } from "./strategies/index.js";
import { TokenCounter } from "./token-counter.js";
import type {
  CallFunction,
  DeploymentInfo,
  ModelGroupInfo,
  RequestRoutingFields,
  RouteContext,
  RouteOutcome,
  RouterConfig,
  RouterLogger,
} from "./types.js";

export interface RouterDependencies {
  call?: CallFunction;
  clock?: () => number;
  random?: () => number;
  sleep?: (milliseconds: number, signal: AbortSignal | undefined) => Promise<void>;
  /** Default: Redis when configured, else memory. */
  state?: RouterState;
  /** Told when the router state's Redis goes and comes back (shared with the proxy's other clients). */
  redisOutage?: RedisOutageLog;
  env?: NodeJS.ProcessEnv;
  logger?: RouterLogger;
  /**
   * For a relay (the proxy) that sends responses on as the upstream wrote them: large bodies are
   * parsed only if `data` is read (see CallContext.parseLazily). Default false.
   */
  parseResponsesLazily?: boolean;
  /** The largest answer read from an upstream (CallContext.maxResponseBytes); default the SDK's. */
  maxResponseBytes?: number;
}

type SdkParams<Request> = Request & RequestRoutingFields & { signal?: AbortSignal | null | undefined };
type Streaming = { stream: true };
type NotStreaming = { stream?: false | null | undefined };

const consoleLogger: RouterLogger = { warn: (details, message) => console.warn(message, details) };

/**
 * Load balancing, retries, fallbacks and cooldowns over a model list (LiteLLM's `Router`): the
 * proxy calls `route()`, SDK users `completion()`, `textCompletion()` and `embedding()`.
 */
export class Router {
  private readonly runtime: RouterRuntime;
  /** The same runtime, its attempts making Anthropic Messages calls. */
  private readonly messagesRuntime: RouterRuntime;
  /** The same runtime, its attempts making Responses calls (native or through chat). */
  private readonly responsesRuntime: RouterRuntime;

  constructor(config: RouterConfig, dependencies: RouterDependencies = {}) {
    const settings = config.router_settings ?? {};
    const logger = dependencies.logger ?? consoleLogger;
    this.runtime = {
      groups: new ModelGroups(config.model_list, settings.model_group_alias),
      options: resolveRouterOptions(settings, config.litellm_settings),
      state:
        dependencies.state ??
        createRouterState(settings, dependencies.env ?? process.env, logger, dependencies.redisOutage),
      strategy: createStrategy(settings.routing_strategy, settings.routing_strategy_args),
      latency: new LatencyTracker(),
      tokens: new TokenCounter(),
      call: dependencies.call ?? sdkCall,
      callEnforcesTimeouts: dependencies.call === undefined || dependencies.call === sdkCall,
      clock: dependencies.clock ?? Date.now,
      random: dependencies.random ?? Math.random,
      sleep: dependencies.sleep ?? sdkSleep,
      env: dependencies.env,
      parseLazily: dependencies.parseResponsesLazily === true,
      maxResponseBytes: dependencies.maxResponseBytes,
      logger,
    };
    this.messagesRuntime = messagesRuntime(this.runtime);
    this.responsesRuntime = responsesRuntime(this.runtime);
  }

  /** Routes one request. Upstream failures come back as `{ ok: false, error }`, never thrown. */
  route<K extends Operation>(
    operation: K,
    request: OperationTypes[K]["request"] & RequestRoutingFields,
    context: RouteContext = {},
  ): Promise<RouteOutcome<K>> {
    const runtime = operation === "responses" ? this.responsesRuntime : this.runtime;
    return routeRequest(runtime, operation, request, context);
  }

  private async run<K extends Operation>(
    operation: K,
    params: SdkParams<OperationTypes[K]["request"]>,
  ): Promise<OperationTypes[K]["response"] | ChunkStream<OperationTypes[K]["chunk"]>> {
    const outcome = await this.route(operation, params, { signal: params.signal ?? undefined });
    if (!outcome.ok) throw outcome.error;
    return outcome.result.kind === "stream" ? outcome.result.stream : outcome.result.data;
  }

  /** completion(), textCompletion() and embedding(): through the cache setCache() set, if any. */
  private runCached<K extends "chat" | "completions" | "embeddings">(
    operation: K,
    params: SdkParams<OperationTypes[K]["request"]>,
  ): Promise<OperationTypes[K]["response"] | ChunkStream<OperationTypes[K]["chunk"]>> {
    return callThroughCache(operation, params as never, undefined, (sentOperation, sent) =>
      this.run(sentOperation, sent as never),
    );
  }

  completion(params: SdkParams<ChatCompletionRequest> & Streaming): Promise<ChunkStream<ChatCompletionChunk>>;
  completion(params: SdkParams<ChatCompletionRequest> & NotStreaming): Promise<ChatCompletion>;
  completion(
    params: SdkParams<ChatCompletionRequest>,
  ): Promise<ChatCompletion | ChunkStream<ChatCompletionChunk>>;
  completion(
    params: SdkParams<ChatCompletionRequest>,
  ): Promise<ChatCompletion | ChunkStream<ChatCompletionChunk>> {
    return this.runCached("chat", params);
  }

  textCompletion(params: SdkParams<CompletionRequest> & Streaming): Promise<ChunkStream<Completion>>;
  textCompletion(params: SdkParams<CompletionRequest> & NotStreaming): Promise<Completion>;
  textCompletion(params: SdkParams<CompletionRequest>): Promise<Completion | ChunkStream<Completion>>;
  textCompletion(params: SdkParams<CompletionRequest>): Promise<Completion | ChunkStream<Completion>> {
    return this.runCached("completions", params);
  }

  async embedding(params: SdkParams<EmbeddingRequest>): Promise<EmbeddingResponse> {
    const result = await this.runCached("embeddings", params);
    if (Symbol.asyncIterator in result) throw new TypeError("embeddings do not stream");
    return result;
  }

  /** Routes an Anthropic Messages request like a chat completion; the answer is Anthropic's. */
  routeAnthropicMessages(
    request: MessagesParams & RequestRoutingFields,
    context: RouteContext = {},
  ): Promise<MessagesRouteOutcome> {
    return routeMessages(this.messagesRuntime, request, context);
  }

  /** anthropicMessages() over the model list: a message, or Anthropic events with `stream: true`. */
  anthropicMessages(params: SdkParams<MessagesParams> & Streaming): Promise<ChunkStream<StreamEvent>>;
  anthropicMessages(params: SdkParams<MessagesParams> & NotStreaming): Promise<Message>;
  anthropicMessages(params: SdkParams<MessagesParams>): Promise<Message | ChunkStream<StreamEvent>>;
  async anthropicMessages(params: SdkParams<MessagesParams>): Promise<Message | ChunkStream<StreamEvent>> {
    const outcome = await this.routeAnthropicMessages(params, { signal: params.signal ?? undefined });
    if (!outcome.ok) throw outcome.error;
    return outcome.result.kind === "stream" ? outcome.result.stream : outcome.result.data;
  }

  /** responses() over the model list: a response object, or Responses events with `stream: true`. */
  responses(params: SdkParams<ResponsesRequest> & Streaming): Promise<ChunkStream<ResponseStreamEvent>>;
  responses(params: SdkParams<ResponsesRequest> & NotStreaming): Promise<ResponseObject>;
  responses(params: SdkParams<ResponsesRequest>): Promise<ResponseObject | ChunkStream<ResponseStreamEvent>>;
  responses(params: SdkParams<ResponsesRequest>): Promise<ResponseObject | ChunkStream<ResponseStreamEvent>> {
    return this.run("responses", params);
  }

  /** The deployment with this id (its prices and params), as `meta.deploymentId` names it. */
  deployment(id: string): Deployment | undefined {
    return this.runtime.groups.deployment(id);
  }

  /** Configured model names (wildcard patterns included) and visible aliases, in config order. */
  modelNames(): string[] {
    return this.runtime.groups.names();
  }

  /** True when `name` reaches a group: exactly, through an alias or a wildcard. */
  hasModel(name: string): boolean {
    return this.runtime.groups.resolve(name) !== undefined;
  }

  /** `/model/info`: each deployment with its public params and live state; never a secret. */
  deploymentsInfo(): Promise<DeploymentInfo[]> {
    return describeDeployments(this.runtime);
  }

  /** `/model_group/info`: one entry per model group. */
  modelGroupInfo(): ModelGroupInfo[] {
    return describeModelGroups(this.runtime);
  }

  /** A tiny request to every deployment (max_tokens: 1; an embedding for embedding models). */
  healthCheck(options?: HealthCheckOptions): Promise<HealthReport> {
    return checkHealth(this.runtime, options);
  }

  /** Closes the Redis connection, when there is one. */
  close(): Promise<void> {
    return this.runtime.state.close();
  }
}
