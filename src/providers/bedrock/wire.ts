/**
 * Bedrock's own payloads (Converse, ConverseStream, InvokeModel for embeddings): the fields we
 * write and read, no more. Answers are read leniently (every field may be absent).
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
 */

export type ConverseRole = "user" | "assistant";

export interface CachePointBlock {
  cachePoint: { type: "default" };
}

export type ImageFormat = "png" | "jpeg" | "gif" | "webp";

export type ConverseContentBlock =
  | { text: string }
  | { image: { format: ImageFormat; source: { bytes: string } | { s3Location: { uri: string } } } }
  | { document: { format: string; name: string; source: { bytes: string } } }
  | { toolUse: { toolUseId: string; name: string; input: unknown } }
  | {
      toolResult: {
        toolUseId: string;
        content: ConverseContentBlock[];
        status?: "success" | "error";
      };
    }
  | {
      reasoningContent: { reasoningText: { text: string; signature?: string } } | { redactedContent: string };
    }
  | CachePointBlock;

export interface ConverseMessage {
  role: ConverseRole;
  content: ConverseContentBlock[];
}

export type ConverseSystemBlock = { text: string } | CachePointBlock;

export interface ConverseToolSpec {
  toolSpec: { name: string; description?: string; inputSchema: { json: unknown } };
}

export type ConverseToolChoice =
  | { auto: Record<string, never> }
  | { any: Record<string, never> }
  | { tool: { name: string } };

export interface ConverseToolConfig {
  tools: Array<ConverseToolSpec | CachePointBlock>;
  toolChoice?: ConverseToolChoice;
}

export interface ConverseInferenceConfig {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
}

/** The body of `POST /model/<id>/converse` and `/converse-stream`. */
export interface ConverseRequest {
  messages: ConverseMessage[];
  system?: ConverseSystemBlock[];
  inferenceConfig?: ConverseInferenceConfig;
  toolConfig?: ConverseToolConfig;
  additionalModelRequestFields?: Record<string, unknown>;
  [field: string]: unknown;
}

/** An answer's content block, as read (all optional). */
export interface ConverseOutputBlock {
  text?: unknown;
  toolUse?: { toolUseId?: unknown; name?: unknown; input?: unknown } | null;
  reasoningContent?: {
    reasoningText?: { text?: unknown; signature?: unknown } | null;
    redactedContent?: unknown;
  } | null;
}

export interface ConverseUsage {
  inputTokens?: unknown;
  outputTokens?: unknown;
  totalTokens?: unknown;
  cacheReadInputTokens?: unknown;
  cacheWriteInputTokens?: unknown;
}

/** The answer of `/converse`. */
export interface ConverseResponse {
  output?: { message?: { role?: unknown; content?: unknown } | null } | null;
  stopReason?: unknown;
  usage?: ConverseUsage | null;
  metrics?: unknown;
  trace?: unknown;
}

/** The payloads of `/converse-stream` events, by event type. */
export interface ConverseStreamEvents {
  messageStart: { role?: unknown };
  contentBlockStart: {
    contentBlockIndex?: unknown;
    start?: { toolUse?: { toolUseId?: unknown; name?: unknown } | null } | null;
  };
  contentBlockDelta: {
    contentBlockIndex?: unknown;
    delta?: {
      text?: unknown;
      toolUse?: { input?: unknown } | null;
      reasoningContent?: { text?: unknown; signature?: unknown; redactedContent?: unknown } | null;
    } | null;
  };
  contentBlockStop: { contentBlockIndex?: unknown };
  messageStop: { stopReason?: unknown };
  metadata: { usage?: ConverseUsage | null; metrics?: unknown };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function asCount(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
}
