import { describe, expect, it } from "vitest";
import {
  embeddingItemsOf,
  inputOfMissing,
  mergedEmbeddingResponse,
  newEmbeddings,
} from "./embedding-items.js";

describe("embedding items", () => {
  it("splits each input shape into its items", () => {
    expect(embeddingItemsOf("a")).toEqual({ items: ["a"], isSingle: true });
    expect(embeddingItemsOf([1, 2])).toEqual({ items: [[1, 2]], isSingle: true });
    expect(embeddingItemsOf(["a", "b"])).toEqual({ items: ["a", "b"], isSingle: false });
    expect(embeddingItemsOf([[1], [2]])).toEqual({ items: [[1], [2]], isSingle: false });
    expect(embeddingItemsOf([])).toBeUndefined();
    expect(embeddingItemsOf(["a", [1]])).toBeUndefined();
    expect(embeddingItemsOf(3)).toBeUndefined();
  });

  it("sends only the missing items and merges the answer in input order", () => {
    const items = { items: ["a", "b", "c"], isSingle: false };
    expect(inputOfMissing(items, [2])).toEqual(["c"]);
    expect(inputOfMissing({ items: ["a"], isSingle: true }, [0])).toBe("a");
    const upstream = {
      object: "list",
      model: "m",
      data: [{ object: "embedding", index: 0, embedding: [3] }],
      usage: { prompt_tokens: 1, total_tokens: 1 },
    };
    const fetched = newEmbeddings(upstream, [2]);
    const merged = mergedEmbeddingResponse(
      [{ model: "m", embedding: [1] }, { model: "m", embedding: [2] }, undefined],
      fetched,
      [2],
      upstream,
    );
    expect(merged).toEqual({
      object: "list",
      model: "m",
      data: [
        { object: "embedding", index: 0, embedding: [1] },
        { object: "embedding", index: 1, embedding: [2] },
        { object: "embedding", index: 2, embedding: [3] },
      ],
      usage: { prompt_tokens: 1, total_tokens: 1 },
    });
  });

  it("reports zero usage when every item was cached", () => {
    const merged = mergedEmbeddingResponse([{ model: "m", embedding: [1] }], [], [], undefined);
    expect(merged.usage).toEqual({ prompt_tokens: 0, total_tokens: 0 });
    expect(merged.model).toBe("m");
  });
});
