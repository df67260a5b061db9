/**
 * anthropicMessages() and Router.anthropicMessages() in the SDK (no proxy): the same provider/model
 * names and routing fields as completion(), toward an OpenAI-compatible fake and a fake Anthropic API.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AnthropicStreamEvent, anthropicMessages, BadRequestError, Router } from "../../src/index.js";
import { type FakeAnthropic, startFakeAnthropic } from "../fakes/anthropic-upstream.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { assertAnthropicShape, assertEventSequence } from "../spec/anthropic-shapes.js";

let upstream: FakeUpstream;
let fake: FakeAnthropic;

beforeAll(async () => {
  [upstream, fake] = await Promise.all([startFakeUpstream(), startFakeAnthropic({ apiKey: "sk-ant" })]);
});

afterAll(async () => {
  await Promise.all([upstream?.close(), fake?.close()]);
});

const messages = [{ role: "user" as const, content: "hello" }];

describe("anthropicMessages()", () => {
  it("answers a message from an OpenAI-compatible model", async () => {
    const message = await anthropicMessages({
      model: "openai/gpt-upstream",
      api_base: upstream.baseUrl,
      api_key: "sk-x",
      max_tokens: 10,
      messages,
    });
    assertAnthropicShape("message", message);
    expect(message.content).toEqual([{ type: "text", text: "echo: hello" }]);
  });

  it("streams Anthropic events from an anthropic/ model, natively", async () => {
    const stream = await anthropicMessages({
      model: "anthropic/claude-x",
      api_base: fake.url,
      api_key: "sk-ant",
      max_tokens: 10,
      stream: true,
      messages,
    });
    const events: AnthropicStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    assertEventSequence(events.map((data) => ({ data })));
    expect(fake.requests.at(-1)?.body).toEqual({ model: "claude-x", max_tokens: 10, stream: true, messages });
  });

  it("answers mock_response without any upstream", async () => {
    const message = await anthropicMessages({
      model: "anthropic/claude-x",
      mock_response: "mocked",
      max_tokens: 5,
      messages,
    });
    expect(message.content).toEqual([{ type: "text", text: "mocked" }]);
  });
});

describe("Router.anthropicMessages()", () => {
  it("routes a model group and falls back to another on failure", async () => {
    const router = new Router(
      {
        model_list: [
          {
            model_name: "broken",
            litellm_params: { model: "openai/x", api_base: "http://127.0.0.1:1/v1", api_key: "k" },
          },
          {
            model_name: "claude",
            litellm_params: { model: "anthropic/claude-y", api_base: fake.url, api_key: "sk-ant" },
          },
        ],
        router_settings: { num_retries: 0, fallbacks: [{ broken: ["claude"] }] },
      },
      { logger: { warn: () => undefined } },
    );
    const message = await router.anthropicMessages({ model: "broken", max_tokens: 5, messages });
    expect(message.content).toEqual([{ type: "text", text: "echo: hello" }]);
    expect(fake.requests.at(-1)?.body.model).toBe("claude-y");
    await expect(router.anthropicMessages({ model: "nope", max_tokens: 5, messages })).rejects.toBeInstanceOf(
      BadRequestError,
    );
    await router.close();
  });
});
