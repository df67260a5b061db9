import type {
  ResponseFunctionTool,
  ResponseItem,
  ResponseObject,
  ResponseStatus,
  ResponsesRequest,
  ResponseTool,
  ResponseUsage,
} from "../../openai/responses.js";
import type { Usage } from "../../openai/types.js";

/** A response object's fields that echo the request, with OpenAI's defaults for those not given. */
export function createResponseShell(
  request: ResponsesRequest,
  fields: { id: string; createdAt: number; model: string; status: ResponseStatus },
): ResponseObject {
  const format = request.text?.format;
  return {
    id: fields.id,
    object: "response",
    created_at: fields.createdAt,
    status: fields.status,
    error: null,
    incomplete_details: null,
    instructions: typeof request.instructions === "string" ? request.instructions : null,
    max_output_tokens: typeof request.max_output_tokens === "number" ? request.max_output_tokens : null,
    model: fields.model,
    output: [],
    parallel_tool_calls: request.parallel_tool_calls !== false,
    previous_response_id:
      typeof request.previous_response_id === "string" ? request.previous_response_id : null,
    reasoning: {
      effort: typeof request.reasoning?.effort === "string" ? request.reasoning.effort : null,
      summary: typeof request.reasoning?.summary === "string" ? request.reasoning.summary : null,
    },
    store: request.store !== false,
    temperature: typeof request.temperature === "number" ? request.temperature : 1,
    text: { format: format !== undefined && format !== null ? format : { type: "text" } },
    tool_choice: request.tool_choice ?? "auto",
    // The tools the target got: on a chat target, functions only.
    tools: Array.isArray(request.tools) ? request.tools.filter(isFunctionTool).map(echoedTool) : [],
    top_p: typeof request.top_p === "number" ? request.top_p : 1,
    truncation: "disabled",
    ...(typeof request.user === "string" ? { user: request.user } : {}),
    metadata: request.metadata ?? {},
  };
}

function isFunctionTool(tool: ResponseTool): boolean {
  return tool.type === "function";
}

/** A function tool as the API echoes it (every field present); other tools as they came. */
function echoedTool(tool: ResponseTool): ResponseTool {
  if (tool.type !== "function") return tool;
  const { description, parameters, strict } = tool as ResponseFunctionTool;
  return {
    ...tool,
    description: description ?? null,
    parameters: parameters ?? null,
    strict: strict ?? true,
  };
}

/** Chat usage -> Responses usage (cached and reasoning tokens where the upstream gave them). */
export function toResponseUsage(usage: Usage): ResponseUsage {
  const cached = usage.prompt_tokens_details?.cached_tokens;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: typeof cached === "number" ? cached : 0, cache_write_tokens: 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: typeof reasoning === "number" ? reasoning : 0 },
    total_tokens: usage.total_tokens ?? usage.prompt_tokens + usage.completion_tokens,
  };
}

/** Responses usage -> chat usage, as spend and rate limits count it. */
export function toChatUsage(usage: ResponseUsage): Usage {
  return {
    prompt_tokens: usage.input_tokens,
    completion_tokens: usage.output_tokens,
    total_tokens: usage.total_tokens,
    prompt_tokens_details: { cached_tokens: usage.input_tokens_details?.cached_tokens ?? 0 },
  };
}

/** A chat finish reason -> the response's status and why it is incomplete. */
export function statusOfFinish(finishReason: string | null | undefined): {
  status: ResponseStatus;
  incompleteDetails: { reason: string } | null;
} {
  if (finishReason === "length")
    return { status: "incomplete", incompleteDetails: { reason: "max_output_tokens" } };
  if (finishReason === "content_filter")
    return { status: "incomplete", incompleteDetails: { reason: "content_filter" } };
  return { status: "completed", incompleteDetails: null };
}

/** The text a model reasoned with, as chat servers send it (`reasoning_content`, or `reasoning`). */
export function reasoningTextOf(message: Record<string, unknown> | undefined): string | undefined {
  if (message === undefined) return undefined;
  for (const key of ["reasoning_content", "reasoning"]) {
    const value = message[key];
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}

export function reasoningItem(id: string, text: string, status: string): ResponseItem {
  return { type: "reasoning", id, summary: [], content: [{ type: "reasoning_text", text }], status };
}
