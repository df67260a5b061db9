import { describe, expect, it } from "vitest";
import { countMessageTokens, countTokens } from "./tokens.js";

describe("countTokens", () => {
  it("counts o200k tokens by default", async () => {
    expect(await countTokens("hello world")).toBe(2);
    expect(await countTokens("")).toBe(0);
  });

  it("uses cl100k for gpt-3.5 and gpt-4 models", async () => {
    const text = "Tokenization differs between encodings: ünïcödé and emojis 🎉🎉.";
    const o200k = await countTokens(text, { model: "gpt-4o" });
    const cl100k = await countTokens(text, { model: "openai/gpt-3.5-turbo" });
    expect(o200k).toBeGreaterThan(0);
    expect(cl100k).toBeGreaterThan(0);
    expect(cl100k).not.toBe(o200k);
  });
});

describe("countMessageTokens", () => {
  it("adds 3 tokens per message, the role, the content and 3 for the reply", async () => {
    const tokens = await countMessageTokens([{ role: "user", content: "hello world" }]);
    // 3 (reply) + 3 (message) + 1 ("user") + 2 ("hello world")
    expect(tokens).toBe(9);
  });

  it("counts names, text parts, other parts and tool calls", async () => {
    const tokens = await countMessageTokens([
      { role: "user", name: "bob", content: [{ type: "text", text: "hello world" }, { type: "image_url" }] },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: "{}" } }],
      },
    ]);
    const name = await countTokens("bob");
    const toolCall = (await countTokens("lookup")) + (await countTokens("{}"));
    const assistant = await countTokens("assistant");
    expect(tokens).toBe(3 + (3 + 1 + 2 + 85 + 1 + name) + (3 + assistant + toolCall));
  });
});
