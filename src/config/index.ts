export { ConfigError, type ConfigIssue } from "./errors.js";
export { type LoadedConfig, loadConfig, type ParseConfigOptions, parseConfig } from "./load.js";
export {
  type DeploymentConfig,
  deploymentSchema,
  type GeneralSettings,
  generalSettingsSchema,
  type LitellmParams,
  type LitellmSettings,
  type LlmgateConfig,
  litellmParamsSchema,
  litellmSettingsSchema,
  llmgateConfigSchema,
  type ModelInfo,
  type RouterSettings,
  type RoutingStrategy,
  routerSettingsSchema,
} from "./schema.js";
export { type CacheParams, cacheParamsSchema } from "./schema-cache.js";
