import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonErrorOffset } from "./json-error-offset.js";

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe("jsonErrorOffset", () => {
  it("finds no break in any JSON text", () => {
    fc.assert(fc.property(fc.json(), (text) => jsonErrorOffset(text) === undefined));
  });

  it("agrees with JSON.parse on mutated JSON, and points inside the text", () => {
    const mutated = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom(",", "}", "]", '"', "x", "", "\\", ":"))
      .map(([text, at, insert]) => {
        const position = at % (text.length + 1);
        return text.slice(0, position) + insert + text.slice(position + (insert === "" ? 1 : 0));
      });
    fc.assert(
      fc.property(mutated, (text) => {
        const offset = jsonErrorOffset(text);
        if (parses(text)) return offset === undefined;
        return offset !== undefined && offset >= 0 && offset <= text.length;
      }),
      { numRuns: 2_000 },
    );
  });

  it("points at the first character that cannot continue the text", () => {
    expect(jsonErrorOffset('{"a": [1, 2,]}')).toBe(12);
    expect(jsonErrorOffset('{"a" 1}')).toBe(5);
    expect(jsonErrorOffset('"tab\there"')).toBe(4);
    expect(jsonErrorOffset("[1] 2")).toBe(4);
    expect(jsonErrorOffset("")).toBe(0);
  });

  it("gives up, without throwing, on nesting too deep to check", () => {
    expect(jsonErrorOffset(`${"[".repeat(100_000)}x`)).toBeUndefined();
  });
});
