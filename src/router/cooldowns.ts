import { type LlmgateError, RateLimitError } from "../errors/index.js";
import type { Deployment } from "./deployment.js";
import { errorKindOf } from "./error-kind.js";
import type { ModelGroup } from "./model-groups.js";
import type { CooldownOptions } from "./settings.js";
import type { DeploymentUsage, RouterState } from "./state/router-state.js";
import { minuteOf } from "./state/router-state.js";

/** Statuses that cool a deployment down at once, as LiteLLM does: rate limited, bad key, unknown model. */
const IMMEDIATE_STATUSES: ReadonlySet<number> = new Set([429, 401, 404]);

function allowedFailsFor(error: LlmgateError, options: CooldownOptions): number | undefined {
  const kind = errorKindOf(error);
  const fromPolicy = kind === undefined ? undefined : options.allowedFailsPolicy?.[`${kind}AllowedFails`];
  if (fromPolicy !== undefined) return fromPolicy;
  // Other client errors (400, 403, 413, 422) say nothing about the deployment's health.
  if (error.status >= 400 && error.status < 500 && error.status !== 408) return undefined;
  return options.allowedFails;
}

/**
 * Counts a failure and cools the deployment down when it must: at once on 429/401/404, else after
 * more than `allowed_fails` failures within a minute. A group's only deployment is never cooled
 * down. Resolves to the end of the cooldown (epoch ms), or undefined.
 */
export async function recordFailure(
  state: RouterState,
  options: CooldownOptions,
  group: ModelGroup,
  deployment: Deployment,
  error: LlmgateError,
  now: number,
): Promise<number | undefined> {
  if (options.isDisabled || group.deployments.length <= 1) return undefined;
  if (!IMMEDIATE_STATUSES.has(error.status)) {
    const allowedFails = allowedFailsFor(error, options);
    if (allowedFails === undefined) return undefined;
    const failures = await state.recordFailure(deployment.id, minuteOf(now));
    if (failures <= allowedFails) return undefined;
  }
  const seconds = Math.max(deployment.cooldownTime ?? options.cooldownSeconds, error.retryAfter ?? 0);
  const until = now + seconds * 1000;
  await state.setCooldown(deployment.id, until, now);
  return until;
}

/** The 429 answered when every deployment of a group is cooling down: says which group and when. */
export function allCoolingDownError(
  groupName: string,
  usages: readonly DeploymentUsage[],
  now: number,
): RateLimitError {
  let earliest = Number.POSITIVE_INFINITY;
  for (const usage of usages)
    if (usage.cooldownUntil > now) earliest = Math.min(earliest, usage.cooldownUntil);
  const seconds = Math.max(1, Math.ceil((earliest - now) / 1000));
  const count = usages.length;
  return new RateLimitError({
    message:
      `No deployment of model group "${groupName}" is available: ` +
      `${count === 1 ? "its deployment is" : `all ${count} deployments are`} cooling down after failures. ` +
      `The first comes back in ${seconds}s (at ${new Date(earliest).toISOString()}).`,
    retryAfter: seconds,
    code: "cooldown",
  });
}
