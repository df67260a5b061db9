/**
 * Gemini API payloads (ai.google.dev/api/generate-content, the same on Vertex AI's
 * publishers/google models), only the fields we write or read. Answers are read leniently: every
 * field may be missing, and unknown fields are ignored. Google's JSON accepts a field under its
 * proto name or its camelCase name; we write the names LiteLLM writes.
 */

export const GEMINI_DEFAULT_API_BASE = "https://generativelanguage.googleapis.com";

/**
 * On a body built by toGeminiRequest: whether the client asked for a stream's usage chunk
 * (`stream_options.include_usage`), which Gemini has no field for. A symbol key is not serialized
 * and survives `{...body}`.
 */
export const INCLUDE_STREAM_USAGE: unique symbol = Symbol.for("llmgate.gemini.includeStreamUsage");

/** On an embeddings body: the `encoding_format` the client asked for (Gemini always answers floats). */
export const ENCODING_FORMAT: unique symbol = Symbol.for("llmgate.gemini.encodingFormat");

export interface GeminiFunctionCall {
  name: string;
  args?: Record<string, unknown>;
  id?: string;
}

export interface GeminiPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inline_data?: { mimeType: string; data: string };
  file_data?: { mimeType?: string; fileUri: string };
  functionCall?: GeminiFunctionCall;
  functionResponse?: { name: string; response: Record<string, unknown> };
  [field: string]: unknown;
}

export interface GeminiContent {
  role: "user" | "model";
  parts: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

export interface GeminiTool {
  functionDeclarations?: GeminiFunctionDeclaration[];
  [field: string]: unknown;
}

export interface GeminiToolConfig {
  functionCallingConfig: { mode: "AUTO" | "NONE" | "ANY"; allowedFunctionNames?: string[] };
}

export interface GeminiThinkingConfig {
  thinkingBudget?: number;
  includeThoughts?: boolean;
  [field: string]: unknown;
}

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  candidateCount?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseLogprobs?: boolean;
  logprobs?: number;
  responseMimeType?: string;
  responseSchema?: Record<string, unknown>;
  thinkingConfig?: GeminiThinkingConfig;
  [field: string]: unknown;
}

export interface GeminiGenerateContentRequest {
  contents: GeminiContent[];
  system_instruction?: { parts: GeminiPart[] };
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  generationConfig?: GeminiGenerationConfig;
  safetySettings?: unknown[];
  [field: string | symbol]: unknown;
}

export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  totalTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
  toolUsePromptTokenCount?: number;
}

export interface GeminiLogprobsCandidate {
  token?: string;
  logProbability?: number;
}

export interface GeminiCandidate {
  index?: number;
  content?: { role?: string; parts?: GeminiPart[] };
  finishReason?: string;
  logprobsResult?: {
    chosenCandidates?: GeminiLogprobsCandidate[];
    topCandidates?: { candidates?: GeminiLogprobsCandidate[] }[];
  };
}

export interface GeminiGenerateContentResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
}

/** Google's error body: `{"error": {"code": 429, "message": "...", "status": "RESOURCE_EXHAUSTED", "details": [...]}}`. */
export interface GoogleErrorBody {
  error?: { code?: number; message?: string; status?: string; details?: unknown[] };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A token count as Google sends it: a non-negative number, else 0. */
export function countOf(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
}
