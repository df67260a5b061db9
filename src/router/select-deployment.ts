import { ContextWindowExceededError, type LlmgateError, RateLimitError } from "../errors/index.js";
import { allCoolingDownError } from "./cooldowns.js";
import type { Deployment } from "./deployment.js";
import type { ResolvedGroup } from "./model-groups.js";
import type { RouterRuntime } from "./runtime.js";
import { minuteOf } from "./state/router-state.js";
import type { Candidate } from "./strategies/index.js";

export interface SelectionRequest {
  readonly resolved: ResolvedGroup;
  readonly isStream: boolean;
  readonly inputTokens: number | undefined;
  /** Deployments that already failed this request: others are preferred. */
  readonly tried: ReadonlySet<string>;
  /** Only an untried deployment will do. */
  readonly needsOtherDeployment: boolean;
}

/** A chosen deployment (already counted in flight), an error for the caller, or nothing left to try. */
export type Selection =
  | { kind: "deployment"; deployment: Deployment; minute: number }
  | { kind: "error"; error: LlmgateError }
  | { kind: "exhausted" };

function lowestOrder(candidates: readonly Candidate[]): readonly Candidate[] {
  let lowest = Number.POSITIVE_INFINITY;
  for (const candidate of candidates)
    lowest = Math.min(lowest, candidate.deployment.order ?? Number.POSITIVE_INFINITY);
  return candidates.filter(
    (candidate) => (candidate.deployment.order ?? Number.POSITIVE_INFINITY) === lowest,
  );
}

function noRoomError(groupName: string, now: number): RateLimitError {
  const seconds = Math.max(1, Math.ceil((60_000 - (now % 60_000)) / 1000));
  return new RateLimitError({
    message: `Every deployment of model group "${groupName}" is at its rpm/tpm limit for this minute; try again in ${seconds}s.`,
    retryAfter: seconds,
    code: "rate_limit_exceeded",
  });
}

/**
 * Picks a deployment of the group: not cooling down, large enough for the prompt, untried first,
 * lowest `order` first, then by the strategy. With a strategy that enforces limits, the pick is
 * re-checked against `rpm` after an atomic increment, so concurrent requests cannot overshoot.
 */
export async function selectDeployment(
  runtime: RouterRuntime,
  request: SelectionRequest,
): Promise<Selection> {
  const { group, name } = request.resolved;
  const now = runtime.clock();
  const minute = minuteOf(now);
  const usages = await runtime.state.read(group.ids, minute);
  let candidates: Candidate[] = [];
  let coolingDown = 0;
  for (let index = 0; index < group.deployments.length; index++) {
    const deployment = group.deployments[index];
    const usage = usages[index];
    if (deployment === undefined || usage === undefined) continue;
    if (usage.cooldownUntil > now) coolingDown++;
    else if (
      request.inputTokens === undefined ||
      deployment.maxInputTokens === undefined ||
      request.inputTokens <= deployment.maxInputTokens
    ) {
      candidates.push({ deployment, usage });
    }
  }
  if (candidates.length === 0) {
    if (coolingDown > 0) return { kind: "error", error: allCoolingDownError(name, usages, now) };
    return {
      kind: "error",
      error: new ContextWindowExceededError({
        message: `The prompt (${request.inputTokens} tokens) exceeds the context window of every deployment of model group "${name}".`,
      }),
    };
  }
  if (request.tried.size > 0) {
    const untried = candidates.filter((candidate) => !request.tried.has(candidate.deployment.id));
    if (untried.length > 0) candidates = untried;
    else if (request.needsOtherDeployment) return { kind: "exhausted" };
  }
  if (group.hasOrder) candidates = [...lowestOrder(candidates)];
  const context = {
    random: runtime.random,
    latency: runtime.latency,
    isStream: request.isStream,
    inputTokens: request.inputTokens,
  };
  for (;;) {
    const chosen = runtime.strategy.select(candidates, context);
    if (chosen === undefined) return { kind: "error", error: noRoomError(name, now) };
    const { deployment } = chosen;
    const requests = await runtime.state.startRequest(deployment.id, minute);
    if (!runtime.strategy.enforcesLimits || deployment.rpm === undefined || requests <= deployment.rpm) {
      return { kind: "deployment", deployment, minute };
    }
    await runtime.state.cancelRequest(deployment.id, minute);
    candidates = candidates.filter((candidate) => candidate !== chosen);
    if (candidates.length === 0) return { kind: "error", error: noRoomError(name, now) };
  }
}
