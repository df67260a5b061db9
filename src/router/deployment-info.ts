import type { Deployment } from "./deployment.js";
import type { RouterRuntime } from "./runtime.js";
import { minuteOf } from "./state/router-state.js";
import type { DeploymentInfo, ModelGroupInfo } from "./types.js";

/** Names of fields that hold credentials: `api_key`, `aws_secret_access_key`, `azure_ad_token`, ... */
const SECRET_FIELD = /key|secret|password|credential|authorization|(^|_)token$/i;
/** Fields dropped whole: headers often carry an Authorization header. */
const HIDDEN_FIELDS: ReadonlySet<string> = new Set(["extra_headers"]);

function isPlainObject(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A copy without any field, at any depth, that may hold a secret. */
export function withoutSecrets(source: object | undefined): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source ?? {})) {
    if (value === undefined || HIDDEN_FIELDS.has(key) || SECRET_FIELD.test(key)) continue;
    copy[key] = isPlainObject(value) ? withoutSecrets(value) : value;
  }
  return copy;
}

/** LiteLLM's `model_info`: the configured fields (secrets removed), the id and the provider. */
function modelInfoOf(deployment: Deployment): Record<string, unknown> & { id: string } {
  return {
    ...withoutSecrets(deployment.config.model_info),
    id: deployment.id,
    litellm_provider: deployment.provider,
  };
}

/** `/model/info`: every deployment, its public params and its live state. */
export async function describeDeployments(runtime: RouterRuntime): Promise<DeploymentInfo[]> {
  const now = runtime.clock();
  const result: DeploymentInfo[] = [];
  for (const group of runtime.groups.groups()) {
    const usages = await runtime.state.read(group.ids, minuteOf(now));
    group.deployments.forEach((deployment, index) => {
      const usage = usages[index];
      const cooldownUntil = usage !== undefined && usage.cooldownUntil > now ? usage.cooldownUntil : null;
      result.push({
        model_name: deployment.modelName,
        litellm_params: withoutSecrets(deployment.config.litellm_params),
        model_info: modelInfoOf(deployment),
        state: {
          cooldown_until: cooldownUntil,
          in_flight: usage?.inFlight ?? 0,
          latency_ms: runtime.latency.latency(deployment.id, false) ?? null,
        },
      });
    });
  }
  return result;
}

function maxOf(values: readonly (number | undefined)[]): number | undefined {
  let max: number | undefined;
  for (const value of values) if (value !== undefined && (max === undefined || value > max)) max = value;
  return max;
}

function sumOf(values: readonly (number | undefined)[]): number | undefined {
  let sum: number | undefined;
  for (const value of values) if (value !== undefined) sum = (sum ?? 0) + value;
  return sum;
}

function maxOutputTokens(deployment: Deployment): number | undefined {
  const value = (deployment.config.model_info as Record<string, unknown> | undefined)?.max_output_tokens;
  return typeof value === "number" ? value : undefined;
}

/** `/model_group/info`: one entry per model group. */
export function describeModelGroups(runtime: RouterRuntime): ModelGroupInfo[] {
  return runtime.groups.groups().map((group) => {
    const deployments = group.deployments;
    return {
      model_group: group.name,
      providers: [...new Set(deployments.map((deployment) => deployment.provider))],
      deployment_ids: [...group.ids],
      mode: deployments.find((deployment) => deployment.mode !== undefined)?.mode,
      max_input_tokens: maxOf(deployments.map((deployment) => deployment.maxInputTokens)),
      max_output_tokens: maxOf(deployments.map(maxOutputTokens)),
      input_cost_per_token: deployments.find((deployment) => deployment.inputCost !== undefined)?.inputCost,
      output_cost_per_token: deployments.find((deployment) => deployment.outputCost !== undefined)
        ?.outputCost,
      tpm: sumOf(deployments.map((deployment) => deployment.tpm)),
      rpm: sumOf(deployments.map((deployment) => deployment.rpm)),
      aliases: [...runtime.groups.aliasesOf(group.name)],
    };
  });
}
