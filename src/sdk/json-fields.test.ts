import { describe, expect, it } from "vitest";
import { topLevelFields } from "./json-fields.js";

const names = new Set(["id", "usage"]);

describe("topLevelFields", () => {
  it("parses the named top-level fields and only those", () => {
    const text = JSON.stringify({
      object: "list",
      data: [{ object: "embedding", index: 0, embedding: [0.1, -2e-7, 3] }],
      id: "emb-1",
      model: "m",
      usage: { prompt_tokens: 8, total_tokens: 8 },
    });
    expect(topLevelFields(text, names)).toEqual({
      id: "emb-1",
      usage: { prompt_tokens: 8, total_tokens: 8 },
    });
  });

  it("is not fooled by the names inside strings or nested objects", () => {
    const text = `{"choices":[{"message":{"content":"\\"usage\\": {\\"x\\":1} ] } \\\\","usage":{"nested":true}}}],"id":"c\\"1","usage":null}`;
    expect(topLevelFields(text, names)).toEqual({ id: 'c"1', usage: null });
    expect(topLevelFields(text, names)).toEqual(
      Object.fromEntries(Object.entries(JSON.parse(text)).filter(([name]) => names.has(name))),
    );
  });

  it("handles whitespace, escaped keys, scalars of every kind and the last of duplicate keys", () => {
    const text =
      ' {\n "\\u0069d" : "a" ,\t"n": -1.5e3, "t": true, "f": false, "z": null, "id": "b", "usage": {} }\r\n';
    expect(topLevelFields(text, new Set(["id", "n", "t", "f", "z", "usage"]))).toEqual({
      id: "b",
      n: -1500,
      t: true,
      f: false,
      z: null,
      usage: {},
    });
    expect(topLevelFields("{}", names)).toEqual({});
  });

  it("refuses what is not one well-formed object", () => {
    for (const text of [
      "",
      "[]",
      '"id"',
      "{",
      '{"id":"a"',
      '{"id":"a",}',
      '{"id" "a"}',
      '{"id":}',
      '{"usage":{"a":[1,2}}',
      '{"data":[1,2,3}',
      '{"data":"unclosed}',
      '{"id":"a"} {}',
      '{"id":"a"}x',
      '{"usage":{bad}}',
      "<html>502 Bad Gateway</html>",
    ]) {
      expect(topLevelFields(text, names), text).toBeUndefined();
    }
  });

  it("agrees with JSON.parse on 2,000 random objects", () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pieces = ['"', "\\", "[", "]", "{", "}", ",", ":", "usage", "id", " ", "\n", "é", "\u2028"];
    const randomString = () =>
      Array.from(
        { length: Math.floor(random() * 6) },
        () => pieces[Math.floor(random() * pieces.length)],
      ).join("");
    const randomValue = (depth: number): unknown => {
      const kind = Math.floor(random() * (depth > 2 ? 4 : 6));
      if (kind === 0) return randomString();
      if (kind === 1) return Math.round((random() - 0.5) * 1e6) / 1e3;
      if (kind === 2) return random() < 0.5;
      if (kind === 3) return null;
      if (kind === 4) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(depth + 1));
      return randomObject(depth + 1);
    };
    const randomObject = (depth: number): Record<string, unknown> => {
      const object: Record<string, unknown> = {};
      for (let count = Math.floor(random() * 5); count > 0; count--) {
        object[random() < 0.3 ? (["id", "usage"][Math.floor(random() * 2)] ?? "id") : randomString()] =
          randomValue(depth);
      }
      return object;
    };
    for (let round = 0; round < 2000; round++) {
      const object = randomObject(0);
      const text = JSON.stringify(object, null, round % 3 === 0 ? 2 : undefined);
      const expected = Object.fromEntries(Object.entries(object).filter(([name]) => names.has(name)));
      expect(topLevelFields(text, names), text).toEqual(expected);
    }
  });
});
