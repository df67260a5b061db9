import { randomUUID } from "node:crypto";
import { InternalServerError } from "../../errors/index.js";
import type { ChatCompletion, ChatCompletionChoice, ToolCall, Usage } from "../../openai/types.js";
import type { RepairContext, UpstreamTarget } from "../types.js";
import { countOf, isRecord, type OllamaChatResponse, type OllamaGenerateResponse } from "./wire.js";

/** A call id where Ollama gave none (older servers never do). */
export function newToolCallId(): string {
  return `call_${randomUUID().replaceAll("-", "").slice(0, 24)}`;
}

export function newCompletionId(prefix: "chatcmpl-" | "cmpl-"): string {
  return `${prefix}${randomUUID().replaceAll("-", "")}`;
}

/** Ollama's `created_at` (RFC 3339) in seconds, else now. */
export function createdOf(createdAt: unknown): number {
  const milliseconds = typeof createdAt === "string" ? Date.parse(createdAt) : Number.NaN;
  return Math.floor((Number.isNaN(milliseconds) ? Date.now() : milliseconds) / 1000);
}

/** `done_reason` -> finish_reason: "length" stays, tool calls win, anything else (stop, load, unload) is "stop". */
export function toOpenAIFinishReason(doneReason: unknown, hasToolCalls: boolean): string {
  if (hasToolCalls) return "tool_calls";
  return doneReason === "length" ? "length" : "stop";
}

export function toOpenAIUsage(body: { prompt_eval_count?: unknown; eval_count?: unknown }): Usage {
  const prompt = countOf(body.prompt_eval_count);
  const completion = countOf(body.eval_count);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** Ollama's tool call (arguments an object) -> OpenAI's (arguments as JSON text, an id). */
export function toOpenAIToolCall(toolCall: unknown): ToolCall | undefined {
  if (!isRecord(toolCall) || !isRecord(toolCall.function)) return undefined;
  const fn = toolCall.function;
  const args = fn.arguments;
  return {
    id: typeof toolCall.id === "string" && toolCall.id !== "" ? toolCall.id : newToolCallId(),
    type: "function",
    function: {
      name: typeof fn.name === "string" ? fn.name : "",
      arguments: typeof args === "string" ? args : JSON.stringify(args ?? {}),
    },
  };
}

/**
 * Content with the reasoning of models that write it inline (`<think>...</think>` first, as older
 * Ollama servers send deepseek-r1's) split off, as LiteLLM does.
 */
export function splitThinkTags(content: string): { content: string; reasoning: string | undefined } {
  const match = /^\s*<think>([\s\S]*?)<\/think>\s*/.exec(content);
  if (match === null) return { content, reasoning: undefined };
  return { content: content.slice(match[0].length), reasoning: match[1]?.trim() };
}

function notAnAnswer(target: UpstreamTarget, body: unknown): InternalServerError {
  return new InternalServerError({
    message: `${target.providerId} answered with something that is not an Ollama answer: ${JSON.stringify(body).slice(0, 200)}`,
    provider: target.providerId,
    model: target.model,
    body,
  });
}

/** What an answer says, from /api/chat's `message` or /api/generate's `response`. */
function readAnswer(body: OllamaChatResponse & OllamaGenerateResponse, target: UpstreamTarget) {
  if (isRecord(body.message)) {
    const { message } = body;
    return {
      text: typeof message.content === "string" ? message.content : "",
      thinking: typeof message.thinking === "string" ? message.thinking : "",
      toolCalls: (Array.isArray(message.tool_calls) ? message.tool_calls : [])
        .map(toOpenAIToolCall)
        .filter((call): call is ToolCall => call !== undefined),
    };
  }
  if (typeof body.response === "string" || body.done === true) {
    return {
      text: typeof body.response === "string" ? body.response : "",
      thinking: typeof body.thinking === "string" ? body.thinking : "",
      toolCalls: [],
    };
  }
  throw notAnAnswer(target, body);
}

/** An /api/chat or /api/generate answer (`stream: false`) -> an OpenAI chat completion. */
export function fromOllamaChatResponse(body: unknown, { target }: RepairContext): ChatCompletion {
  if (!isRecord(body)) throw notAnAnswer(target, body);
  const answer = body as OllamaChatResponse & OllamaGenerateResponse;
  const { text, thinking, toolCalls } = readAnswer(answer, target);
  const split = thinking === "" ? splitThinkTags(text) : { content: text, reasoning: thinking };
  const message: ChatCompletionChoice["message"] = {
    role: "assistant",
    content: split.content === "" && toolCalls.length > 0 ? null : split.content,
    refusal: null,
  };
  if (split.reasoning !== undefined && split.reasoning !== "") message.reasoning_content = split.reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: newCompletionId("chatcmpl-"),
    object: "chat.completion",
    created: createdOf(answer.created_at),
    model: typeof answer.model === "string" && answer.model !== "" ? answer.model : target.model,
    choices: [
      {
        index: 0,
        message,
        finish_reason: toOpenAIFinishReason(answer.done_reason, toolCalls.length > 0),
        logprobs: null,
      },
    ],
    usage: toOpenAIUsage(answer),
  };
}
