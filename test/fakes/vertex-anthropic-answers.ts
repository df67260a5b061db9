/**
 * Anthropic on Vertex AI (`publishers/anthropic/models/<m>:rawPredict` and `:streamRawPredict`) as
 * the fake Google upstream answers it: Vertex takes an Anthropic Messages body without `model` and
 * with `anthropic_version: "vertex-2023-10-16"`, and answers Anthropic's message or SSE events.
 * The fake Bedrock's InvokeModel for Claude uses the same, with `bedrock-2023-05-31`.
 */

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export const VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16";

function anthropicError(type: string, message: string): Json {
  return { type: "error", error: { type, message } };
}

/** Vertex's (or Bedrock's, with its version) checks of an Anthropic body: the error body, or undefined. */
export function rawPredictProblem(body: Json, version = VERTEX_ANTHROPIC_VERSION): Json | undefined {
  if (body.anthropic_version !== version) {
    return anthropicError("invalid_request_error", `anthropic_version: Input should be '${version}'`);
  }
  if (body.model !== undefined)
    return anthropicError("invalid_request_error", "model: Extra inputs are not permitted");
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return anthropicError("invalid_request_error", "messages: Field required");
  }
  if (typeof body.max_tokens !== "number")
    return anthropicError("invalid_request_error", "max_tokens: Field required");
  return undefined;
}

function lastUserText(body: Json): string {
  const messages = Array.isArray(body.messages) ? body.messages.filter(isObject) : [];
  const last = [...messages].reverse().find((message) => message.role === "user");
  if (typeof last?.content === "string") return last.content;
  const blocks = Array.isArray(last?.content) ? last.content.filter(isObject) : [];
  return blocks.map((block) => (typeof block.text === "string" ? block.text : "")).join(" ");
}

function isAnsweringTool(body: Json): boolean {
  const messages = Array.isArray(body.messages) ? body.messages.filter(isObject) : [];
  const content = messages.at(-1)?.content;
  return Array.isArray(content) && content.some((block) => isObject(block) && block.type === "tool_result");
}

/** The message: a call of the first tool when tools were given (and not answered yet), else an echo. */
export function rawPredictAnswer(body: Json, model: string, sequence: number, tag = "vrtx"): Json {
  const tools = Array.isArray(body.tools) ? body.tools.filter(isObject) : [];
  const tool = isAnsweringTool(body) ? undefined : tools[0];
  const content: Json[] =
    tool === undefined
      ? [{ type: "text", text: `Echo: ${lastUserText(body)}` }]
      : [{ type: "tool_use", id: `toolu_${tag}_${sequence}`, name: tool.name, input: { city: "Paris" } }];
  return {
    id: `msg_${tag}_${sequence}`,
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: tool === undefined ? "end_turn" : "tool_use",
    stop_sequence: null,
    usage: { input_tokens: 11, output_tokens: 5 },
  };
}

/** The same message as Anthropic's SSE events (`event:` + `data:`). */
export function rawPredictEvents(message: Json): { event: string; data: Json }[] {
  const { content, stop_reason, usage, ...head } = message;
  const blocks = Array.isArray(content) ? content.filter(isObject) : [];
  const events: { event: string; data: Json }[] = [
    {
      event: "message_start",
      data: {
        type: "message_start",
        message: { ...head, content: [], stop_reason: null, usage: { input_tokens: 11, output_tokens: 1 } },
      },
    },
  ];
  for (const [index, block] of blocks.entries()) {
    if (block.type === "text") {
      events.push({
        event: "content_block_start",
        data: { type: "content_block_start", index, content_block: { type: "text", text: "" } },
      });
      for (const piece of String(block.text).match(/\S+\s*/g) ?? []) {
        events.push({
          event: "content_block_delta",
          data: { type: "content_block_delta", index, delta: { type: "text_delta", text: piece } },
        });
      }
    } else {
      events.push({
        event: "content_block_start",
        data: { type: "content_block_start", index, content_block: { ...block, input: {} } },
      });
      const json = JSON.stringify(block.input);
      const middle = Math.floor(json.length / 2);
      for (const piece of [json.slice(0, middle), json.slice(middle)]) {
        events.push({
          event: "content_block_delta",
          data: {
            type: "content_block_delta",
            index,
            delta: { type: "input_json_delta", partial_json: piece },
          },
        });
      }
    }
    events.push({ event: "content_block_stop", data: { type: "content_block_stop", index } });
  }
  events.push({
    event: "message_delta",
    data: {
      type: "message_delta",
      delta: { stop_reason, stop_sequence: null },
      usage: { output_tokens: isObject(usage) ? usage.output_tokens : 0 },
    },
  });
  events.push({ event: "message_stop", data: { type: "message_stop" } });
  return events;
}
