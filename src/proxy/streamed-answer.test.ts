import { describe, expect, it } from "vitest";
import { RAW_JSON } from "../sdk/types.js";
import { bothTaps, StreamedAnswer } from "./streamed-answer.js";

const chunk = (content: string, finish: string | null = null) => ({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: 1,
  model: "m",
  choices: [{ index: 0, delta: { content }, finish_reason: finish }],
});

describe("StreamedAnswer", () => {
  it("merges the relayed chunks, raw JSON or objects, into one completion", () => {
    const answer = new StreamedAnswer("chat");
    const first = chunk("Hello, ");
    answer.tap({ ...first, [RAW_JSON]: JSON.stringify(first) });
    answer.tap(chunk("world", "stop"));
    expect(answer.answer()).toMatchObject({
      object: "chat.completion",
      choices: [{ message: { role: "assistant", content: "Hello, world" }, finish_reason: "stop" }],
    });
  });

  it("keeps nothing of a stream longer than 1 MB: its callbacks get no answer", () => {
    const relay = (parts: number) => {
      const answer = new StreamedAnswer("chat");
      for (let index = 0; index < parts; index++) {
        const part = chunk("x".repeat(400_000));
        answer.tap({ ...part, [RAW_JSON]: JSON.stringify(part) });
      }
      answer.tap(chunk("", "stop"));
      return answer.answer();
    };
    expect(relay(2)).toMatchObject({ choices: [{ message: { content: "x".repeat(800_000) } }] });
    expect(relay(3)).toBeUndefined();
  });
});

describe("bothTaps", () => {
  it("calls both taps in order, or returns the only one", () => {
    const seen: string[] = [];
    const first = (value: unknown) => seen.push(`a${String(value)}`);
    const second = (value: unknown) => seen.push(`b${String(value)}`);
    bothTaps(first, second)?.(1);
    expect(seen).toEqual(["a1", "b1"]);
    expect(bothTaps(first, undefined)).toBe(first);
    expect(bothTaps(undefined, second)).toBe(second);
    expect(bothTaps(undefined, undefined)).toBeUndefined();
  });
});
