import { InternalServerError, type LlmgateError, Timeout } from "../errors/index.js";
import type { Operation } from "../providers/types.js";
import { type AttemptOutcome, runAttempt } from "./attempt.js";
import { recordFailure } from "./cooldowns.js";
import type { ResolvedGroup } from "./model-groups.js";
import { decideRetry, retryDelay } from "./retry-policy.js";
import type { RouterRuntime } from "./runtime.js";
import { selectDeployment } from "./select-deployment.js";
import type { RouteObserver } from "./types.js";

export interface GroupRequest<K extends Operation> {
  readonly operation: K;
  readonly body: Readonly<Record<string, unknown>>;
  readonly resolved: ResolvedGroup;
  readonly isStream: boolean;
  readonly inputTokens: number | undefined;
  /** Request-level overrides; else the deployment's, else the router's. */
  readonly timeout: number | undefined;
  readonly streamTimeout: number | undefined;
  readonly numRetries: number | undefined;
  readonly signal: AbortSignal | undefined;
  readonly observer?: RouteObserver | undefined;
}

export type GroupOutcome<K extends Operation> = AttemptOutcome<K> & {
  retries: number;
  deploymentId: string | undefined;
};

const NONE_TRIED: ReadonlySet<string> = new Set();

function noDeploymentLeft(groupName: string): LlmgateError {
  return new InternalServerError({ message: `No deployment of model group "${groupName}" is left to try.` });
}

/**
 * Sends the request to the group, retrying as the retry policy allows: a retry goes to another
 * healthy deployment when there is one (at once), else back to the same after a backoff that
 * honours `retry-after`. Failures feed the cooldowns.
 */
export async function tryGroup<K extends Operation>(
  runtime: RouterRuntime,
  request: GroupRequest<K>,
): Promise<GroupOutcome<K>> {
  const { options } = runtime;
  let tried: Set<string> | undefined;
  let needsOtherDeployment = false;
  let lastError: LlmgateError | undefined;
  let deploymentId: string | undefined;
  /** Retries allowed so far (the retry policy's count); a retry is only made once a deployment takes it. */
  let retries = 0;
  let attemptsMade = 0;
  const retriesMade = () => Math.max(0, attemptsMade - 1);
  const failed = (error: LlmgateError): GroupOutcome<K> => ({
    ok: false,
    error,
    retries: retriesMade(),
    deploymentId,
  });
  for (let hasWaited = false; ; ) {
    const selection = await selectDeployment(runtime, {
      resolved: request.resolved,
      isStream: request.isStream,
      inputTokens: request.inputTokens,
      tried: tried ?? NONE_TRIED,
      needsOtherDeployment,
    });
    if (selection.kind === "exhausted") return failed(lastError ?? noDeploymentLeft(request.resolved.name));
    // After real failures, the last one says more than "cooling down" (which those failures just
    // caused): a bad key stays a 401. Later requests get the cooldown error without any attempt.
    if (selection.kind === "error") return failed(lastError ?? selection.error);
    const { deployment } = selection;
    if (lastError !== undefined && !hasWaited && tried?.has(deployment.id) === true) {
      // Nowhere else to go: back off before asking the same deployment again.
      await runtime.state.cancelRequest(deployment.id, selection.minute);
      hasWaited = true;
      try {
        await runtime.sleep(
          retryDelay(retries - 1, lastError, options.retry, runtime.random),
          request.signal,
        );
      } catch {
        return failed(lastError);
      }
      continue;
    }
    hasWaited = false;
    deploymentId = deployment.id;
    attemptsMade++;
    const timeout = request.timeout ?? deployment.timeout ?? options.timeout;
    const streamTimeout = request.streamTimeout ?? deployment.streamTimeout ?? options.streamTimeout;
    const attemptStartedAt = request.observer === undefined ? 0 : runtime.clock();
    const outcome = await runAttempt(runtime, {
      operation: request.operation,
      body: request.body,
      resolved: request.resolved,
      deployment,
      isStream: request.isStream,
      timeout,
      streamTimeout,
      signal: request.signal,
    });
    request.observer?.onAttempt?.({
      modelGroup: request.resolved.group.name,
      deploymentId: deployment.id,
      provider: deployment.provider,
      model: deployment.model,
      startedAt: attemptStartedAt,
      endedAt: runtime.clock(),
      isStream: request.isStream,
      error: outcome.ok
        ? undefined
        : {
            status: outcome.error.status,
            message: outcome.error.message,
            code: outcome.error.code ?? undefined,
          },
    });
    if (outcome.ok) return { ok: true, result: outcome.result, retries: retriesMade(), deploymentId };
    lastError = outcome.error;
    // The client went away: not the deployment's fault, and nobody is waiting for a retry.
    if (request.signal?.aborted === true) return failed(lastError);
    // A timeout the client chose says nothing of the deployment's health: no cooldown for others.
    // The attempt ran under the stream's limit (falling back to `timeout`), or under `timeout`.
    const isClientLimit = request.isStream
      ? request.streamTimeout !== undefined || (streamTimeout === undefined && request.timeout !== undefined)
      : request.timeout !== undefined;
    const isClientTimeout = lastError instanceof Timeout && isClientLimit;
    const cooldownUntil = isClientTimeout
      ? undefined
      : await recordFailure(
          runtime.state,
          options.cooldown,
          request.resolved.group,
          deployment,
          lastError,
          runtime.clock(),
        );
    if (cooldownUntil !== undefined) {
      request.observer?.onCooldown?.(deployment.id, cooldownUntil);
      runtime.logger.warn(
        {
          modelGroup: request.resolved.group.name,
          deploymentId: deployment.id,
          cooldownUntil,
          error: lastError.message,
        },
        "router: deployment cooling down",
      );
    }
    const numRetries = request.numRetries ?? deployment.numRetries ?? options.retry.numRetries;
    const decision = decideRetry(lastError, options.retry, request.resolved.group.name, numRetries);
    if (retries >= decision.retries) return failed(lastError);
    tried ??= new Set();
    tried.add(deployment.id);
    needsOtherDeployment = decision.needsOtherDeployment;
    retries++;
    request.observer?.onRetry?.(request.resolved.group.name);
  }
}
