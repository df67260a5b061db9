import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assertDocumentedEvent } from "../../../test/e2e/responses-schemas.js";
import { assertMatchesOpenAISchema } from "../../../test/spec/openai-schemas.js";
import type { ResponseStreamEvent, ResponsesRequest } from "../../openai/responses.js";
import type { ChatCompletionChunk } from "../../openai/types.js";
import { createResponseEventTransformer } from "./chat-stream-events.js";
import { createCountingIdSource } from "./ids.js";

function chunks(name: string): ChatCompletionChunk[] {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line));
}

function run(name: string, request: ResponsesRequest = { model: "group", input: "x" }) {
  const transformer = createResponseEventTransformer(request, createCountingIdSource());
  const events: ResponseStreamEvent[] = [];
  for (const chunk of chunks(name)) events.push(...transformer.push(chunk));
  events.push(...transformer.flush());
  for (const event of events) assertDocumentedEvent(event);
  expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
  return { events, response: transformer.response };
}

describe("createResponseEventTransformer", () => {
  it("streams reasoning then text in the documented order and completes with usage", () => {
    const { events } = run("chat-stream-text.jsonl");
    expect(events.map((event) => event.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.reasoning_text.delta",
      "response.reasoning_text.delta",
      "response.reasoning_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events[0]).toMatchObject({ response: { id: "resp_1", status: "in_progress", output: [] } });
    expect(events[13]).toMatchObject({
      item_id: "msg_3",
      output_index: 1,
      content_index: 0,
      text: "Hello world",
    });
    const completed = events[16] as ResponseStreamEvent & { response: Record<string, unknown> };
    assertMatchesOpenAISchema("Response", completed.response);
    expect(completed.response).toMatchObject({
      id: "resp_1",
      status: "completed",
      model: "qwen",
      output: [
        { type: "reasoning", id: "rs_2", content: [{ type: "reasoning_text", text: "Thinking." }] },
        {
          type: "message",
          id: "msg_3",
          status: "completed",
          content: [{ type: "output_text", text: "Hello world" }],
        },
      ],
      usage: { input_tokens: 7, output_tokens: 4, total_tokens: 11 },
    });
  });

  it("streams each tool call as a function_call item with its argument deltas", () => {
    const { events, response } = run("chat-stream-tools.jsonl");
    expect(events.map((event) => event.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events[7]).toMatchObject({ item_id: "fc_2", name: "get_weather", arguments: '{"city":"Paris"}' });
    expect(response.output).toEqual([
      {
        type: "function_call",
        id: "fc_2",
        call_id: "call_p",
        name: "get_weather",
        arguments: '{"city":"Paris"}',
        status: "completed",
      },
      {
        type: "function_call",
        id: "fc_3",
        call_id: "call_q",
        name: "get_time",
        arguments: "{}",
        status: "completed",
      },
    ]);
    expect(response.usage?.input_tokens_details.cached_tokens).toBe(4);
  });

  it("ends with response.incomplete when cut by max_output_tokens", () => {
    const { events, response } = run("chat-stream-length.jsonl", {
      model: "g",
      input: "x",
      max_output_tokens: 1,
    });
    expect(events.at(-1)?.type).toBe("response.incomplete");
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
  });

  it("fails with response.failed carrying the error, after response.created", () => {
    const transformer = createResponseEventTransformer({ model: "g", input: "x" }, createCountingIdSource());
    const events = transformer.fail({ code: "server_error", message: "upstream broke" });
    for (const event of events) assertDocumentedEvent(event);
    expect(events.map((event) => event.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.failed",
    ]);
    expect(events[2]).toMatchObject({
      response: { status: "failed", error: { code: "server_error", message: "upstream broke" } },
    });
  });
});
