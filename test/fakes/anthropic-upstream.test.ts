/** The fake Anthropic API checked against Anthropic's own SDK: it must speak what the real server speaks. */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeAnthropic, startFakeAnthropic } from "./anthropic-upstream.js";

const API_KEY = "sk-ant-fake-key";
let fake: FakeAnthropic;
let client: Anthropic;

beforeAll(async () => {
  fake = await startFakeAnthropic({ apiKey: API_KEY });
  client = new Anthropic({ apiKey: API_KEY, baseURL: fake.url, maxRetries: 0 });
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => fake.clear());

const weatherTool = {
  name: "get_weather",
  description: "Weather of a city",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};

describe("the fake Anthropic API, through @anthropic-ai/sdk", () => {
  it("answers messages.create with a message the SDK reads, and records the SDK's request", async () => {
    const message = await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      system: "Be brief.",
      messages: [{ role: "user", content: "Hello there" }],
    });
    expect(message.type).toBe("message");
    expect(message.content).toEqual([{ type: "text", text: "echo: Hello there" }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    const request = fake.requests[0];
    expect(request?.path).toBe("/v1/messages");
    // @anthropic-ai/sdk 1.x sends the key as a bearer token, with its own (newer) API version.
    expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request?.headers["anthropic-version"]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("streams events that messages.stream assembles into the same message", async () => {
    const stream = client.messages.stream({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      messages: [{ role: "user", content: "Stream me" }],
    });
    let text = "";
    stream.on("text", (piece) => {
      text += piece;
    });
    const message = await stream.finalMessage();
    expect(text).toBe("echo: Stream me");
    expect(message.content).toEqual([{ type: "text", text: "echo: Stream me" }]);
    expect(message.stop_reason).toBe("end_turn");
  });

  it("calls tools, non-streamed and streamed, with input that fits the schema", async () => {
    const params = {
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      tools: [weatherTool],
      messages: [{ role: "user" as const, content: "Weather in Paris?" }],
    };
    const message = await client.messages.create(params);
    expect(message.stop_reason).toBe("tool_use");
    const toolUse = message.content.find((block) => block.type === "tool_use");
    expect(toolUse).toMatchObject({ name: "get_weather", input: { city: "example" } });
    const streamed = await client.messages.stream(params).finalMessage();
    expect(streamed.content.find((block) => block.type === "tool_use")).toMatchObject({
      input: { city: "example" },
    });
    const answered = await client.messages.create({
      ...params,
      messages: [
        ...params.messages,
        { role: "assistant", content: message.content },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: (toolUse as { id: string }).id, content: "18C" }],
        },
      ],
    });
    expect(answered.content).toEqual([{ type: "text", text: 'tool results: "18C"' }]);
  });

  it("streams thinking and its signature when thinking is enabled", async () => {
    const message = await client.messages
      .stream({
        model: "claude-sonnet-4-5",
        max_tokens: 3000,
        thinking: { type: "enabled", budget_tokens: 1024 },
        messages: [{ role: "user", content: "Think" }],
      })
      .finalMessage();
    expect(message.content[0]).toMatchObject({ type: "thinking", thinking: "Thinking about: Think" });
    expect((message.content[0] as { signature: string }).signature).toMatch(/^sig-/);
  });

  it("answers errors the SDK raises as its own classes", async () => {
    const base = { model: "m", max_tokens: 10, messages: [{ role: "user" as const, content: "x" }] };
    const wrongKey = new Anthropic({ apiKey: "sk-wrong", baseURL: fake.url, maxRetries: 0 });
    await expect(wrongKey.messages.create(base)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    fake.enqueue({
      kind: "error",
      status: 429,
      type: "rate_limit_error",
      message: "slow down",
      headers: { "retry-after": "3" },
    });
    await expect(client.messages.create(base)).rejects.toBeInstanceOf(Anthropic.RateLimitError);
    fake.enqueue({ kind: "error", status: 529, type: "overloaded_error", message: "Overloaded" });
    await expect(client.messages.create(base)).rejects.toBeInstanceOf(Anthropic.InternalServerError);
    const invalid = client.messages.create({ ...base, messages: [{ role: "user", content: "" }] });
    await expect(invalid).rejects.toBeInstanceOf(Anthropic.BadRequestError);
  });

  it("sends a mid-stream error event that the SDK's stream throws", async () => {
    fake.enqueue({ kind: "stream-error", text: "Partial", type: "overloaded_error", message: "Overloaded" });
    const stream = client.messages.stream({
      model: "m",
      max_tokens: 10,
      messages: [{ role: "user", content: "x" }],
    });
    await expect(stream.finalMessage()).rejects.toThrow(/Overloaded/);
  });
});
