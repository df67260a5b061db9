/** Responses stream events checked against the OpenAI spec's schema of their own type. */
import { expect } from "vitest";
import type { ResponseStreamEvent } from "../../src/openai/responses.js";
import { assertMatchesOpenAISchema } from "../spec/openai-schemas.js";

/** The spec's schema of each event type (validating against the whole union only says "no match"). */
const EVENT_SCHEMAS: Record<string, string> = {
  "response.created": "ResponseCreatedEvent",
  "response.in_progress": "ResponseInProgressEvent",
  "response.completed": "ResponseCompletedEvent",
  "response.incomplete": "ResponseIncompleteEvent",
  "response.failed": "ResponseFailedEvent",
  "response.output_item.added": "ResponseOutputItemAddedEvent",
  "response.output_item.done": "ResponseOutputItemDoneEvent",
  "response.content_part.added": "ResponseContentPartAddedEvent",
  "response.content_part.done": "ResponseContentPartDoneEvent",
  "response.output_text.delta": "ResponseTextDeltaEvent",
  "response.output_text.done": "ResponseTextDoneEvent",
  "response.reasoning_text.delta": "ResponseReasoningTextDeltaEvent",
  "response.reasoning_text.done": "ResponseReasoningTextDoneEvent",
  "response.function_call_arguments.delta": "ResponseFunctionCallArgumentsDeltaEvent",
  "response.function_call_arguments.done": "ResponseFunctionCallArgumentsDoneEvent",
};

export function assertDocumentedEvent(event: ResponseStreamEvent): void {
  const schema = EVENT_SCHEMAS[event.type];
  expect(schema, `an event type of the spec: ${event.type}`).toBeDefined();
  assertMatchesOpenAISchema(schema as string, event);
  assertMatchesOpenAISchema("ResponseStreamEvent", event);
}
