import { describe, expect, it } from "vitest";
import { BadRequestError } from "../../errors/index.js";
import type { ChatMessage } from "../../openai/types.js";
import { toAnthropicConversation } from "./chat-messages.js";

const settings = { supportsSystemMessage: true, dropParams: false };

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("toAnthropicConversation", () => {
  it("moves system and developer messages to system, wherever they are", () => {
    const messages: ChatMessage[] = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      {
        role: "developer",
        content: [{ type: "text", text: "Use French.", cache_control: { type: "ephemeral" } }],
      },
    ];
    expect(toAnthropicConversation(messages, settings)).toEqual({
      system: [
        { type: "text", text: "Be brief." },
        { type: "text", text: "Use French.", cache_control: { type: "ephemeral" } },
      ],
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
    });
  });

  it("makes system messages user turns when supports_system_message is false", () => {
    const conversation = toAnthropicConversation(
      [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
      { supportsSystemMessage: false, dropParams: false },
    );
    expect(conversation.system).toEqual([]);
    expect(conversation.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "Be brief." },
          { type: "text", text: "Hi" },
        ],
      },
    ]);
  });

  it("merges consecutive messages of one role", () => {
    const { messages } = toAnthropicConversation(
      [
        { role: "user", content: "one" },
        { role: "user", content: "two" },
        { role: "assistant", content: "three" },
        { role: "assistant", content: "four" },
      ],
      settings,
    );
    expect(messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "one" },
          { type: "text", text: "two" },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "text", text: "three" },
          { type: "text", text: "four" },
        ],
      },
    ]);
  });

  it("maps images: a data URL to a base64 source, an http URL to a url source, a PDF to a document", () => {
    const { messages } = toAnthropicConversation(
      [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            {
              type: "image_url",
              image_url: { url: "https://example.com/cat.jpg" },
              cache_control: { type: "ephemeral" },
            },
            { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" } },
          ],
        },
      ],
      settings,
    );
    expect(messages[0]?.content).toEqual([
      { type: "text", text: "What is this?" },
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
      {
        type: "image",
        source: { type: "url", url: "https://example.com/cat.jpg" },
        cache_control: { type: "ephemeral" },
      },
      {
        type: "document",
        source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" },
        title: "a.pdf",
      },
    ]);
  });

  it("puts a message-level cache_control on the message's last block", () => {
    const { messages, system } = toAnthropicConversation(
      [
        { role: "system", content: "Long prompt", cache_control: { type: "ephemeral" } },
        { role: "user", content: "Hi", cache_control: { type: "ephemeral", ttl: "1h" } },
      ],
      settings,
    );
    expect(system).toEqual([{ type: "text", text: "Long prompt", cache_control: { type: "ephemeral" } }]);
    expect(messages[0]?.content).toEqual([
      { type: "text", text: "Hi", cache_control: { type: "ephemeral", ttl: "1h" } },
    ]);
  });

  it("maps assistant tool calls to tool_use blocks and tool results to one user turn of tool_result blocks", () => {
    const { messages } = toAnthropicConversation(
      [
        { role: "user", content: "Weather in Paris and Rome?" },
        {
          role: "assistant",
          content: "",
          tool_calls: [
            {
              id: "toolu_1",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Paris"}' },
            },
            { id: "toolu_2", type: "function", function: { name: "get_weather", arguments: "" } },
          ],
        },
        { role: "tool", tool_call_id: "toolu_1", content: "18C" },
        { role: "tool", tool_call_id: "toolu_2", content: [{ type: "text", text: "21C" }] },
        { role: "user", content: "Thanks" },
      ],
      settings,
    );
    expect(messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }] },
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "toolu_2", name: "get_weather", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_1", content: "18C" },
          { type: "tool_result", tool_use_id: "toolu_2", content: [{ type: "text", text: "21C" }] },
          { type: "text", text: "Thanks" },
        ],
      },
    ]);
  });

  it("sends thinking blocks back before the tool calls they led to", () => {
    const { messages } = toAnthropicConversation(
      [
        { role: "user", content: "Go" },
        {
          role: "assistant",
          content: null,
          reasoning_content: "I should call it",
          thinking_blocks: [
            { type: "thinking", thinking: "I should call it", signature: "sig-1" },
            { type: "redacted_thinking", data: "opaque" },
          ],
          tool_calls: [{ id: "toolu_1", type: "function", function: { name: "go", arguments: "{}" } }],
        },
      ],
      settings,
    );
    expect(messages[1]?.content).toEqual([
      { type: "thinking", thinking: "I should call it", signature: "sig-1" },
      { type: "redacted_thinking", data: "opaque" },
      { type: "tool_use", id: "toolu_1", name: "go", input: {} },
    ]);
  });

  it("refuses tool-call arguments that are not JSON, and a tool message without tool_call_id", () => {
    const badArguments = errorOf(() =>
      toAnthropicConversation(
        [
          {
            role: "assistant",
            tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: "{oops" } }],
          },
        ],
        settings,
      ),
    );
    expect(badArguments).toBeInstanceOf(BadRequestError);
    expect(badArguments).toMatchObject({ param: "messages[0].tool_calls[0].function.arguments" });
    expect(errorOf(() => toAnthropicConversation([{ role: "tool", content: "x" }], settings))).toMatchObject({
      param: "messages[0].tool_call_id",
    });
  });

  it("refuses audio input and images in a system message", () => {
    const audio = errorOf(() =>
      toAnthropicConversation(
        [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "x", format: "wav" } }] }],
        settings,
      ),
    );
    expect(audio).toMatchObject({ param: "messages[0].content[0]" });
    const systemImage = errorOf(() =>
      toAnthropicConversation(
        [{ role: "system", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] }],
        settings,
      ),
    );
    expect(systemImage).toBeInstanceOf(BadRequestError);
  });
});
