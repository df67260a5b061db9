import type { ResponseItem, ResponseObject, ResponsesRequest } from "../../openai/responses.js";
import type { ChatCompletion } from "../../openai/types.js";
import type { ResponseIdSource } from "./ids.js";
import {
  createResponseShell,
  reasoningItem,
  reasoningTextOf,
  statusOfFinish,
  toResponseUsage,
} from "./response-shell.js";

/** The output items of a chat answer: reasoning, then the message, then one item per tool call. */
function outputItems(completion: ChatCompletion, ids: ResponseIdSource): ResponseItem[] {
  const message = completion.choices[0]?.message;
  if (message === undefined) return [];
  const items: ResponseItem[] = [];
  const reasoning = reasoningTextOf(message as unknown as Record<string, unknown>);
  if (reasoning !== undefined) items.push(reasoningItem(ids.newId("rs"), reasoning, "completed"));
  const content: Record<string, unknown>[] = [];
  if (typeof message.content === "string" && message.content !== "")
    content.push({ type: "output_text", text: message.content, annotations: [], logprobs: [] });
  const refusal = (message as { refusal?: unknown }).refusal;
  if (typeof refusal === "string" && refusal !== "") content.push({ type: "refusal", refusal });
  if (content.length > 0) {
    items.push({ type: "message", id: ids.newId("msg"), status: "completed", role: "assistant", content });
  }
  for (const call of message.tool_calls ?? []) {
    items.push({
      type: "function_call",
      id: ids.newId("fc"),
      call_id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      status: "completed",
    });
  }
  return items;
}

/** A chat completion as the Responses API's response object. */
export function fromChatCompletion(
  completion: ChatCompletion,
  request: ResponsesRequest,
  ids: ResponseIdSource,
): ResponseObject {
  const { status, incompleteDetails } = statusOfFinish(completion.choices[0]?.finish_reason);
  const response = createResponseShell(request, {
    id: ids.newId("resp"),
    createdAt: typeof completion.created === "number" ? completion.created : ids.now(),
    model: typeof completion.model === "string" ? completion.model : request.model,
    status,
  });
  response.incomplete_details = incompleteDetails;
  response.output = outputItems(completion, ids);
  if (completion.usage !== undefined && completion.usage !== null)
    response.usage = toResponseUsage(completion.usage);
  return response;
}
