import { describe, expect, it } from "vitest";
import { answerFields, cacheKeyOf, canonicalJson } from "./cache-key.js";

const key = (fields: Record<string, unknown>, extra: Partial<Parameters<typeof cacheKeyOf>[0]> = {}) =>
  cacheKeyOf({ operation: "chat", modelGroup: "g", scope: "", fields: answerFields(fields), ...extra });

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops undefined members", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}',
    );
  });

  it("keeps array order and distinct scalars apart", () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
    expect(canonicalJson({ a: "1" })).not.toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson({ a: null })).toBe('{"a":null}');
  });
});

describe("cacheKeyOf", () => {
  const messages = [{ role: "user", content: "hi" }];

  it("is 64 hex digits and the same for the same request in another field order", () => {
    const first = key({ messages, temperature: 0 });
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(key({ temperature: 0, messages })).toBe(first);
  });

  it("ignores fields that do not change the answer, and top-level nulls", () => {
    const base = key({ messages });
    for (const field of ["user", "metadata", "stream", "stream_options", "timeout", "num_retries", "api_key"])
      expect(key({ messages, [field]: "x" }), field).toBe(base);
    expect(key({ messages, temperature: null })).toBe(base);
    expect(key({ messages, model: "another name" })).toBe(base);
  });

  it("changes with the model group, the scope, the operation and each answer field", () => {
    const base = key({ messages });
    expect(key({ messages }, { modelGroup: "h" })).not.toBe(base);
    expect(key({ messages }, { scope: "team:a" })).not.toBe(base);
    expect(key({ messages }, { operation: "completions" })).not.toBe(base);
    for (const [field, value] of Object.entries({ temperature: 0.1, seed: 1, n: 2, tools: [], top_p: 1 }))
      expect(key({ messages, [field]: value }), field).not.toBe(base);
  });

  it("keeps parts from running into each other", () => {
    expect(key({ messages }, { modelGroup: "a", scope: "b" })).not.toBe(
      key({ messages }, { modelGroup: 'a","b', scope: "" }),
    );
  });

  it("keys embedding items one by one", () => {
    const fields = answerFields({ input: ["a", "b"], dimensions: 4 }, "input");
    expect(fields).toEqual({ dimensions: 4 });
    const a = cacheKeyOf({ operation: "embeddings", modelGroup: "e", scope: "", fields, item: "a" });
    const b = cacheKeyOf({ operation: "embeddings", modelGroup: "e", scope: "", fields, item: "b" });
    expect(a).not.toBe(b);
  });
});
