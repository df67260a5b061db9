import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResponseStreamEvent } from "../../src/openai/responses.js";
import { assertDocumentedEvent } from "../e2e/responses-schemas.js";
import { assertMatchesOpenAISchema } from "../spec/openai-schemas.js";
import { type FakeResponsesUpstream, startFakeResponsesUpstream } from "./responses-upstream.js";

let upstream: FakeResponsesUpstream;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startFakeResponsesUpstream();
  client = new OpenAI({ apiKey: "sk-fake", baseURL: upstream.baseUrl, maxRetries: 0 });
});
afterAll(() => upstream.close());

describe("the fake Responses upstream, read by the official openai client", () => {
  it("answers responses.create with a response object of the spec", async () => {
    const response = await client.responses.create({ model: "gpt-x", input: "hello there" });
    assertMatchesOpenAISchema("Response", response);
    expect(response.output_text).toBe("native: hello there");
    expect(upstream.requests.at(-1)?.body).toMatchObject({ model: "gpt-x", input: "hello there" });
  });

  it("streams the documented events, which responses.stream assembles", async () => {
    const stream = client.responses.stream({ model: "gpt-x", input: "one two" });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event as unknown as ResponseStreamEvent);
    for (const event of events) assertDocumentedEvent(event);
    expect((await stream.finalResponse()).output_text).toBe("native: one two");
  });

  it("answers a scripted failure with the status the client raises", async () => {
    upstream.failNext(429, "slow down");
    await expect(client.responses.create({ model: "gpt-x", input: "x" })).rejects.toBeInstanceOf(
      OpenAI.RateLimitError,
    );
  });
});
