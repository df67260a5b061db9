/**
 * /v1/messages through the real CLI toward Claude on the clouds: a `bedrock/` deployment (InvokeModel,
 * SigV4-signed, the fake checking the signature and the Anthropic body Bedrock takes) and a
 * `vertex_ai/` one (rawPredict with a service account's token). The body goes natively and the
 * answers and event streams come back in Anthropic's shape, driven with the official @anthropic-ai/sdk.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeBedrock, startFakeBedrock } from "../fakes/bedrock-upstream.js";
import { type FakeGoogleUpstream, startFakeGoogleUpstream } from "../fakes/gemini-upstream.js";
import { type FakeTokenEndpoint, startFakeTokenEndpoint } from "../fakes/google-token-endpoint.js";
import { assertAnthropicShape, assertEventSequence } from "../spec/anthropic-shapes.js";
import { type MessagesGate, parseNamedSse, startMessagesGate } from "./messages-helpers.js";

const PROFILE_ID = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

let bedrock: FakeBedrock;
let tokens: FakeTokenEndpoint;
let google: FakeGoogleUpstream;
let directory: string;
let gate: MessagesGate;

beforeAll(async () => {
  bedrock = await startFakeBedrock();
  tokens = await startFakeTokenEndpoint();
  google = await startFakeGoogleUpstream({ isTokenValid: (token) => tokens.isTokenValid(token) });
  directory = await mkdtemp(join(tmpdir(), "llmgate-messages-cloud-"));
  const keyFile = join(directory, "service-account.json");
  await writeFile(keyFile, JSON.stringify(tokens.createServiceAccount("claude-project")));
  gate = await startMessagesGate({
    model_list: [
      {
        model_name: "bedrock-claude",
        litellm_params: {
          model: `bedrock/${PROFILE_ID}`,
          api_base: bedrock.baseUrl,
          aws_access_key_id: bedrock.keys.accessKeyId,
          aws_secret_access_key: bedrock.keys.secretAccessKey,
          aws_region_name: bedrock.region,
        },
      },
      {
        model_name: "vertex-claude",
        litellm_params: {
          model: "vertex_ai/claude-sonnet-4-5@20250929",
          vertex_credentials: keyFile,
          vertex_location: "us-east5",
          api_base: google.baseUrl,
        },
      },
    ],
    router_settings: { num_retries: 0 },
  });
}, 30_000);

afterAll(async () => {
  await gate?.stop();
  await Promise.all([bedrock?.close(), google?.close(), tokens?.close()]);
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
});

function lastBedrockRequest() {
  const request = bedrock.requests.at(-1);
  if (request === undefined) throw new Error("the fake Bedrock got no request");
  return request;
}

describe("bedrock/ Claude: natively through InvokeModel", () => {
  it("sends the Anthropic body (no model, Bedrock's anthropic_version, the betas in the body), signed", async () => {
    const body = {
      model: "bedrock-claude",
      max_tokens: 64,
      system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
      messages: [{ role: "user", content: "hello there" }],
      top_k: 5,
    };
    const response = await gate.post("/v1/messages?beta=true", body, {
      "anthropic-version": "2023-06-01",
      "anthropic-beta": "interleaved-thinking-2025-05-14",
    });
    expect(response.status).toBe(200);
    const message = (await response.json()) as { id: string; content: unknown };
    assertAnthropicShape("message", message);
    expect(message.id).toMatch(/^msg_bdrk_/);
    expect(message.content).toEqual([{ type: "text", text: "Echo: hello there" }]);
    const sent = lastBedrockRequest();
    expect(sent.auth).toBe("sigv4");
    expect(sent.rawPath).toBe("/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke");
    const { model: _model, ...rest } = body;
    expect(sent.body).toEqual({
      ...rest,
      anthropic_version: "bedrock-2023-05-31",
      anthropic_beta: ["interleaved-thinking-2025-05-14"],
    });
    expect(sent.headers["anthropic-beta"]).toBeUndefined();
  });

  it("streams Anthropic events out of Bedrock's chunk frames, which the SDK accumulates", async () => {
    const stream = gate.client().messages.stream({
      model: "bedrock-claude",
      max_tokens: 100,
      messages: [{ role: "user", content: "why is the sky blue" }],
    });
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: "text", text: "Echo: why is the sky blue" }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.output_tokens).toBe(5);
    expect(lastBedrockRequest().rawPath).toMatch(/\/invoke-with-response-stream$/);
    expect(lastBedrockRequest().body).not.toHaveProperty("stream");
    const raw = await gate.post("/v1/messages", {
      model: "bedrock-claude",
      max_tokens: 50,
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    const events = parseNamedSse(await raw.text());
    assertEventSequence(events);
    for (const event of events) expect(event.event).toBe(event.data.type);
  });

  it("runs a tool round trip", async () => {
    const client = gate.client();
    const tools = [
      {
        name: "get_weather",
        input_schema: { type: "object" as const, properties: { city: { type: "string" } } },
      },
    ];
    const first = await client.messages.create({
      model: "bedrock-claude",
      max_tokens: 100,
      tools,
      messages: [{ role: "user", content: "weather?" }],
    });
    expect(first.stop_reason).toBe("tool_use");
    const toolUse = first.content.find((block) => block.type === "tool_use");
    if (toolUse?.type !== "tool_use") throw new Error("no tool_use block");
    expect(toolUse.input).toEqual({ city: "Paris" });
    const second = await client.messages.create({
      model: "bedrock-claude",
      max_tokens: 100,
      tools,
      messages: [
        { role: "user", content: "weather?" },
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "sunny" }] },
      ],
    });
    expect(second.stop_reason).toBe("end_turn");
  });

  it("answers AWS errors in Anthropic's shape: throttling is a 429 rate_limit_error, a stream exception an error event", async () => {
    bedrock.enqueue({
      kind: "error",
      status: 429,
      type: "ThrottlingException",
      message: "Too many requests",
    });
    const error = await gate
      .client()
      .messages.create({ model: "bedrock-claude", max_tokens: 5, messages: [{ role: "user", content: "x" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    bedrock.enqueue({
      kind: "stream-exception",
      afterEvents: 3,
      type: "throttlingException",
      message: "slow",
    });
    const response = await gate.post("/v1/messages", {
      model: "bedrock-claude",
      max_tokens: 50,
      stream: true,
      messages: [{ role: "user", content: "one two three" }],
    });
    const events = parseNamedSse(await response.text());
    expect(events[0]?.event).toBe("message_start");
    const last = events.at(-1);
    expect(last?.event).toBe("error");
    assertAnthropicShape("error", last?.data);
    expect(last?.data).toMatchObject({ error: { type: "rate_limit_error" } });
  });

  it("counts the answer's tokens in a spend row of the key", async () => {
    const headers = { authorization: "Bearer sk-messages-e2e-master", "content-type": "application/json" };
    const generated = await fetch(`${gate.url}/key/generate`, {
      method: "POST",
      headers,
      body: JSON.stringify({ key_alias: "bedrock-native" }),
    });
    const { key } = (await generated.json()) as { key: string };
    const { response } = await gate
      .client(key)
      .messages.create({ model: "bedrock-claude", max_tokens: 5, messages: [{ role: "user", content: "x" }] })
      .withResponse();
    const callId = encodeURIComponent(String(response.headers.get("x-llmgate-call-id")));
    let rows: Record<string, unknown>[] = [];
    for (let attempt = 0; attempt < 100 && rows.length === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      rows = (await (await fetch(`${gate.url}/spend/logs?request_id=${callId}`, { headers })).json()) as [];
    }
    expect(rows[0]).toMatchObject({
      status: "success",
      call_type: "anthropic_messages",
      model_group: "bedrock-claude",
      prompt_tokens: 11,
      completion_tokens: 5,
    });
  });
});

describe("vertex_ai/ Claude: natively through rawPredict", () => {
  it("answers and streams with the Anthropic body Vertex takes", async () => {
    const client = gate.client();
    const message = await client.messages.create({
      model: "vertex-claude",
      max_tokens: 30,
      messages: [{ role: "user", content: "hello vertex" }],
    });
    expect(message.id).toMatch(/^msg_vrtx_/);
    expect(message.content).toEqual([{ type: "text", text: "Echo: hello vertex" }]);
    const sent = google.requests.at(-1);
    expect(sent?.action).toBe("rawPredict");
    expect(sent?.body).toMatchObject({ anthropic_version: "vertex-2023-10-16", max_tokens: 30 });
    expect(sent?.body).not.toHaveProperty("model");
    const streamed = await client.messages
      .stream({ model: "vertex-claude", max_tokens: 30, messages: [{ role: "user", content: "a b" }] })
      .finalMessage();
    expect(streamed.content).toEqual([{ type: "text", text: "Echo: a b" }]);
    expect(google.requests.at(-1)?.action).toBe("streamRawPredict");
  });
});
