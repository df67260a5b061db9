/**
 * The fake Bedrock against AWS's own SDK: it accepts the SDK's SigV4 signatures, and the SDK
 * parses its Converse answers, its event-stream frames and its errors, so the fake speaks what
 * Bedrock speaks.
 */
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ThrottlingException,
  ValidationException,
} from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBedrock, startFakeBedrock } from "./bedrock-upstream.js";

let fake: FakeBedrock;
let client: BedrockRuntimeClient;

function clientWith(secretAccessKey: string, region = fake.region): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    endpoint: fake.baseUrl,
    region,
    credentials: { accessKeyId: fake.keys.accessKeyId, secretAccessKey },
    maxAttempts: 1,
    // The SDK speaks HTTP/2 to Bedrock by default; Bedrock (and this fake) take HTTP/1.1 as well.
    requestHandler: new NodeHttpHandler(),
  });
}

beforeAll(async () => {
  fake = await startFakeBedrock();
  client = clientWith(fake.keys.secretAccessKey);
});

afterAll(async () => {
  client.destroy();
  await fake.close();
});

const PROFILE_ID = "us.anthropic.claude-3-5-sonnet-20241022-v2:0";
const PROFILE_ARN = `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${PROFILE_ID}`;

describe("the fake Bedrock, driven by @aws-sdk/client-bedrock-runtime", () => {
  it("accepts the SDK's signature on a model id with ':' and answers Converse the SDK parses", async () => {
    const answer = await client.send(
      new ConverseCommand({
        modelId: PROFILE_ID,
        system: [{ text: "Be brief." }],
        messages: [{ role: "user", content: [{ text: "Hello there" }] }],
        inferenceConfig: { maxTokens: 50 },
      }),
    );
    expect(answer.output?.message?.content?.[0]?.text).toBe("echo: Hello there");
    expect(answer.stopReason).toBe("end_turn");
    expect(answer.usage).toMatchObject({ inputTokens: 4, outputTokens: 3, totalTokens: 7 });
    const request = fake.requests.at(-1);
    expect(request?.auth).toBe("sigv4");
    expect(request?.rawPath).toBe("/model/us.anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse");
    expect(request?.modelId).toBe(PROFILE_ID);
  });

  it("accepts the SDK's signature on an inference-profile ARN (':' and '/' encoded)", async () => {
    const answer = await client.send(
      new ConverseCommand({ modelId: PROFILE_ARN, messages: [{ role: "user", content: [{ text: "hi" }] }] }),
    );
    expect(answer.output?.message?.content?.[0]?.text).toBe("echo: hi");
    expect(fake.requests.at(-1)?.modelId).toBe(PROFILE_ARN);
  });

  it("streams event-stream frames the SDK decodes, tool use included", async () => {
    const answer = await client.send(
      new ConverseStreamCommand({
        modelId: PROFILE_ID,
        messages: [{ role: "user", content: [{ text: "What is the weather? use get_weather" }] }],
        toolConfig: {
          tools: [
            {
              toolSpec: {
                name: "get_weather",
                inputSchema: { json: { type: "object", properties: { city: { type: "string" } } } },
              },
            },
          ],
        },
      }),
    );
    const seen: string[] = [];
    let input = "";
    let stopReason: string | undefined;
    for await (const event of answer.stream ?? []) {
      seen.push(Object.keys(event).filter((key) => key !== "$unknown")[0] ?? "");
      input += event.contentBlockDelta?.delta?.toolUse?.input ?? "";
      stopReason = event.messageStop?.stopReason ?? stopReason;
    }
    expect(seen[0]).toBe("messageStart");
    expect(seen).toContain("contentBlockStart");
    expect(seen.at(-1)).toBe("metadata");
    expect(JSON.parse(input)).toEqual({ city: "Paris" });
    expect(stopReason).toBe("tool_use");
  });

  it("streams text the SDK reassembles, and an exception frame the SDK raises as its error class", async () => {
    const text = await streamText("one two three four");
    expect(text).toBe("echo: one two three four");
    fake.enqueue({
      kind: "stream-exception",
      afterEvents: 2,
      type: "throttlingException",
      message: "Slow down",
    });
    await expect(streamText("again")).rejects.toBeInstanceOf(ThrottlingException);
  });

  it("answers errors the SDK maps to its classes (x-amzn-ErrorType)", async () => {
    fake.enqueue({ kind: "error", status: 429, type: "ThrottlingException", message: "Too many requests" });
    await expect(
      client.send(
        new ConverseCommand({ modelId: PROFILE_ID, messages: [{ role: "user", content: [{ text: "x" }] }] }),
      ),
    ).rejects.toBeInstanceOf(ThrottlingException);
    const refused = client.send(
      new ConverseCommand({
        modelId: PROFILE_ID,
        messages: [{ role: "assistant", content: [{ text: "x" }] }],
      }),
    );
    await expect(refused).rejects.toBeInstanceOf(ValidationException);
    await expect(refused).rejects.toThrow(/must start with a user message/);
  });

  it("refuses a signature made with another secret, or for another region", async () => {
    const wrong = clientWith("not-the-secret");
    await expect(
      wrong.send(
        new ConverseCommand({ modelId: PROFILE_ID, messages: [{ role: "user", content: [{ text: "x" }] }] }),
      ),
    ).rejects.toMatchObject({ name: "InvalidSignatureException", $metadata: { httpStatusCode: 403 } });
    const elsewhere = clientWith(fake.keys.secretAccessKey, "eu-west-1");
    await expect(
      elsewhere.send(
        new ConverseCommand({ modelId: PROFILE_ID, messages: [{ role: "user", content: [{ text: "x" }] }] }),
      ),
    ).rejects.toThrow(/scoped to a valid region/);
    wrong.destroy();
    elsewhere.destroy();
  });

  it("embeds with Titan and Cohere through InvokeModel", async () => {
    const titan = await client.send(
      new InvokeModelCommand({
        modelId: "amazon.titan-embed-text-v2:0",
        contentType: "application/json",
        body: JSON.stringify({ inputText: "hello world", dimensions: 256, normalize: true }),
      }),
    );
    const titanBody = JSON.parse(new TextDecoder().decode(titan.body)) as {
      embedding: number[];
      inputTextTokenCount: number;
    };
    expect(titanBody.embedding).toHaveLength(256);
    expect(titanBody.inputTextTokenCount).toBe(2);
    const cohere = await client.send(
      new InvokeModelCommand({
        modelId: "cohere.embed-english-v3",
        body: JSON.stringify({ texts: ["a", "b"], input_type: "search_document" }),
      }),
    );
    const cohereBody = JSON.parse(new TextDecoder().decode(cohere.body)) as { embeddings: number[][] };
    expect(cohereBody.embeddings).toHaveLength(2);
  });

  it("answers Claude's Anthropic body on InvokeModel and its stream in chunk frames the SDK opens", async () => {
    const body = {
      anthropic_version: "bedrock-2023-05-31",
      max_tokens: 50,
      messages: [{ role: "user", content: "Hello Claude" }],
    };
    const answer = await client.send(
      new InvokeModelCommand({
        modelId: PROFILE_ID,
        contentType: "application/json",
        body: JSON.stringify(body),
      }),
    );
    const message = JSON.parse(new TextDecoder().decode(answer.body)) as { id: string; content: unknown };
    expect(message.id).toMatch(/^msg_bdrk_/);
    expect(message.content).toEqual([{ type: "text", text: "Echo: Hello Claude" }]);
    const streamed = await client.send(
      new InvokeModelWithResponseStreamCommand({ modelId: PROFILE_ID, body: JSON.stringify(body) }),
    );
    const events: { type: string; delta?: { text?: string } }[] = [];
    for await (const event of streamed.body ?? [])
      if (event.chunk?.bytes !== undefined)
        events.push(JSON.parse(new TextDecoder().decode(event.chunk.bytes)));
    expect(events[0]?.type).toBe("message_start");
    expect(events.at(-1)?.type).toBe("message_stop");
    expect(events.map((event) => event.delta?.text ?? "").join("")).toBe("Echo: Hello Claude");
    expect(fake.requests.at(-1)?.rawPath).toBe(
      "/model/us.anthropic.claude-3-5-sonnet-20241022-v2%3A0/invoke-with-response-stream",
    );
    await expect(
      client.send(
        new InvokeModelCommand({ modelId: PROFILE_ID, body: JSON.stringify({ ...body, stream: true }) }),
      ),
    ).rejects.toThrow(ValidationException);
  });
});

async function streamText(text: string): Promise<string> {
  const answer = await client.send(
    new ConverseStreamCommand({ modelId: PROFILE_ID, messages: [{ role: "user", content: [{ text }] }] }),
  );
  let joined = "";
  for await (const event of answer.stream ?? []) joined += event.contentBlockDelta?.delta?.text ?? "";
  return joined;
}
