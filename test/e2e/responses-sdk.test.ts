import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Router, responses } from "../../src/index.js";
import type { ResponseItem, ResponseStreamEvent } from "../../src/openai/responses.js";
import { type FakeResponsesUpstream, startFakeResponsesUpstream } from "../fakes/responses-upstream.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { assertMatchesOpenAISchema } from "../spec/openai-schemas.js";
import { assertDocumentedEvent } from "./responses-schemas.js";

let chat: FakeUpstream;
let native: FakeResponsesUpstream;

beforeAll(async () => {
  chat = await startFakeUpstream();
  native = await startFakeResponsesUpstream();
});
afterAll(async () => {
  await chat.close();
  await native.close();
});
beforeEach(() => {
  chat.clear();
  native.requests.length = 0;
});

const weatherTool = {
  type: "function" as const,
  name: "get_weather",
  description: "Weather of a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  strict: true,
};

describe("responses() in the SDK", () => {
  it("runs a tool round trip through a chat completions provider", async () => {
    chat.script({
      kind: "json",
      body: {
        id: "chatcmpl-t",
        object: "chat.completion",
        created: 1,
        model: "qwen",
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content: null,
              tool_calls: [
                {
                  id: "call_1",
                  type: "function",
                  function: { name: "get_weather", arguments: '{"city":"Paris"}' },
                },
              ],
            },
            finish_reason: "tool_calls",
            logprobs: null,
          },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      },
    });
    const first = await responses({
      model: "hosted_vllm/qwen",
      api_base: chat.baseUrl,
      input: "weather in Paris?",
      tools: [weatherTool],
    });
    assertMatchesOpenAISchema("Response", first);
    const call = first.output.find((item) => item.type === "function_call") as ResponseItem & {
      call_id: string;
    };
    expect(call).toMatchObject({ call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' });
    const second = await responses({
      model: "hosted_vllm/qwen",
      api_base: chat.baseUrl,
      input: [
        { role: "user", content: "weather in Paris?" },
        ...first.output,
        { type: "function_call_output", call_id: call.call_id, output: "18C" },
      ],
      tools: [weatherTool],
    });
    expect(chat.requests[1]?.body).toMatchObject({
      messages: [
        { role: "user", content: "weather in Paris?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_1",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "18C" },
      ],
      tools: [{ type: "function", function: { name: "get_weather", strict: true } }],
    });
    expect(second.status).toBe("completed");
  });

  it("streams Responses events from a chat stream", async () => {
    const stream = await responses({
      model: "hosted_vllm/qwen",
      api_base: chat.baseUrl,
      input: "a b c",
      stream: true,
    });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    for (const event of events) assertDocumentedEvent(event);
    expect(events.at(-1)).toMatchObject({ type: "response.completed", response: { status: "completed" } });
  });

  it("sends a request natively when asked for the responses mode, and refuses previous_response_id without a store", async () => {
    const response = await responses(
      { model: "openai/gpt-x", api_base: native.baseUrl, api_key: "sk-n", input: "hi" },
      { deploymentMode: "responses" },
    );
    expect(response.output).toHaveLength(1);
    expect(native.requests[0]?.body).toMatchObject({ model: "gpt-x", input: "hi" });
    await expect(
      responses({
        model: "hosted_vllm/qwen",
        api_base: chat.baseUrl,
        input: "x",
        previous_response_id: "resp_1",
      }),
    ).rejects.toMatchObject({ status: 400, param: "previous_response_id" });
  });
});

describe("Router.responses()", () => {
  it("routes by model group: native for mode responses, translated for the others", async () => {
    const router = new Router({
      model_list: [
        {
          model_name: "native",
          litellm_params: { model: "openai/gpt-x", api_base: native.baseUrl, api_key: "k" },
          model_info: { mode: "responses" },
        },
        { model_name: "chat", litellm_params: { model: "hosted_vllm/qwen", api_base: chat.baseUrl } },
      ],
    });
    const viaNative = await router.responses({ model: "native", input: "one" });
    const viaChat = await router.responses({ model: "chat", input: "two" });
    expect(native.requests).toHaveLength(1);
    expect(chat.requests).toHaveLength(1);
    expect(viaNative.id).toMatch(/^resp_native_/);
    expect(viaChat.output[0]).toMatchObject({
      type: "message",
      content: [{ type: "output_text", text: "echo: two" }],
    });
    await router.close();
  });
});
