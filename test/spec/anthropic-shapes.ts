/**
 * Anthropic Messages API shapes as JSON Schemas (from https://docs.anthropic.com/en/api/messages and
 * .../messages-streaming), checked with ajv, plus the documented order of a stream's events:
 * message_start, then per block content_block_start / content_block_delta* / content_block_stop
 * (indexes 0, 1, ...), then message_delta and message_stop; `ping` anywhere after message_start.
 */
import { Ajv2020 } from "ajv/dist/2020.js";

const usage = {
  type: "object",
  required: ["input_tokens", "output_tokens"],
  properties: {
    input_tokens: { type: "integer", minimum: 0 },
    output_tokens: { type: "integer", minimum: 0 },
    cache_creation_input_tokens: { type: ["integer", "null"], minimum: 0 },
    cache_read_input_tokens: { type: ["integer", "null"], minimum: 0 },
  },
};

const contentBlock = {
  oneOf: [
    {
      type: "object",
      required: ["type", "text"],
      properties: { type: { const: "text" }, text: { type: "string" } },
    },
    {
      type: "object",
      required: ["type", "id", "name", "input"],
      properties: {
        type: { const: "tool_use" },
        id: { type: "string", minLength: 1 },
        name: { type: "string" },
        input: { type: "object" },
      },
    },
    {
      type: "object",
      // content_block_start carries no signature (it comes as a signature_delta); a message's block does.
      required: ["type", "thinking"],
      properties: {
        type: { const: "thinking" },
        thinking: { type: "string" },
        signature: { type: "string" },
      },
    },
  ],
};

const stopReason = {
  enum: ["end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal", null],
};

export const messageSchema = {
  type: "object",
  required: ["id", "type", "role", "content", "model", "stop_reason", "stop_sequence", "usage"],
  properties: {
    id: { type: "string", pattern: "^msg_" },
    type: { const: "message" },
    role: { const: "assistant" },
    content: { type: "array", items: contentBlock },
    model: { type: "string" },
    stop_reason: stopReason,
    stop_sequence: { type: ["string", "null"] },
    usage,
  },
};

const delta = {
  oneOf: [
    {
      type: "object",
      required: ["type", "text"],
      properties: { type: { const: "text_delta" }, text: { type: "string" } },
    },
    {
      type: "object",
      required: ["type", "partial_json"],
      properties: { type: { const: "input_json_delta" }, partial_json: { type: "string" } },
    },
    {
      type: "object",
      required: ["type", "thinking"],
      properties: { type: { const: "thinking_delta" }, thinking: { type: "string" } },
    },
    {
      type: "object",
      required: ["type", "signature"],
      properties: { type: { const: "signature_delta" }, signature: { type: "string" } },
    },
  ],
};

const index = { type: "integer", minimum: 0 };

export const streamEventSchema = {
  oneOf: [
    {
      type: "object",
      required: ["type", "message"],
      properties: { type: { const: "message_start" }, message: messageSchema },
    },
    {
      type: "object",
      required: ["type", "index", "content_block"],
      properties: { type: { const: "content_block_start" }, index, content_block: contentBlock },
    },
    {
      type: "object",
      required: ["type", "index", "delta"],
      properties: { type: { const: "content_block_delta" }, index, delta },
    },
    {
      type: "object",
      required: ["type", "index"],
      properties: { type: { const: "content_block_stop" }, index },
    },
    {
      type: "object",
      required: ["type", "delta", "usage"],
      properties: {
        type: { const: "message_delta" },
        delta: {
          type: "object",
          required: ["stop_reason"],
          properties: { stop_reason: stopReason, stop_sequence: { type: ["string", "null"] } },
        },
        usage: {
          type: "object",
          required: ["output_tokens"],
          properties: { output_tokens: { type: "integer", minimum: 0 } },
        },
      },
    },
    { type: "object", required: ["type"], properties: { type: { const: "message_stop" } } },
    { type: "object", required: ["type"], properties: { type: { const: "ping" } } },
  ],
};

export const errorSchema = {
  type: "object",
  required: ["type", "error"],
  properties: {
    type: { const: "error" },
    error: {
      type: "object",
      required: ["type", "message"],
      properties: {
        type: {
          enum: [
            "invalid_request_error",
            "authentication_error",
            "billing_error",
            "permission_error",
            "not_found_error",
            "request_too_large",
            "rate_limit_error",
            "api_error",
            "timeout_error",
            "overloaded_error",
          ],
        },
        message: { type: "string" },
      },
    },
  },
};

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validators = {
  message: ajv.compile(messageSchema),
  event: ajv.compile(streamEventSchema),
  error: ajv.compile(errorSchema),
};

/** Throws with ajv's errors when `value` is not an Anthropic message / stream event / error body. */
export function assertAnthropicShape(kind: keyof typeof validators, value: unknown): void {
  const validate = validators[kind];
  if (!validate(value)) {
    throw new Error(`not an Anthropic ${kind}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(value)}`);
  }
}

interface NamedEvent {
  /** The SSE `event:` name, when the events came over SSE. */
  event?: string | undefined;
  data: { type: string; index?: number; [field: string]: unknown };
}

/** Checks each event's shape, its SSE name, and the documented order. */
export function assertEventSequence(events: readonly NamedEvent[]): void {
  let state: "start" | "between" | "block" | "delta" | "stopped" = "start";
  let nextIndex = 0;
  let openIndex = -1;
  for (const { event, data } of events) {
    assertAnthropicShape("event", data);
    if (event !== undefined && event !== data.type) throw new Error(`event ${event} carries a ${data.type}`);
    const fail = () => {
      throw new Error(
        `${data.type} out of order (after state ${state}): ${JSON.stringify(events.map((e) => e.data.type))}`,
      );
    };
    switch (data.type) {
      case "message_start":
        if (state !== "start") fail();
        state = "between";
        break;
      case "ping":
        if (state === "start" || state === "stopped") fail();
        break;
      case "content_block_start":
        if (state !== "between" || data.index !== nextIndex) fail();
        openIndex = nextIndex++;
        state = "block";
        break;
      case "content_block_delta":
        if (state !== "block" || data.index !== openIndex) fail();
        break;
      case "content_block_stop":
        if (state !== "block" || data.index !== openIndex) fail();
        state = "between";
        break;
      case "message_delta":
        if (state !== "between") fail();
        state = "delta";
        break;
      case "message_stop":
        if (state !== "delta") fail();
        state = "stopped";
        break;
      default:
        fail();
    }
  }
  if (state !== "stopped") throw new Error(`the stream did not end with message_stop (state ${state})`);
}
