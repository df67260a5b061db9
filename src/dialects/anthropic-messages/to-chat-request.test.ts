import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { toChatRequest } from "./to-chat-request.js";
import type { MessagesRequest } from "./wire.js";

function fixture(name: string): MessagesRequest {
  return JSON.parse(
    readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"),
  ) as MessagesRequest;
}

const base = { model: "m", max_tokens: 10 };

describe("toChatRequest", () => {
  it("takes what Claude Code sends, dropping what chat cannot carry", () => {
    const chat = toChatRequest(fixture("claude-code-request.json"));
    expect(chat).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 32000,
      user: "user_abc_account_def_session_123",
      stream: true,
      stream_options: { include_usage: true },
      tool_choice: "auto",
      tools: [
        {
          type: "function",
          function: {
            name: "Bash",
            description: "Run a shell command",
            parameters: {
              type: "object",
              properties: { command: { type: "string" }, description: { type: "string" } },
              required: ["command"],
            },
          },
        },
        {
          type: "function",
          function: {
            name: "Read",
            description: "Read a file",
            parameters: {
              type: "object",
              properties: { file_path: { type: "string" } },
              required: ["file_path"],
            },
          },
        },
      ],
      messages: [
        {
          role: "system",
          content:
            "You are Claude Code, Anthropic's official CLI for Claude.\n\nYou are an interactive CLI tool that helps users with software engineering tasks.",
        },
        { role: "system", content: "Current working directory: /repo" },
        { role: "user", content: "<system-reminder>Todo list is empty</system-reminder>\nlist the files" },
        {
          role: "assistant",
          content: "I'll list them.",
          reasoning_content: "I should run ls.",
          tool_calls: [
            {
              id: "toolu_01",
              type: "function",
              function: { name: "Bash", arguments: '{"command":"ls","description":"List files"}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "toolu_01", content: "README.md\nsrc" },
        { role: "user", content: "and now?" },
      ],
    });
  });

  it("maps tool_choice any, tool, none and disable_parallel_tool_use", () => {
    const tools = [{ name: "f", input_schema: { type: "object" } }];
    const messages = [{ role: "user" as const, content: "x" }];
    expect(toChatRequest({ ...base, messages, tools, tool_choice: { type: "any" } }).tool_choice).toBe(
      "required",
    );
    expect(toChatRequest({ ...base, messages, tools, tool_choice: { type: "none" } }).tool_choice).toBe(
      "none",
    );
    const forced = toChatRequest({
      ...base,
      messages,
      tools,
      tool_choice: { type: "tool", name: "f", disable_parallel_tool_use: true },
    });
    expect(forced.tool_choice).toEqual({ type: "function", function: { name: "f" } });
    expect(forced.parallel_tool_calls).toBe(false);
  });

  it("maps sampling fields, stop sequences and JSON output", () => {
    const chat = toChatRequest({
      ...base,
      messages: [{ role: "user", content: "x" }],
      temperature: 0,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ["END"],
      output_config: { format: { type: "json_schema", schema: { type: "object" } } },
    });
    expect(chat).toMatchObject({
      temperature: 0,
      top_p: 0.9,
      top_k: 40,
      stop: ["END"],
      response_format: { type: "json_schema", json_schema: { name: "output", schema: { type: "object" } } },
    });
    expect(chat.stream).toBeUndefined();
  });

  it("carries images, documents and images inside tool results", () => {
    const chat = toChatRequest({
      ...base,
      messages: [
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "shot", input: {} }] },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "t1",
              is_error: true,
              content: [
                { type: "text", text: "failed" },
                { type: "image", source: { type: "url", url: "https://x/y.png" } },
              ],
            },
            { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" } },
            {
              type: "document",
              title: "Notes",
              source: { type: "text", media_type: "text/plain", data: "hello" },
            },
          ],
        },
      ],
    });
    expect(chat.messages.slice(1)).toEqual([
      { role: "tool", tool_call_id: "t1", content: "Error: failed" },
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: "https://x/y.png" } },
          {
            type: "file",
            file: { filename: "document.pdf", file_data: "data:application/pdf;base64,JVBERi0=" },
          },
          { type: "text", text: "Notes\nhello" },
        ],
      },
    ]);
    expect(chat.messages[0]).toEqual({
      role: "assistant",
      content: null,
      tool_calls: [{ id: "t1", type: "function", function: { name: "shot", arguments: "{}" } }],
    });
  });
});
