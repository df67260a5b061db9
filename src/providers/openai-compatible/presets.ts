/**
 * OpenAI-compatible vendors as data: one row each. A row says where the vendor lives, which
 * environment variables hold its key and base URL, and whether a key is required.
 */
export interface OpenAICompatiblePreset {
  /** The prefix users write: `<id>/<model>`. */
  id: string;
  /** Used when neither the call nor the environment gives an api_base. */
  defaultApiBase: string | undefined;
  apiKeyEnv: readonly string[];
  apiBaseEnv: readonly string[];
  organizationEnv: readonly string[];
  /** The default api_base refuses calls without a key: fail before sending one. */
  isKeyRequiredAtDefaultBase: boolean;
  /** Chat calls go to `/completions` with the messages as a prompt (LiteLLM's text-completion-openai). */
  isTextCompletionOnly: boolean;
}

function preset(
  row: Partial<OpenAICompatiblePreset> & Pick<OpenAICompatiblePreset, "id">,
): OpenAICompatiblePreset {
  return {
    defaultApiBase: undefined,
    apiKeyEnv: [],
    apiBaseEnv: [],
    organizationEnv: [],
    isKeyRequiredAtDefaultBase: row.defaultApiBase !== undefined,
    isTextCompletionOnly: false,
    ...row,
  };
}

const OPENAI = {
  defaultApiBase: "https://api.openai.com/v1",
  apiKeyEnv: ["OPENAI_API_KEY"],
  apiBaseEnv: ["OPENAI_BASE_URL", "OPENAI_API_BASE"],
  organizationEnv: ["OPENAI_ORGANIZATION"],
} as const;

export const OPENAI_COMPATIBLE_PRESETS = [
  preset({ id: "openai", ...OPENAI }),
  preset({ id: "text-completion-openai", ...OPENAI, isTextCompletionOnly: true }),
  preset({
    id: "custom_openai",
    apiKeyEnv: ["OPENAI_API_KEY"],
    apiBaseEnv: ["OPENAI_BASE_URL", "OPENAI_API_BASE"],
  }),
  preset({ id: "hosted_vllm", apiKeyEnv: ["HOSTED_VLLM_API_KEY"], apiBaseEnv: ["HOSTED_VLLM_API_BASE"] }),
  preset({
    id: "llamafile",
    defaultApiBase: "http://127.0.0.1:8080/v1",
    apiKeyEnv: ["LLAMAFILE_API_KEY"],
    apiBaseEnv: ["LLAMAFILE_API_BASE"],
    isKeyRequiredAtDefaultBase: false,
  }),
  preset({
    id: "lm_studio",
    defaultApiBase: "http://127.0.0.1:1234/v1",
    apiKeyEnv: ["LM_STUDIO_API_KEY"],
    apiBaseEnv: ["LM_STUDIO_API_BASE"],
    isKeyRequiredAtDefaultBase: false,
  }),
  preset({
    id: "groq",
    defaultApiBase: "https://api.groq.com/openai/v1",
    apiKeyEnv: ["GROQ_API_KEY"],
    apiBaseEnv: ["GROQ_API_BASE"],
  }),
  preset({
    id: "mistral",
    defaultApiBase: "https://api.mistral.ai/v1",
    apiKeyEnv: ["MISTRAL_API_KEY"],
    apiBaseEnv: ["MISTRAL_API_BASE"],
  }),
  preset({
    id: "deepseek",
    defaultApiBase: "https://api.deepseek.com/v1",
    apiKeyEnv: ["DEEPSEEK_API_KEY"],
    apiBaseEnv: ["DEEPSEEK_API_BASE"],
  }),
  preset({
    id: "openrouter",
    defaultApiBase: "https://openrouter.ai/api/v1",
    apiKeyEnv: ["OPENROUTER_API_KEY"],
    apiBaseEnv: ["OPENROUTER_API_BASE"],
  }),
  preset({
    id: "together_ai",
    defaultApiBase: "https://api.together.xyz/v1",
    apiKeyEnv: ["TOGETHERAI_API_KEY", "TOGETHER_API_KEY"],
    apiBaseEnv: ["TOGETHERAI_API_BASE"],
  }),
  preset({
    id: "fireworks_ai",
    defaultApiBase: "https://api.fireworks.ai/inference/v1",
    apiKeyEnv: ["FIREWORKS_AI_API_KEY", "FIREWORKS_API_KEY"],
    apiBaseEnv: ["FIREWORKS_AI_API_BASE"],
  }),
  preset({
    id: "deepinfra",
    defaultApiBase: "https://api.deepinfra.com/v1/openai",
    apiKeyEnv: ["DEEPINFRA_API_KEY"],
    apiBaseEnv: ["DEEPINFRA_API_BASE"],
  }),
  preset({
    id: "perplexity",
    defaultApiBase: "https://api.perplexity.ai",
    apiKeyEnv: ["PERPLEXITYAI_API_KEY", "PERPLEXITY_API_KEY"],
    apiBaseEnv: ["PERPLEXITY_API_BASE"],
  }),
  preset({
    id: "xai",
    defaultApiBase: "https://api.x.ai/v1",
    apiKeyEnv: ["XAI_API_KEY"],
    apiBaseEnv: ["XAI_API_BASE"],
  }),
  preset({
    id: "cerebras",
    defaultApiBase: "https://api.cerebras.ai/v1",
    apiKeyEnv: ["CEREBRAS_API_KEY"],
    apiBaseEnv: ["CEREBRAS_API_BASE"],
  }),
  preset({
    id: "nvidia_nim",
    defaultApiBase: "https://integrate.api.nvidia.com/v1",
    apiKeyEnv: ["NVIDIA_NIM_API_KEY"],
    apiBaseEnv: ["NVIDIA_NIM_API_BASE"],
  }),
] as const satisfies readonly OpenAICompatiblePreset[];

export type OpenAICompatibleProviderId = (typeof OPENAI_COMPATIBLE_PRESETS)[number]["id"];
