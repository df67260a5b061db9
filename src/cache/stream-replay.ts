/**
 * A cached answer asked for with `stream: true`: the chunks a stream of it would have had, built
 * from the stored body (pure: data in, data out). Per choice one chunk with the whole message and
 * one with its finish reason; then, when the client asked for it, the usage chunk.
 */

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function choicesOf(body: JsonObject): JsonObject[] {
  return Array.isArray(body.choices) ? body.choices.filter(isObject) : [];
}

/** A chat message as a delta: tool calls get their `index`; absent and null fields stay out. */
function deltaOf(message: JsonObject): JsonObject {
  const delta: JsonObject = { role: typeof message.role === "string" ? message.role : "assistant" };
  for (const [field, value] of Object.entries(message)) {
    if (field === "role" || value === null || value === undefined) continue;
    if (field === "tool_calls" && Array.isArray(value)) {
      delta.tool_calls = value.filter(isObject).map((call, index) => ({ index, ...call }));
    } else delta[field] = value;
  }
  if (!("content" in delta) && delta.tool_calls === undefined && delta.function_call === undefined)
    delta.content = "";
  return delta;
}

function headOf(body: JsonObject, object: string): JsonObject {
  const head: JsonObject = { id: body.id, object, created: body.created, model: body.model };
  if (body.system_fingerprint !== undefined) head.system_fingerprint = body.system_fingerprint;
  if (body.service_tier !== undefined && object === "chat.completion.chunk")
    head.service_tier = body.service_tier;
  return head;
}

/** The chunks of a stored `chat.completion`. */
export function chatCompletionChunksOf(body: JsonObject, includeUsage: boolean): JsonObject[] {
  const head = headOf(body, "chat.completion.chunk");
  const usageField = includeUsage ? { usage: null } : {};
  const chunks: JsonObject[] = [];
  for (const [position, choice] of choicesOf(body).entries()) {
    const index = typeof choice.index === "number" ? choice.index : position;
    const message = isObject(choice.message) ? choice.message : {};
    const logprobs = isObject(choice.logprobs) ? choice.logprobs : null;
    chunks.push({
      ...head,
      choices: [{ index, delta: deltaOf(message), logprobs, finish_reason: null }],
      ...usageField,
    });
    chunks.push({
      ...head,
      choices: [{ index, delta: {}, logprobs: null, finish_reason: choice.finish_reason ?? "stop" }],
      ...usageField,
    });
  }
  if (includeUsage && isObject(body.usage)) chunks.push({ ...head, choices: [], usage: body.usage });
  return chunks;
}

/** The chunks of a stored `text_completion`. */
export function textCompletionChunksOf(body: JsonObject, includeUsage: boolean): JsonObject[] {
  const head = headOf(body, "text_completion");
  const usageField = includeUsage ? { usage: null } : {};
  const chunks: JsonObject[] = [];
  for (const [position, choice] of choicesOf(body).entries()) {
    const index = typeof choice.index === "number" ? choice.index : position;
    const text = typeof choice.text === "string" ? choice.text : "";
    chunks.push({
      ...head,
      choices: [{ index, text, logprobs: choice.logprobs ?? null, finish_reason: null }],
      ...usageField,
    });
    chunks.push({
      ...head,
      choices: [{ index, text: "", logprobs: null, finish_reason: choice.finish_reason ?? "stop" }],
      ...usageField,
    });
  }
  if (includeUsage && isObject(body.usage)) chunks.push({ ...head, choices: [], usage: body.usage });
  return chunks;
}
