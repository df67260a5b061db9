import { describe, expect, it } from "vitest";
import { createThinkTagSplitter } from "./think-tags.js";

function splitAll(pieces: string[]): { content: string; reasoning: string } {
  const splitter = createThinkTagSplitter();
  let content = "";
  let reasoning = "";
  for (const piece of [...pieces.map((text) => splitter.push(text)), splitter.flush()]) {
    content += piece.content;
    reasoning += piece.reasoning;
  }
  return { content, reasoning };
}

const TEXT = "<think>\nLet me count: r, r, r.\n</think>\n\nThree.";

describe("createThinkTagSplitter", () => {
  it("splits leading <think> reasoning off the content", () => {
    expect(splitAll([TEXT])).toEqual({ content: "Three.", reasoning: "\nLet me count: r, r, r.\n" });
  });

  it("gives the same split wherever the text is cut (tags cut included)", () => {
    for (let cut = 0; cut <= TEXT.length; cut++) {
      expect(splitAll([TEXT.slice(0, cut), TEXT.slice(cut)]), `cut at ${cut}`).toEqual(splitAll([TEXT]));
    }
    expect(splitAll([...TEXT])).toEqual(splitAll([TEXT]));
  });

  it("passes content without a leading <think> as it comes, tags later in it included", () => {
    const splitter = createThinkTagSplitter();
    expect(splitter.push("Hello")).toEqual({ content: "Hello", reasoning: "" });
    expect(splitter.push(" <think>x</think>")).toEqual({ content: " <think>x</think>", reasoning: "" });
    expect(splitAll(["\n", "Hi"])).toEqual({ content: "\nHi", reasoning: "" });
  });

  it("gives reasoning as it comes, holding back only what could start </think>", () => {
    const splitter = createThinkTagSplitter();
    expect(splitter.push("<think>abc</th")).toEqual({ content: "", reasoning: "abc" });
    expect(splitter.push("ink>done")).toEqual({ content: "done", reasoning: "" });
  });

  it("flushes unfinished reasoning as reasoning, and a held-back '<thi' as content", () => {
    expect(splitAll(["<think>never closed"])).toEqual({ content: "", reasoning: "never closed" });
    expect(splitAll(["<thi"])).toEqual({ content: "<thi", reasoning: "" });
  });
});
