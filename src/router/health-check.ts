import { LlmgateError } from "../errors/index.js";
import type { Operation } from "../providers/types.js";
import type { CallParams } from "../sdk/types.js";
import type { Deployment } from "./deployment.js";
import { withoutSecrets } from "./deployment-info.js";
import type { RouterRuntime } from "./runtime.js";

export interface HealthCheckOptions {
  /** Only this model group (a configured `model_name`). */
  modelName?: string | undefined;
  /** Seconds per check; default 30. */
  timeout?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** A deployment in a health report: its public params, never a secret. */
export type HealthEndpoint = Record<string, unknown> & {
  model_name: string;
  model_id: string;
  model: string;
};

export interface HealthReport {
  healthy_endpoints: HealthEndpoint[];
  unhealthy_endpoints: (HealthEndpoint & { error: string; status: number | undefined })[];
}

const DEFAULT_TIMEOUT_SECONDS = 30;
const PROBE_TEXT = "ping";

/** The tiniest request of the deployment's mode; undefined for modes llmgate cannot call. */
function probeOf(
  deployment: Deployment,
): { operation: Operation; request: Record<string, unknown> } | undefined {
  switch (deployment.mode ?? "chat") {
    case "chat":
      return {
        operation: "chat",
        request: { messages: [{ role: "user", content: PROBE_TEXT }], max_tokens: 1 },
      };
    case "completion":
      return { operation: "completions", request: { prompt: PROBE_TEXT, max_tokens: 1 } };
    case "embedding":
      return { operation: "embeddings", request: { input: PROBE_TEXT } };
    default:
      return undefined;
  }
}

async function check(runtime: RouterRuntime, deployment: Deployment, options: HealthCheckOptions) {
  const probe = probeOf(deployment);
  if (probe === undefined) return undefined;
  const endpoint: HealthEndpoint = {
    ...withoutSecrets(deployment.config.litellm_params),
    model_name: deployment.modelName,
    model_id: deployment.id,
    model: deployment.model,
  };
  const params = {
    ...probe.request,
    ...deployment.callDefaults,
    model: deployment.model,
    max_retries: 0,
    timeout: options.timeout ?? deployment.timeout ?? DEFAULT_TIMEOUT_SECONDS,
    signal: options.signal,
  } as CallParams<Operation>;
  try {
    const result = await runtime.call(probe.operation, params, { env: runtime.env });
    if (result.kind === "stream") result.stream.abort();
    return { healthy: true as const, endpoint };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const status = LlmgateError.is(error) ? error.status : undefined;
    return { healthy: false as const, endpoint: { ...endpoint, error: message, status } };
  }
}

/**
 * Calls every deployment (or those of one group) once with a tiny request, in parallel, bypassing
 * routing, retries and cooldowns. Wildcard deployments are skipped: they have no model to ask.
 */
export async function checkHealth(
  runtime: RouterRuntime,
  options: HealthCheckOptions = {},
): Promise<HealthReport> {
  const deployments = runtime.groups
    .groups()
    .filter((group) => options.modelName === undefined || group.name === options.modelName)
    .flatMap((group) => group.deployments)
    .filter((deployment) => !deployment.model.includes("*"));
  const results = await Promise.all(deployments.map((deployment) => check(runtime, deployment, options)));
  const report: HealthReport = { healthy_endpoints: [], unhealthy_endpoints: [] };
  for (const result of results) {
    if (result === undefined) continue;
    if (result.healthy) report.healthy_endpoints.push(result.endpoint);
    else report.unhealthy_endpoints.push(result.endpoint);
  }
  return report;
}
