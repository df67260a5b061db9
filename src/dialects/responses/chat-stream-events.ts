import type {
  ResponseItem,
  ResponseObject,
  ResponseStreamEvent,
  ResponsesRequest,
} from "../../openai/responses.js";
import type { ChatCompletionChunk, Usage } from "../../openai/types.js";
import type { ResponseIdSource } from "./ids.js";
import { createResponseShell, reasoningItem, statusOfFinish, toResponseUsage } from "./response-shell.js";

/** Chat chunks in, Responses stream events out; `flush` ends the stream with response.completed. */
export interface ResponseEventTransformer {
  push(chunk: ChatCompletionChunk): ResponseStreamEvent[];
  flush(): ResponseStreamEvent[];
  /** The stream broke: response.failed with this error (after response.created when none was sent). */
  fail(error: { code: string; message: string }): ResponseStreamEvent[];
  /** The response as it stands: final once flush() ran. */
  readonly response: ResponseObject;
}

interface OpenItem {
  kind: "reasoning" | "message" | "function_call";
  outputIndex: number;
  item: Record<string, unknown> & { id: string };
  text: string;
}

interface ToolCallDelta {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

/**
 * The documented event sequence from chat chunks: response.created and response.in_progress, then
 * per output item output_item.added, its content events, output_item.done; at the end
 * response.completed (or response.incomplete when cut by max_output_tokens). Every event carries
 * its sequence_number. Reasoning text, the message text and each tool call are one item each.
 */
export function createResponseEventTransformer(
  request: ResponsesRequest,
  ids: ResponseIdSource,
): ResponseEventTransformer {
  const response = createResponseShell(request, {
    id: ids.newId("resp"),
    createdAt: ids.now(),
    model: request.model,
    status: "in_progress",
  });
  let sequence = 0;
  let hasStarted = false;
  let finishReason: string | null = null;
  let usage: Usage | undefined;
  let current: OpenItem | undefined;
  /** Tool calls by their chunk index; they stay open until the stream ends (servers may interleave). */
  const toolCalls = new Map<number, OpenItem>();
  const event = (type: string, fields: Record<string, unknown>): ResponseStreamEvent => ({
    type,
    sequence_number: sequence++,
    ...fields,
  });
  const snapshot = (): ResponseObject => ({ ...response, output: [...response.output] });

  const start = (events: ResponseStreamEvent[]) => {
    if (hasStarted) return;
    hasStarted = true;
    events.push(event("response.created", { response: snapshot() }));
    events.push(event("response.in_progress", { response: snapshot() }));
  };
  const open = (kind: OpenItem["kind"], item: OpenItem["item"], events: ResponseStreamEvent[]): OpenItem => {
    const opened: OpenItem = { kind, outputIndex: response.output.length, item, text: "" };
    response.output.push(item as ResponseItem);
    events.push(event("response.output_item.added", { output_index: opened.outputIndex, item: { ...item } }));
    return opened;
  };
  const where = (open: OpenItem) => ({ item_id: open.item.id, output_index: open.outputIndex });

  const close = (open: OpenItem, events: ResponseStreamEvent[]) => {
    if (open.kind === "message") {
      const part = { type: "output_text", text: open.text, annotations: [], logprobs: [] };
      events.push(
        event("response.output_text.done", {
          ...where(open),
          content_index: 0,
          text: open.text,
          logprobs: [],
        }),
      );
      events.push(event("response.content_part.done", { ...where(open), content_index: 0, part }));
      open.item.content = [part];
    } else if (open.kind === "reasoning") {
      events.push(
        event("response.reasoning_text.done", { ...where(open), content_index: 0, text: open.text }),
      );
      events.push(
        event("response.content_part.done", {
          ...where(open),
          content_index: 0,
          part: { type: "reasoning_text", text: open.text },
        }),
      );
      Object.assign(open.item, reasoningItem(open.item.id, open.text, "completed"));
    } else {
      open.item.arguments = open.text;
      events.push(
        event("response.function_call_arguments.done", {
          ...where(open),
          name: open.item.name,
          arguments: open.text,
        }),
      );
    }
    open.item.status = "completed";
    response.output[open.outputIndex] = open.item as ResponseItem;
    events.push(
      event("response.output_item.done", { output_index: open.outputIndex, item: { ...open.item } }),
    );
  };
  const closeCurrent = (events: ResponseStreamEvent[]) => {
    if (current !== undefined) close(current, events);
    current = undefined;
  };

  const addText = (kind: "reasoning" | "message", delta: string, events: ResponseStreamEvent[]) => {
    if (current?.kind !== kind) {
      closeCurrent(events);
      if (kind === "message") {
        current = open(
          "message",
          { type: "message", id: ids.newId("msg"), status: "in_progress", role: "assistant", content: [] },
          events,
        );
        events.push(
          event("response.content_part.added", {
            ...where(current),
            content_index: 0,
            part: { type: "output_text", text: "", annotations: [], logprobs: [] },
          }),
        );
      } else {
        current = open(
          "reasoning",
          { type: "reasoning", id: ids.newId("rs"), summary: [], content: [], status: "in_progress" },
          events,
        );
        events.push(
          event("response.content_part.added", {
            ...where(current),
            content_index: 0,
            part: { type: "reasoning_text", text: "" },
          }),
        );
      }
    }
    current.text += delta;
    const type = kind === "message" ? "response.output_text.delta" : "response.reasoning_text.delta";
    const extra = kind === "message" ? { logprobs: [] } : {};
    events.push(event(type, { ...where(current), content_index: 0, delta, ...extra }));
  };

  const addToolCall = (delta: ToolCallDelta, events: ResponseStreamEvent[]) => {
    const index = typeof delta.index === "number" ? delta.index : toolCalls.size;
    let call = toolCalls.get(index);
    if (call === undefined) {
      closeCurrent(events);
      call = open(
        "function_call",
        {
          type: "function_call",
          id: ids.newId("fc"),
          call_id: typeof delta.id === "string" ? delta.id : ids.newId("call"),
          name: delta.function?.name ?? "",
          arguments: "",
          status: "in_progress",
        },
        events,
      );
      toolCalls.set(index, call);
    } else if (typeof delta.function?.name === "string" && call.item.name === "") {
      call.item.name = delta.function.name;
    }
    const args = delta.function?.arguments;
    if (typeof args === "string" && args !== "") {
      call.text += args;
      events.push(event("response.function_call_arguments.delta", { ...where(call), delta: args }));
    }
  };

  return {
    response,
    push(chunk) {
      const events: ResponseStreamEvent[] = [];
      if (!hasStarted && typeof chunk.model === "string" && chunk.model !== "") response.model = chunk.model;
      start(events);
      if (chunk.usage !== undefined && chunk.usage !== null) usage = chunk.usage;
      const choice = chunk.choices?.[0];
      if (choice === undefined) return events;
      const delta = choice.delta ?? {};
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (typeof reasoning === "string" && reasoning !== "") addText("reasoning", reasoning, events);
      if (typeof delta.content === "string" && delta.content !== "")
        addText("message", delta.content, events);
      if (Array.isArray(delta.tool_calls))
        for (const call of delta.tool_calls as ToolCallDelta[]) addToolCall(call, events);
      if (choice.finish_reason !== null && choice.finish_reason !== undefined)
        finishReason = choice.finish_reason;
      return events;
    },
    flush() {
      const events: ResponseStreamEvent[] = [];
      start(events);
      closeCurrent(events);
      for (const call of toolCalls.values()) if (call.item.status !== "completed") close(call, events);
      const { status, incompleteDetails } = statusOfFinish(finishReason);
      response.status = status;
      response.incomplete_details = incompleteDetails;
      if (usage !== undefined) response.usage = toResponseUsage(usage);
      const type = status === "incomplete" ? "response.incomplete" : "response.completed";
      events.push(event(type, { response: snapshot() }));
      return events;
    },
    fail(error) {
      const events: ResponseStreamEvent[] = [];
      start(events);
      response.status = "failed";
      response.error = error;
      if (usage !== undefined) response.usage = toResponseUsage(usage);
      events.push(event("response.failed", { response: snapshot() }));
      return events;
    },
  };
}
