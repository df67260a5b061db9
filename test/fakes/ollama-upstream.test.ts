/** The fake Ollama server checked against the `ollama` npm package: it must speak what the real server speaks. */
import { Ollama } from "ollama";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeOllama, startFakeOllama } from "./ollama-upstream.js";

let fake: FakeOllama;
let client: Ollama;

beforeAll(async () => {
  fake = await startFakeOllama();
  client = new Ollama({ host: fake.url });
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => fake.clear());

const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather of a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

describe("the fake Ollama server, through the ollama package", () => {
  it("answers chat with a message the SDK reads, and records the request", async () => {
    const response = await client.chat({
      model: "llama3.2",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hello there" },
      ],
      options: { temperature: 0 },
    });
    expect(response.message).toEqual({ role: "assistant", content: "echo: Hello there" });
    expect(response.done).toBe(true);
    expect(response.done_reason).toBe("stop");
    expect(response.prompt_eval_count).toBeGreaterThan(0);
    expect(response.eval_count).toBeGreaterThan(0);
    const request = fake.requests[0];
    expect(request?.path).toBe("/api/chat");
    expect(request?.body).toMatchObject({ model: "llama3.2", stream: false, options: { temperature: 0 } });
  });

  it("streams chat lines the SDK iterates, the last one done with the counts", async () => {
    const stream = await client.chat({
      model: "llama3.2",
      messages: [{ role: "user", content: "Stream me, héllo 👋" }],
      stream: true,
    });
    let text = "";
    let last: { done: boolean; done_reason: string; eval_count: number } | undefined;
    for await (const part of stream) {
      text += part.message.content;
      last = part;
    }
    expect(text).toBe("echo: Stream me, héllo 👋");
    expect(last?.done).toBe(true);
    expect(last?.done_reason).toBe("stop");
    expect(last?.eval_count).toBeGreaterThan(0);
  });

  it("calls tools with object arguments, streamed and not, and takes the results back", async () => {
    const messages = [{ role: "user", content: "Weather in Paris?" }];
    const response = await client.chat({ model: "llama3.2", messages, tools: [weatherTool] });
    const call = response.message.tool_calls?.[0];
    expect(call?.function).toMatchObject({ name: "get_weather", arguments: { city: "example" } });
    const stream = await client.chat({ model: "llama3.2", messages, tools: [weatherTool], stream: true });
    const streamed = [];
    for await (const part of stream) streamed.push(...(part.message.tool_calls ?? []));
    expect(streamed).toHaveLength(1);
    expect(streamed[0]?.function.arguments).toEqual({ city: "example" });
    const answered = await client.chat({
      model: "llama3.2",
      tools: [weatherTool],
      messages: [
        ...messages,
        { role: "assistant", content: "", tool_calls: response.message.tool_calls },
        { role: "tool", content: "18C", tool_name: "get_weather" },
      ],
    });
    expect(answered.message.content).toBe("tool results: get_weather=18C");
  });

  it("shows thinking when think is on", async () => {
    const response = await client.chat({
      model: "qwen3",
      messages: [{ role: "user", content: "Count" }],
      think: true,
    });
    expect(response.message.thinking).toBe("Thinking about: Count");
  });

  it("answers generate, streamed and not", async () => {
    const response = await client.generate({ model: "llama3.2", prompt: "Why is the sky blue?" });
    expect(response.response).toBe("echo: Why is the sky blue?");
    expect(response.done).toBe(true);
    const stream = await client.generate({ model: "llama3.2", prompt: "Stream", stream: true });
    let text = "";
    for await (const part of stream) text += part.response;
    expect(text).toBe("echo: Stream");
    expect(fake.requests.map((request) => request.path)).toEqual(["/api/generate", "/api/generate"]);
  });

  it("answers embed with one vector per input and the prompt count", async () => {
    const response = await client.embed({ model: "all-minilm", input: ["a", "bb"] });
    expect(response.embeddings).toHaveLength(2);
    expect(response.embeddings[0]).toHaveLength(4);
    expect(response.prompt_eval_count).toBeGreaterThan(0);
  });

  it("answers a missing model with 404 as Ollama does; the SDK raises its ResponseError", async () => {
    const failure = await client
      .chat({ model: "missing-model", messages: [{ role: "user", content: "x" }] })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({
      name: "ResponseError",
      status_code: 404,
      error: 'model "missing-model" not found, try pulling it first',
    });
  });

  it("sends an error line mid-stream, which the SDK throws", async () => {
    fake.enqueue({ kind: "stream-error", text: "Partial", message: "model runner crashed" });
    const stream = await client.chat({
      model: "llama3.2",
      messages: [{ role: "user", content: "x" }],
      stream: true,
    });
    let text = "";
    const failure = await (async () => {
      for await (const part of stream) text += part.message.content;
    })().catch((error: unknown) => error);
    expect(text).toBe("Partial");
    expect((failure as Error).message).toBe("model runner crashed");
  });
});
