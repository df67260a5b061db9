import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ResponsesRequest } from "../../openai/responses.js";
import { toChatRequest } from "./to-chat-request.js";

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
}

describe("toChatRequest", () => {
  it("maps items, images, a tool round trip, tools, tool_choice and settings to the chat request", () => {
    const { request, dropped } = toChatRequest(fixture("responses-request-tools.json") as ResponsesRequest);
    expect(request).toEqual(fixture("chat-request-tools.json"));
    expect(dropped).toEqual(["tool web_search", "tool local_shell"]);
  });

  it("makes a string input one user message and leaves out what a chat server cannot take", () => {
    const { request } = toChatRequest({
      model: "m",
      input: "hi",
      store: true,
      previous_response_id: null,
      truncation: "auto",
      top_k: 5,
    });
    expect(request).toEqual({ model: "m", messages: [{ role: "user", content: "hi" }], top_k: 5 });
  });

  it("turns text.format json_schema into response_format, json_object too", () => {
    const schema = { type: "object", properties: { a: { type: "number" } }, required: ["a"] };
    const strict = toChatRequest({
      model: "m",
      input: "x",
      text: { format: { type: "json_schema", name: "answer", schema, strict: true } },
    });
    expect(strict.request.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "answer", schema, strict: true },
    });
    const loose = toChatRequest({ model: "m", input: "x", text: { format: { type: "json_object" } } });
    expect(loose.request.response_format).toEqual({ type: "json_object" });
    const plain = toChatRequest({ model: "m", input: "x", text: { format: { type: "text" } } });
    expect(plain.request.response_format).toBeUndefined();
  });

  it("drops tool_choice and parallel_tool_calls with the tools when none is a function (Codex's web_search)", () => {
    const { request, dropped } = toChatRequest({
      model: "m",
      input: [
        { type: "message", role: "developer", content: [{ type: "input_text", text: "rules" }] },
        { type: "message", role: "user", content: [{ type: "input_text", text: "go" }] },
      ],
      tools: [{ type: "web_search" }, { type: "namespace", name: "mcp" }],
      tool_choice: "auto",
      parallel_tool_calls: true,
    });
    expect(request).toEqual({
      model: "m",
      messages: [
        { role: "system", content: "rules" },
        { role: "user", content: "go" },
      ],
    });
    expect(dropped).toEqual(["tool web_search", "tool namespace mcp"]);
  });

  it("lists items it cannot carry (a local shell call) instead of failing", () => {
    const { request, dropped } = toChatRequest({
      model: "m",
      input: [
        { type: "local_shell_call", id: "ls_1", call_id: "c", action: {} },
        { role: "user", content: "ok" },
      ],
    });
    expect(request.messages).toEqual([{ role: "user", content: "ok" }]);
    expect(dropped).toEqual(["item local_shell_call"]);
  });
});
