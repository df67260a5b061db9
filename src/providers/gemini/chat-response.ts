import { randomBytes } from "node:crypto";
import { ContentPolicyViolationError, InternalServerError } from "../../errors/index.js";
import type { ChatCompletion, ChatCompletionChoice, ToolCall, Usage } from "../../openai/types.js";
import type { RepairContext, UpstreamTarget } from "../types.js";
import { createToolCallId } from "./tool-call-ids.js";
import {
  countOf,
  type GeminiCandidate,
  type GeminiGenerateContentResponse,
  type GeminiUsageMetadata,
  isRecord,
} from "./wire.js";

/** Gemini's `finishReason` -> OpenAI's; absent ones (OTHER, MALFORMED_FUNCTION_CALL...) are "stop". */
const FINISH_REASONS: Readonly<Record<string, string>> = {
  STOP: "stop",
  MAX_TOKENS: "length",
  SAFETY: "content_filter",
  RECITATION: "content_filter",
  BLOCKLIST: "content_filter",
  PROHIBITED_CONTENT: "content_filter",
  SPII: "content_filter",
  IMAGE_SAFETY: "content_filter",
  IMAGE_PROHIBITED_CONTENT: "content_filter",
};

export function toOpenAIFinishReason(finishReason: string | undefined, hasToolCalls: boolean): string {
  const reason = (finishReason === undefined ? undefined : FINISH_REASONS[finishReason]) ?? "stop";
  return reason === "stop" && hasToolCalls ? "tool_calls" : reason;
}

/**
 * Gemini's usageMetadata -> OpenAI's usage: completion tokens include the thinking tokens (as
 * OpenAI counts reasoning), reported apart as `reasoning_tokens`; cached content is `cached_tokens`.
 */
export function toOpenAIUsage(usage: GeminiUsageMetadata | undefined): Usage {
  const prompt = countOf(usage?.promptTokenCount) + countOf(usage?.toolUsePromptTokenCount);
  const thoughts = countOf(usage?.thoughtsTokenCount);
  const completion = countOf(usage?.candidatesTokenCount) + thoughts;
  const result: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: countOf(usage?.cachedContentTokenCount) },
  };
  if (thoughts > 0) result.completion_tokens_details = { reasoning_tokens: thoughts };
  return result;
}

/** What one candidate's parts say: text, thinking text, function calls. */
export interface CandidateContent {
  text: string;
  hasText: boolean;
  reasoning: string;
  toolCalls: ToolCall[];
}

export function readCandidate(candidate: GeminiCandidate): CandidateContent {
  const content: CandidateContent = { text: "", hasText: false, reasoning: "", toolCalls: [] };
  for (const part of candidate.content?.parts ?? []) {
    if (!isRecord(part)) continue;
    if (isRecord(part.functionCall) && typeof part.functionCall.name === "string") {
      const signature = typeof part.thoughtSignature === "string" ? part.thoughtSignature : undefined;
      content.toolCalls.push({
        id: createToolCallId(signature),
        type: "function",
        function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
      });
    } else if (typeof part.text === "string" && part.thought === true) {
      content.reasoning += part.text;
    } else if (typeof part.text === "string") {
      content.text += part.text;
      content.hasText = true;
    }
  }
  return content;
}

/** A prompt Gemini refused outright (`promptFeedback.blockReason`, no candidates). */
export function promptBlockedError(
  body: GeminiGenerateContentResponse,
  target: UpstreamTarget,
): ContentPolicyViolationError | undefined {
  const reason = body.promptFeedback?.blockReason;
  if (typeof reason !== "string" || (Array.isArray(body.candidates) && body.candidates.length > 0))
    return undefined;
  const detail = body.promptFeedback?.blockReasonMessage;
  return new ContentPolicyViolationError({
    message: `${target.providerId} error from ${target.model}: the prompt was blocked (${reason})${typeof detail === "string" ? `: ${detail}` : ""}`,
    provider: target.providerId,
    model: target.model,
    body,
  });
}

function notAnAnswer(what: string, target: UpstreamTarget): InternalServerError {
  return new InternalServerError({
    message: `${target.providerId} answered with ${what}, not a GenerateContentResponse`,
    provider: target.providerId,
    model: target.model,
  });
}

/** `logprobsResult` -> OpenAI's `logprobs.content`, when Gemini sent it. */
function logprobsOf(candidate: GeminiCandidate): unknown {
  const chosen = candidate.logprobsResult?.chosenCandidates;
  if (!Array.isArray(chosen)) return null;
  const tops = candidate.logprobsResult?.topCandidates ?? [];
  return {
    content: chosen.map((token, position) => ({
      token: token.token ?? "",
      logprob: token.logProbability ?? 0,
      bytes: null,
      top_logprobs: (tops[position]?.candidates ?? []).map((top) => ({
        token: top.token ?? "",
        logprob: top.logProbability ?? 0,
        bytes: null,
      })),
    })),
    refusal: null,
  };
}

export function createCompletionId(responseId: string | undefined): string {
  return typeof responseId === "string" && responseId !== ""
    ? `chatcmpl-${responseId}`
    : `chatcmpl-${randomBytes(12).toString("hex")}`;
}

/**
 * A GenerateContentResponse -> an OpenAI chat completion: one choice per candidate (text parts
 * joined as `content`, thought parts as `reasoning_content`, functionCall parts as `tool_calls`
 * with ids made up), the finish reason and usage mapped. A blocked prompt is a
 * ContentPolicyViolationError.
 */
export function fromGeminiResponse(body: unknown, call: RepairContext): ChatCompletion {
  const { target } = call;
  if (!isRecord(body)) throw notAnAnswer("a body that is not an object", target);
  const answer = body as GeminiGenerateContentResponse;
  const blocked = promptBlockedError(answer, target);
  if (blocked !== undefined) throw blocked;
  if (!Array.isArray(answer.candidates)) throw notAnAnswer("no candidates", target);
  const choices: ChatCompletionChoice[] = answer.candidates.map((candidate, position) => {
    const content = readCandidate(candidate);
    const message: ChatCompletionChoice["message"] = {
      role: "assistant",
      content: content.hasText || content.toolCalls.length === 0 ? content.text : null,
      refusal: null,
    };
    if (content.toolCalls.length > 0) message.tool_calls = content.toolCalls;
    if (content.reasoning !== "") message.reasoning_content = content.reasoning;
    return {
      index: typeof candidate.index === "number" ? candidate.index : position,
      message,
      finish_reason: toOpenAIFinishReason(candidate.finishReason, content.toolCalls.length > 0),
      logprobs: logprobsOf(candidate),
    };
  });
  return {
    id: createCompletionId(answer.responseId),
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: target.model,
    choices,
    usage: toOpenAIUsage(answer.usageMetadata),
  };
}
