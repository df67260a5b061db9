import { useState } from "preact/hooks";
import { type DeploymentRow, get, type HealthEndpoint, type HealthReport } from "../api";
import { ErrorText } from "../components/form";
import { messageOf, useLoad } from "../components/load";
import { Page } from "../components/modal";
import { dateTime, milliseconds } from "../format";

interface HealthResult {
  healthy: boolean;
  error?: string;
}

/** The health report by deployment id. */
export function healthById(report: HealthReport): Map<string, HealthResult> {
  const results = new Map<string, HealthResult>();
  const idOf = (endpoint: HealthEndpoint) => String(endpoint.model_id ?? "");
  for (const endpoint of report.healthy_endpoints) results.set(idOf(endpoint), { healthy: true });
  for (const endpoint of report.unhealthy_endpoints) {
    results.set(idOf(endpoint), { healthy: false, error: String(endpoint.error ?? "unhealthy") });
  }
  return results;
}

function providerOf(deployment: DeploymentRow): string {
  const provider = deployment.model_info.litellm_provider;
  if (typeof provider === "string") return provider;
  const model = String(deployment.litellm_params.model ?? "");
  return model.includes("/") ? model.slice(0, model.indexOf("/")) : "—";
}

function stateOf(deployment: DeploymentRow, now: number): string {
  const until = deployment.state.cooldown_until;
  return until !== null && until > now ? `Cooling down until ${dateTime(until)}` : "Serving";
}

export function ModelsPage() {
  const deployments = useLoad(() => get<{ data: DeploymentRow[] }>("/model/info"), []);
  const [health, setHealth] = useState<Map<string, HealthResult> | undefined>(undefined);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const check = async () => {
    setChecking(true);
    setError(undefined);
    try {
      setHealth(healthById(await get<HealthReport>("/health")));
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setChecking(false);
      deployments.reload();
    }
  };
  const now = Date.now();
  return (
    <Page title="Models" dialog={null}>
      <p>
        <button type="button" aria-busy={checking} onClick={check}>
          Run health check
        </button>{" "}
        <button type="button" class="secondary" onClick={deployments.reload}>
          Refresh
        </button>
      </p>
      <ErrorText error={deployments.error ?? error} />
      <div class="overflow-auto">
        <table class="striped">
          <thead>
            <tr>
              <th scope="col">Model group</th>
              <th scope="col">Deployment</th>
              <th scope="col">Provider</th>
              <th scope="col">Upstream model</th>
              <th scope="col">API base</th>
              <th scope="col">State</th>
              <th scope="col">In flight</th>
              <th scope="col">Latency</th>
              <th scope="col">Health</th>
            </tr>
          </thead>
          <tbody aria-busy={deployments.loading}>
            {(deployments.data?.data ?? []).map((deployment) => {
              const result = health?.get(deployment.model_info.id);
              return (
                <tr key={deployment.model_info.id}>
                  <td>{deployment.model_name}</td>
                  <td>
                    <code>{deployment.model_info.id}</code>
                  </td>
                  <td>{providerOf(deployment)}</td>
                  <td>{String(deployment.litellm_params.model ?? "—")}</td>
                  <td>{String(deployment.litellm_params.api_base ?? "default")}</td>
                  <td>{stateOf(deployment, now)}</td>
                  <td>{deployment.state.in_flight}</td>
                  <td>{milliseconds(deployment.state.latency_ms)}</td>
                  <td>
                    {result === undefined ? (
                      "not checked"
                    ) : result.healthy ? (
                      "Healthy"
                    ) : (
                      <span class="error" title={result.error}>
                        Unhealthy: {result.error}
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Page>
  );
}
