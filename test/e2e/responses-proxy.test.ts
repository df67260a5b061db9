import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ResponseStreamEvent } from "../../src/openai/responses.js";
import { type ProxyProcess, startProxy } from "../fakes/proxy-process.js";
import { type FakeResponsesUpstream, startFakeResponsesUpstream } from "../fakes/responses-upstream.js";
import { type FakeUpstream, startFakeUpstream } from "../fakes/upstream.js";
import { assertMatchesOpenAISchema } from "../spec/openai-schemas.js";
import { assertDocumentedEvent } from "./responses-schemas.js";

const MASTER_KEY = "sk-responses-master";

let chatUpstream: FakeUpstream;
let nativeUpstream: FakeResponsesUpstream;
let proxy: ProxyProcess;
let master: OpenAI;

function clientOf(key: string): OpenAI {
  return new OpenAI({ apiKey: key, baseURL: `${proxy.url}/v1`, maxRetries: 0, timeout: 30_000 });
}

async function newKey(fields: Record<string, unknown> = {}): Promise<string> {
  const answer = await fetch(`${proxy.url}/key/generate`, {
    method: "POST",
    headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
    body: JSON.stringify(fields),
  });
  expect(answer.status).toBe(200);
  return String(((await answer.json()) as { key: string }).key);
}

function chatBodies(): Record<string, unknown>[] {
  return chatUpstream.requests.map((request) => request.body as Record<string, unknown>);
}

beforeAll(async () => {
  chatUpstream = await startFakeUpstream();
  nativeUpstream = await startFakeResponsesUpstream();
  const config = {
    model_list: [
      {
        model_name: "vllm-group",
        litellm_params: { model: "hosted_vllm/qwen", api_base: chatUpstream.baseUrl, api_key: "sk-up" },
      },
      {
        model_name: "native-group",
        litellm_params: { model: "openai/gpt-x", api_base: nativeUpstream.baseUrl, api_key: "sk-native" },
        model_info: { mode: "responses" },
      },
    ],
    router_settings: { num_retries: 0 },
    general_settings: { master_key: MASTER_KEY },
  };
  proxy = await startProxy({ config: JSON.stringify(config) });
  master = clientOf(MASTER_KEY);
}, 30_000);

afterAll(async () => {
  await proxy?.stop();
  await chatUpstream?.close();
  await nativeUpstream?.close();
});

beforeEach(() => {
  chatUpstream.clear();
  nativeUpstream.requests.length = 0;
});

describe("/v1/responses toward a chat completions deployment (hosted_vllm/)", () => {
  it("answers responses.create with a response object, translated from the chat answer", async () => {
    const response = await master.responses.create({
      model: "vllm-group",
      instructions: "Be brief.",
      input: "hello there",
      max_output_tokens: 50,
    });
    assertMatchesOpenAISchema("Response", response);
    expect(response.id).toMatch(/^resp_/);
    expect(response.status).toBe("completed");
    expect(response.output_text).toBe("echo: hello there");
    expect(response.usage).toMatchObject({ input_tokens: 4, output_tokens: 3, total_tokens: 7 });
    expect(chatBodies()[0]).toMatchObject({
      model: "qwen",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "hello there" },
      ],
      max_tokens: 50,
    });
  });

  it("streams the documented events to responses.stream", async () => {
    const stream = master.responses.stream({ model: "vllm-group", input: "stream this", store: false });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event as unknown as ResponseStreamEvent);
    for (const event of events) assertDocumentedEvent(event);
    expect(events[0]?.type).toBe("response.created");
    expect(events.at(-1)?.type).toBe("response.completed");
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe("echo: stream this");
    expect(final.usage?.total_tokens).toBeGreaterThan(0);
  });

  it("continues a conversation with previous_response_id, then lists, retrieves and deletes it", async () => {
    const first = await master.responses.create({ model: "vllm-group", input: "my name is Ada" });
    const second = await master.responses.create({
      model: "vllm-group",
      input: [{ role: "user", content: "what is my name?" }],
      previous_response_id: first.id,
    });
    expect(second.previous_response_id).toBe(first.id);
    expect(chatBodies()[1]?.messages).toEqual([
      { role: "user", content: "my name is Ada" },
      { role: "assistant", content: "echo: my name is Ada" },
      { role: "user", content: "what is my name?" },
    ]);
    const retrieved = await master.responses.retrieve(second.id);
    expect(retrieved.output_text).toBe(second.output_text);
    const items = await master.responses.inputItems.list(second.id);
    expect(items.data).toHaveLength(1);
    assertMatchesOpenAISchema("ResponseItemList", {
      object: "list",
      data: items.data,
      first_id: items.data[0]?.id,
      last_id: items.data[0]?.id,
      has_more: false,
    });
    expect(items.data[0]).toMatchObject({
      type: "message",
      role: "user",
      content: [{ type: "input_text", text: "what is my name?" }],
    });
    await master.responses.delete(second.id);
    await expect(master.responses.retrieve(second.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    // The first turn is still there: a third turn can branch from it.
    const branch = await master.responses.create({
      model: "vllm-group",
      input: "again",
      previous_response_id: first.id,
    });
    expect(branch.status).toBe("completed");
  });

  it("keeps a stored response to the key that made it; the master key sees it", async () => {
    const alice = clientOf(await newKey());
    const bob = clientOf(await newKey());
    const made = await alice.responses.create({ model: "vllm-group", input: "secret" });
    expect((await alice.responses.retrieve(made.id)).id).toBe(made.id);
    await expect(bob.responses.retrieve(made.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(bob.responses.inputItems.list(made.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(bob.responses.delete(made.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(
      bob.responses.create({ model: "vllm-group", input: "and?", previous_response_id: made.id }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect((await master.responses.retrieve(made.id)).id).toBe(made.id);
  });

  it("applies the key's model list as on chat completions", async () => {
    const limited = clientOf(await newKey({ models: ["native-group"] }));
    const error = await limited.responses
      .create({ model: "vllm-group", input: "x" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect([401, 403]).toContain((error as InstanceType<typeof OpenAI.APIError>).status);
    expect(chatUpstream.requests).toHaveLength(0);
  });

  it("takes a Codex-like request: stream, store false, developer and user items, a web_search tool", async () => {
    const answer = await fetch(`${proxy.url}/v1/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "vllm-group",
        instructions: "You are a coding agent.",
        input: [
          {
            type: "message",
            role: "developer",
            content: [{ type: "input_text", text: "sandbox: read-only" }],
          },
          { type: "message", role: "user", content: [{ type: "input_text", text: "list files" }] },
        ],
        tools: [
          {
            type: "function",
            name: "shell",
            description: "Runs a command",
            strict: false,
            parameters: {
              type: "object",
              properties: { command: { type: "array", items: { type: "string" } } },
            },
          },
          { type: "web_search" },
          { type: "namespace", name: "mcp__tools", tools: [] },
        ],
        tool_choice: "auto",
        parallel_tool_calls: false,
        reasoning: { effort: "medium", summary: "auto" },
        store: false,
        stream: true,
        include: ["reasoning.encrypted_content"],
        prompt_cache_key: "session-1",
      }),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/text\/event-stream/);
    const text = await answer.text();
    expect(text).not.toContain("[DONE]");
    const events = text
      .split("\n\n")
      .filter((block) => block.includes("data: "))
      .map((block) => {
        const name = /^event: (.+)$/m.exec(block)?.[1];
        const event = JSON.parse(/^data: (.+)$/m.exec(block)?.[1] ?? "{}") as ResponseStreamEvent;
        expect(name).toBe(event.type);
        return event;
      });
    for (const event of events) assertDocumentedEvent(event);
    const completed = events.at(-1) as ResponseStreamEvent & { response: { id: string; store: boolean } };
    expect(completed.type).toBe("response.completed");
    expect(completed.response.store).toBe(false);
    const sent = chatBodies()[0] ?? {};
    expect((sent.tools as { function: { name: string } }[]).map((tool) => tool.function.name)).toEqual([
      "shell",
    ]);
    expect(sent.messages).toEqual([
      { role: "system", content: "You are a coding agent." },
      { role: "system", content: "sandbox: read-only" },
      { role: "user", content: "list files" },
    ]);
    expect(sent).toMatchObject({
      reasoning_effort: "medium",
      parallel_tool_calls: false,
      tool_choice: "auto",
    });
    expect(sent.include).toBeUndefined();
    await expect(master.responses.retrieve(completed.response.id)).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
  });
});

describe("/v1/responses: spend, limits and failures as on chat completions", () => {
  it("writes a spend row (call type aresponses) with the translated usage for the key", async () => {
    const key = await newKey();
    const { data, response } = await clientOf(key)
      .responses.create({ model: "vllm-group", input: "count these words" })
      .withResponse();
    const requestId = response.headers.get("x-llmgate-call-id") ?? "";
    const answer = await fetch(`${proxy.url}/spend/logs?request_id=${encodeURIComponent(requestId)}`, {
      headers: { authorization: `Bearer ${MASTER_KEY}` },
    });
    const rows = (await answer.json()) as Record<string, unknown>[];
    expect(rows[0]).toMatchObject({
      request_id: requestId,
      response_id: data.id,
      model_group: "vllm-group",
      prompt_tokens: data.usage?.input_tokens,
      completion_tokens: data.usage?.output_tokens,
      status: "success",
    });
  });

  it("refuses a key past its rpm limit with a 429 before any upstream call", async () => {
    const limited = clientOf(await newKey({ rpm_limit: 1 }));
    await limited.responses.create({ model: "vllm-group", input: "one" });
    const before = chatUpstream.requests.length;
    await expect(limited.responses.create({ model: "vllm-group", input: "two" })).rejects.toBeInstanceOf(
      OpenAI.RateLimitError,
    );
    expect(chatUpstream.requests.length).toBe(before);
  });

  it("ends a stream whose upstream broke half way with response.failed", async () => {
    chatUpstream.script({
      kind: "stream",
      chunks: [
        {
          id: "c",
          object: "chat.completion.chunk",
          created: 1,
          model: "qwen",
          choices: [{ index: 0, delta: { role: "assistant", content: "part" }, finish_reason: null }],
        },
      ],
      dieAfter: 1,
    });
    const answer = await fetch(`${proxy.url}/v1/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${MASTER_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "vllm-group", input: "x", stream: true }),
    });
    const events = (await answer.text())
      .split("\n\n")
      .filter((block) => block.includes("data: "))
      .map((block) => JSON.parse(/^data: (.+)$/m.exec(block)?.[1] ?? "{}") as ResponseStreamEvent);
    for (const event of events) assertDocumentedEvent(event);
    const last = events.at(-1) as ResponseStreamEvent & { response: { status: string; error: unknown } };
    expect(last.type).toBe("response.failed");
    expect(last.response.status).toBe("failed");
    expect(last.sequence_number).toBe((events.at(-2)?.sequence_number ?? -2) + 1);
  });
});

describe("/v1/responses toward a native Responses deployment (model_info.mode: responses)", () => {
  it("relays the request to <api_base>/responses and the answer back, and stores it", async () => {
    const response = await master.responses.create({
      model: "native-group",
      input: "hi native",
      metadata: { a: "b" },
    });
    expect(nativeUpstream.requests).toHaveLength(1);
    expect(nativeUpstream.requests[0]?.path).toBe("/v1/responses");
    expect(nativeUpstream.requests[0]?.headers.authorization).toBe("Bearer sk-native");
    expect(nativeUpstream.requests[0]?.body).toMatchObject({
      model: "gpt-x",
      input: "hi native",
      metadata: { a: "b" },
    });
    expect(chatUpstream.requests).toHaveLength(0);
    expect(response.output_text).toBe("native: hi native");
    expect((await master.responses.retrieve(response.id)).output_text).toBe("native: hi native");
  });

  it("streams the upstream's events through, and continues the conversation from our store", async () => {
    const stream = master.responses.stream({ model: "native-group", input: "first" });
    for await (const event of stream) assertDocumentedEvent(event as unknown as ResponseStreamEvent);
    const first = await stream.finalResponse();
    expect(first.output_text).toBe("native: first");
    const second = await master.responses.create({
      model: "native-group",
      input: "second",
      previous_response_id: first.id,
    });
    expect(second.previous_response_id).toBe(first.id);
    const sent = nativeUpstream.requests[1]?.body ?? {};
    expect(sent.previous_response_id).toBeUndefined();
    expect(sent.input).toEqual([
      { type: "message", role: "user", content: [{ type: "input_text", text: "first" }] },
      {
        type: "message",
        role: "assistant",
        content: [{ type: "output_text", text: "native: first", annotations: [], logprobs: [] }],
      },
      { type: "message", role: "user", content: [{ type: "input_text", text: "second" }] },
    ]);
  });

  it("passes an upstream error on with its status", async () => {
    nativeUpstream.failNext(400, "bad input");
    await expect(master.responses.create({ model: "native-group", input: "x" })).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    );
  });
});
