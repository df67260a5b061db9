import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../openai/types.js";
import { hasSystemMessage, mapSystemMessages } from "./system-messages.js";

describe("mapSystemMessages", () => {
  it("merges a system message into the following user message as system + ' ' + content", () => {
    expect(
      mapSystemMessages([
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ]),
    ).toEqual([{ role: "user", content: "Be brief. Hi" }]);
  });

  it("merges a system message into the following assistant message", () => {
    expect(
      mapSystemMessages([
        { role: "user", content: "Hi" },
        { role: "system", content: "Answer in French." },
        { role: "assistant", content: "Bonjour" },
      ]),
    ).toEqual([
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Answer in French. Bonjour" },
    ]);
  });

  it("makes a last system message a user message", () => {
    expect(
      mapSystemMessages([
        { role: "user", content: "Hi" },
        { role: "system", content: "S" },
      ]),
    ).toEqual([
      { role: "user", content: "Hi" },
      { role: "user", content: "S" },
    ]);
  });

  it("makes a system message followed by another system message a user message", () => {
    expect(
      mapSystemMessages([
        { role: "system", content: "A" },
        { role: "system", content: "B" },
        { role: "user", content: "Hi" },
      ]),
    ).toEqual([
      { role: "user", content: "A" },
      { role: "user", content: "B Hi" },
    ]);
  });

  it("makes a system message before a tool message a user message and keeps the tool message", () => {
    const assistant: ChatMessage = {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }],
    };
    const tool: ChatMessage = { role: "tool", tool_call_id: "call_1", content: "42" };
    expect(mapSystemMessages([assistant, { role: "system", content: "S" }, tool])).toEqual([
      assistant,
      { role: "user", content: "S" },
      tool,
    ]);
  });

  it("never drops a system or developer message", () => {
    const messages: ChatMessage[] = [
      { role: "system", content: "1" },
      { role: "system", content: "2" },
      { role: "developer", content: "dev" },
      { role: "system", content: "3" },
    ];
    const mapped = mapSystemMessages(messages);
    expect(mapped).toEqual([
      { role: "user", content: "1" },
      { role: "user", content: "2" },
      { role: "user", content: "dev" },
      { role: "user", content: "3" },
    ]);
    expect(mapped.some((message) => message.role === "system" || message.role === "developer")).toBe(false);
  });

  it("prepends to the first text part of list content and keeps the other parts", () => {
    const image = { type: "image_url", image_url: { url: "data:image/png;base64,AA==" } };
    expect(
      mapSystemMessages([
        { role: "system", content: "S" },
        { role: "user", content: [{ type: "text", text: "Look" }, image] },
      ]),
    ).toEqual([{ role: "user", content: [{ type: "text", text: "S Look" }, image] }]);
  });

  it("adds a text part in front when list content starts with something else", () => {
    const image = { type: "image_url", image_url: { url: "https://x/y.png" } };
    expect(
      mapSystemMessages([
        { role: "system", content: "S" },
        { role: "user", content: [image] },
      ]),
    ).toEqual([{ role: "user", content: [{ type: "text", text: "S" }, image] }]);
  });

  it("reads the text parts of a system message with list content", () => {
    expect(
      mapSystemMessages([
        {
          role: "system",
          content: [
            { type: "text", text: "A" },
            { type: "text", text: "B" },
          ],
        },
        { role: "user", content: "Hi" },
      ]),
    ).toEqual([{ role: "user", content: "A B Hi" }]);
  });

  it("merges into an assistant message without content (tool calls) and keeps its other fields", () => {
    const toolCalls = [{ id: "c", type: "function" as const, function: { name: "f", arguments: "{}" } }];
    expect(
      mapSystemMessages([
        { role: "system", content: "S" },
        { role: "assistant", content: null, tool_calls: toolCalls, name: "bot" },
      ]),
    ).toEqual([{ role: "assistant", content: "S", tool_calls: toolCalls, name: "bot" }]);
  });

  it("uses the system text alone when the next message's content is empty", () => {
    expect(
      mapSystemMessages([
        { role: "system", content: "S" },
        { role: "user", content: "" },
      ]),
    ).toEqual([{ role: "user", content: "S" }]);
  });

  it("does not change the input messages", () => {
    const messages: ChatMessage[] = [
      { role: "system", content: "S" },
      { role: "user", content: [{ type: "text", text: "Hi" }] },
    ];
    const copy = structuredClone(messages);
    mapSystemMessages(messages);
    expect(messages).toEqual(copy);
  });

  it("returns messages without a system message unchanged", () => {
    const messages: ChatMessage[] = [
      { role: "user", content: "a" },
      { role: "assistant", content: "b" },
    ];
    expect(mapSystemMessages(messages)).toEqual(messages);
  });
});

describe("hasSystemMessage", () => {
  it("tells whether any message is a system message", () => {
    expect(hasSystemMessage([{ role: "user", content: "a" }])).toBe(false);
    expect(
      hasSystemMessage([
        { role: "user", content: "a" },
        { role: "system", content: "b" },
      ]),
    ).toBe(true);
    expect(hasSystemMessage([])).toBe(false);
  });
});
