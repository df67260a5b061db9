import { randomBytes } from "node:crypto";
import { InternalServerError } from "../../errors/index.js";
import type { ChatCompletion, ToolCall, Usage } from "../../openai/types.js";
import type { RepairContext } from "../types.js";
import { callStateOf } from "./chat-request.js";
import {
  asCount,
  asString,
  type ConverseOutputBlock,
  type ConverseResponse,
  type ConverseUsage,
  isRecord,
} from "./wire.js";

/** Converse's stopReason -> OpenAI's finish_reason. */
const FINISH_REASONS: Readonly<Record<string, string>> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  model_context_window_exceeded: "length",
  tool_use: "tool_calls",
  guardrail_intervened: "content_filter",
  content_filtered: "content_filter",
};

export function toFinishReason(stopReason: unknown): string {
  return typeof stopReason === "string" ? (FINISH_REASONS[stopReason] ?? "stop") : "stop";
}

/**
 * Converse usage -> OpenAI's: prompt tokens count the cache reads and writes too (Bedrock's
 * inputTokens leaves them out), cache reads are also `cached_tokens`, and LiteLLM's
 * `cache_creation_input_tokens` / `cache_read_input_tokens` are kept for spend.
 */
export function toUsage(usage: ConverseUsage | null | undefined): Usage {
  const cacheRead = asCount(usage?.cacheReadInputTokens);
  const cacheWrite = asCount(usage?.cacheWriteInputTokens);
  const promptTokens = asCount(usage?.inputTokens) + cacheRead + cacheWrite;
  const completionTokens = asCount(usage?.outputTokens);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cacheRead },
    ...(cacheWrite > 0 ? { cache_creation_input_tokens: cacheWrite } : {}),
    ...(cacheRead > 0 ? { cache_read_input_tokens: cacheRead } : {}),
  };
}

export function newCompletionId(): string {
  return `chatcmpl-${randomBytes(12).toString("hex")}`;
}

interface ReadMessage {
  text: string;
  reasoning: string;
  thinkingBlocks: Array<Record<string, unknown>>;
  toolCalls: ToolCall[];
  /** The input of the response_format tool, when the model called it. */
  json: string | undefined;
}

function readBlocks(blocks: readonly ConverseOutputBlock[], jsonToolName: string | undefined): ReadMessage {
  const read: ReadMessage = { text: "", reasoning: "", thinkingBlocks: [], toolCalls: [], json: undefined };
  for (const block of blocks) {
    if (typeof block.text === "string") read.text += block.text;
    const toolUse = block.toolUse;
    if (isRecord(toolUse)) {
      const name = asString(toolUse.name) ?? "";
      const input = JSON.stringify(toolUse.input ?? {});
      if (jsonToolName !== undefined && name === jsonToolName && read.json === undefined) read.json = input;
      else
        read.toolCalls.push({
          id: asString(toolUse.toolUseId) ?? "",
          type: "function",
          function: { name, arguments: input },
        });
    }
    const reasoning = block.reasoningContent;
    if (isRecord(reasoning)) {
      const reasoningText = isRecord(reasoning.reasoningText) ? reasoning.reasoningText : undefined;
      if (reasoningText !== undefined) {
        const text = asString(reasoningText.text) ?? "";
        read.reasoning += text;
        const signature = asString(reasoningText.signature);
        read.thinkingBlocks.push({
          type: "thinking",
          thinking: text,
          ...(signature === undefined ? {} : { signature }),
        });
      } else if (typeof reasoning.redactedContent === "string") {
        read.thinkingBlocks.push({ type: "redacted_thinking", data: reasoning.redactedContent });
      }
    }
  }
  return read;
}

/**
 * A Converse answer -> a chat.completion: text blocks are the content, toolUse blocks tool calls
 * (the response_format tool's input the content instead), reasoning blocks `reasoning_content`
 * and LiteLLM's `thinking_blocks` (with their signatures, for the next turn).
 */
export function fromConverseResponse(body: unknown, { target, sent }: RepairContext): ChatCompletion {
  const response = (isRecord(body) ? body : {}) as ConverseResponse;
  const message = isRecord(response.output) ? response.output.message : undefined;
  if (!isRecord(message) || !Array.isArray(message.content)) {
    throw new InternalServerError({
      message: `bedrock answered without output.message: ${JSON.stringify(body).slice(0, 300)}`,
      provider: target.providerId,
      model: target.model,
      body,
    });
  }
  const blocks = message.content.filter(isRecord) as ConverseOutputBlock[];
  const read = readBlocks(blocks, callStateOf(sent).jsonToolName);
  let finishReason = toFinishReason(response.stopReason);
  if (read.json !== undefined && read.toolCalls.length === 0 && finishReason === "tool_calls")
    finishReason = "stop";
  const content = read.json ?? (read.text === "" && read.toolCalls.length > 0 ? null : read.text);
  return {
    id: newCompletionId(),
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: target.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content,
          refusal: null,
          ...(read.toolCalls.length > 0 ? { tool_calls: read.toolCalls } : {}),
          ...(read.thinkingBlocks.length > 0
            ? { reasoning_content: read.reasoning, thinking_blocks: read.thinkingBlocks }
            : {}),
        },
        finish_reason: finishReason,
        logprobs: null,
      },
    ],
    usage: toUsage(response.usage),
  };
}
