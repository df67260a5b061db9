import { describe, expect, it } from "vitest";
import { allKnownKeys, knownKeysBySection } from "./known-keys.js";
import {
  allowedFailsPolicySchema,
  deploymentSchema,
  generalSettingsSchema,
  litellmParamsSchema,
  litellmSettingsSchema,
  llmgateConfigSchema,
  retryPolicySchema,
  routerSettingsSchema,
} from "./schema.js";
import { cacheParamsSchema } from "./schema-cache.js";

const schemaBySection = {
  "": llmgateConfigSchema,
  "model_list[]": deploymentSchema,
  "model_list[].litellm_params": litellmParamsSchema,
  router_settings: routerSettingsSchema,
  "router_settings.retry_policy": retryPolicySchema,
  "router_settings.allowed_fails_policy": allowedFailsPolicySchema,
  litellm_settings: litellmSettingsSchema,
  "litellm_settings.cache_params": cacheParamsSchema,
  general_settings: generalSettingsSchema,
} as const;

describe("known keys", () => {
  it("has a schema for every section and the schema validates exactly the implemented keys", () => {
    expect(Object.keys(knownKeysBySection).sort()).toEqual(Object.keys(schemaBySection).sort());
    for (const [pattern, schema] of Object.entries(schemaBySection)) {
      const keys = knownKeysBySection[pattern];
      expect([...(keys?.implemented ?? [])].sort(), pattern).toEqual(Object.keys(schema.shape).sort());
    }
  });

  it("lists each key once per section", () => {
    for (const [pattern, keys] of Object.entries(knownKeysBySection)) {
      const all = allKnownKeys(keys);
      expect(new Set(all).size, pattern).toBe(all.length);
    }
  });
});
