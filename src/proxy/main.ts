import type { FastifyInstance } from "fastify";
import type { DeploymentConfig, LlmgateConfig } from "../config/index.js";
import { Router } from "../router/index.js";
import { createApp } from "./app.js";

export interface ProxyOptions {
  /** Quick mode (`--model`): every request goes to this model. */
  forcedModel?: string | undefined;
  logLevel?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

export interface Proxy {
  app: FastifyInstance;
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

/** `litellm_settings.drop_params` applies to every deployment that does not say otherwise. */
function withGlobalDefaults(config: LlmgateConfig): DeploymentConfig[] {
  const dropParams = config.litellm_settings.drop_params;
  if (dropParams === undefined) return config.model_list;
  return config.model_list.map((deployment) =>
    deployment.litellm_params.drop_params === undefined
      ? { ...deployment, litellm_params: { ...deployment.litellm_params, drop_params: dropParams } }
      : deployment,
  );
}

/** Builds the dependencies from a validated config and assembles the server (not yet listening). */
export function createProxy(config: LlmgateConfig, options: ProxyOptions = {}): Proxy {
  const router = new Router(
    {
      model_list: withGlobalDefaults(config),
      router_settings: config.router_settings,
      litellm_settings: config.litellm_settings,
    },
    { env: options.env ?? process.env },
  );
  const app = createApp({ config, router, forcedModel: options.forcedModel, logLevel: options.logLevel });
  return {
    app,
    listen: (port, host) => app.listen({ port, host }),
    close: () => app.close(),
  };
}
