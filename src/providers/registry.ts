import { createOpenAICompatibleProvider, OPENAI_COMPATIBLE_PRESETS } from "./openai-compatible/index.js";
import type { ProviderDefinition } from "./types.js";

/** Provider id -> definition. A provider that needs its own code adds one line here. */
export const PROVIDERS: ReadonlyMap<string, ProviderDefinition> = new Map(
  OPENAI_COMPATIBLE_PRESETS.map((preset) => [preset.id, createOpenAICompatibleProvider(preset)]),
);

/** The provider a bare model name (`gpt-4o`) means. */
export const DEFAULT_PROVIDER_ID = "openai";
