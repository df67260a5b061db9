import type { ChatCompletionChunk, ChatCompletionChunkChoice, Usage } from "../../openai/types.js";
import type { RepairContext, StreamTransformer } from "../types.js";
import {
  createCompletionId,
  promptBlockedError,
  readCandidate,
  toOpenAIFinishReason,
  toOpenAIUsage,
} from "./chat-response.js";
import { type GeminiGenerateContentResponse, INCLUDE_STREAM_USAGE, isRecord } from "./wire.js";

interface CandidateState {
  hasSentRole: boolean;
  toolCallCount: number;
}

/**
 * Gemini's stream (`streamGenerateContent?alt=sse`: each event a whole GenerateContentResponse
 * with the next piece of each candidate) -> OpenAI chunks. The first chunk of a choice carries
 * `role: "assistant"`; text and thought text become `content` and `reasoning_content` deltas; a
 * function call arrives whole and becomes one tool-call delta with its full arguments; a
 * `finishReason` becomes a chunk of its own. Gemini repeats the usage so far in every event: the
 * last one is the usage chunk, sent at the end when `stream_options.include_usage` asked for it.
 */
export function createGeminiStreamTransformer(call: RepairContext): StreamTransformer<ChatCompletionChunk> {
  const { target } = call;
  const isUsageAsked = (call.sent as { [INCLUDE_STREAM_USAGE]?: unknown })[INCLUDE_STREAM_USAGE] === true;
  const created = Math.floor(Date.now() / 1000);
  const candidates = new Map<number, CandidateState>();
  let id: string | undefined;
  let usage: Usage | undefined;

  function chunkOf(choices: ChatCompletionChunkChoice[]): ChatCompletionChunk {
    return {
      id: id ?? createCompletionId(undefined),
      object: "chat.completion.chunk",
      created,
      model: target.model,
      choices,
    };
  }

  function stateOf(index: number): CandidateState {
    let state = candidates.get(index);
    if (state === undefined) {
      state = { hasSentRole: false, toolCallCount: 0 };
      candidates.set(index, state);
    }
    return state;
  }

  return {
    push(event) {
      if (!isRecord(event)) return [];
      const answer = event as GeminiGenerateContentResponse;
      const blocked = promptBlockedError(answer, target);
      if (blocked !== undefined) throw blocked;
      id ??= createCompletionId(answer.responseId);
      if (isRecord(answer.usageMetadata)) usage = toOpenAIUsage(answer.usageMetadata);
      const chunks: ChatCompletionChunk[] = [];
      const list = Array.isArray(answer.candidates) ? answer.candidates : [];
      for (const [position, candidate] of list.entries()) {
        const index = typeof candidate.index === "number" ? candidate.index : position;
        const state = stateOf(index);
        const content = readCandidate(candidate);
        const delta: ChatCompletionChunkChoice["delta"] = {};
        if (!state.hasSentRole) delta.role = "assistant";
        if (content.reasoning !== "") delta.reasoning_content = content.reasoning;
        if (content.text !== "") delta.content = content.text;
        if (content.toolCalls.length > 0) {
          delta.tool_calls = content.toolCalls.map((toolCall) => ({
            index: state.toolCallCount++,
            ...toolCall,
          }));
        }
        if (!state.hasSentRole || Object.keys(delta).length > 0) {
          if (delta.content === undefined && delta.tool_calls === undefined) delta.content = "";
          chunks.push(chunkOf([{ index, delta, finish_reason: null }]));
          state.hasSentRole = true;
        }
        if (typeof candidate.finishReason === "string") {
          const finishReason = toOpenAIFinishReason(candidate.finishReason, state.toolCallCount > 0);
          chunks.push(chunkOf([{ index, delta: {}, finish_reason: finishReason }]));
        }
      }
      return chunks;
    },
    flush() {
      if (!isUsageAsked) return [];
      return [{ ...chunkOf([]), usage: usage ?? toOpenAIUsage(undefined) }];
    },
  };
}
