/**
 * Wordings that OpenAI-compatible servers use when a request does not fit the model's context
 * window. Matched against the lowercased upstream message, only as a last resort: a status that
 * allows it (see `errors.ts`) and no telling body field. A string is a substring; a RegExp is
 * tested as is. Each row names where the wording was seen; each has a test quoting a full message.
 */
export interface ContextWindowPattern {
  /** Who answers with this wording. */
  seenIn: string;
  /** Lowercase substring, or a regular expression over the lowercased message. */
  match: string | RegExp;
}

export const CONTEXT_WINDOW_PATTERNS: readonly ContextWindowPattern[] = [
  { seenIn: "OpenAI, vLLM, OpenRouter, DeepSeek, most proxies", match: "maximum context length" },
  { seenIn: "OpenAI, Azure, vLLM, Groq", match: "please reduce the length of the messages" },
  { seenIn: "sglang, Together", match: "is longer than the model's context length" },
  { seenIn: "sglang, vLLM-style servers", match: /exceeds (?:the )?model's maximum context length/ },
  { seenIn: "vLLM engine", match: "is longer than the maximum model length" },
  { seenIn: "llama.cpp server", match: "exceeds the available context size" },
  { seenIn: "llama.cpp server, LM Studio", match: "context size has been exceeded" },
  { seenIn: "TGI, Hugging Face endpoints", match: "tokens + `max_new_tokens` must be <=" },
  { seenIn: "TGI", match: /`inputs` must have less than \d+ tokens/ },
  { seenIn: "Mistral", match: /too large for model with \d+ maximum context length/ },
  { seenIn: "Anthropic through a compatible endpoint", match: "prompt is too long" },
  { seenIn: "Ollama", match: "prompt too long; exceeded max context length" },
  { seenIn: "Ollama embeddings", match: "input length exceeds the context length" },
  { seenIn: "Gemini OpenAI-compatible endpoint", match: "exceeds the maximum number of tokens allowed" },
  { seenIn: "Moonshot Kimi", match: "exceeded model token limit" },
  { seenIn: "generic", match: "exceeds the context window" },
  { seenIn: "generic", match: /context (?:length|window) (?:has been |was |is )?exceeded/ },
  { seenIn: "Azure OpenAI", match: "the input or output tokens must be reduced" },
  { seenIn: "Anthropic-style servers", match: "exceed context limit" },
  { seenIn: "vLLM", match: /is too long and exceeds (?:the )?limit of/ },
  {
    seenIn: "OpenAI (string_above_max_length)",
    match: "string too long. expected a string with maximum length",
  },
  { seenIn: "LM Studio", match: "the model is loaded with context length of only" },
  { seenIn: "Azure, proxies that echo the code", match: "context_length_exceeded" },
];

/** Whether an upstream message says the request did not fit the model's context window. */
export function isContextWindowMessage(message: string): boolean {
  const text = message.toLowerCase();
  return CONTEXT_WINDOW_PATTERNS.some(({ match }) =>
    typeof match === "string" ? text.includes(match) : match.test(text),
  );
}
