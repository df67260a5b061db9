import { describe, expect, it } from "vitest";
import { isEmptyObjectSchema, toGeminiSchema } from "./json-schema.js";

describe("toGeminiSchema", () => {
  it("inlines $defs references and drops what Gemini refuses", () => {
    const schema = toGeminiSchema({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: "x",
      title: "Order",
      type: "object",
      additionalProperties: false,
      $defs: {
        Item: {
          type: "object",
          title: "Item",
          properties: { sku: { type: "string", format: "uuid" } },
          required: ["sku"],
        },
      },
      properties: {
        items: { type: "array", items: { $ref: "#/$defs/Item" }, minItems: 1 },
        when: { type: "string", format: "date-time", default: "now", examples: ["x"] },
        kind: { const: "order" },
      },
      required: ["items", "missing"],
    });
    expect(schema).toEqual({
      type: "object",
      properties: {
        items: {
          type: "array",
          minItems: 1,
          items: { type: "object", properties: { sku: { type: "string" } }, required: ["sku"] },
        },
        when: { type: "string", format: "date-time" },
        kind: { type: "string", enum: ["order"] },
      },
      required: ["items"],
    });
  });

  it("turns null alternatives and type lists into nullable", () => {
    expect(toGeminiSchema({ anyOf: [{ type: "string" }, { type: "null" }], description: "d" })).toEqual({
      type: "string",
      description: "d",
      nullable: true,
    });
    expect(toGeminiSchema({ type: ["integer", "null"] })).toEqual({ type: "integer", nullable: true });
    expect(toGeminiSchema({ oneOf: [{ type: "string" }, { type: "integer" }] })).toEqual({
      anyOf: [{ type: "string" }, { type: "integer" }],
    });
  });

  it("stops following a recursive reference", () => {
    const schema = toGeminiSchema({
      type: "object",
      properties: { node: { $ref: "#/$defs/Node" } },
      $defs: { Node: { type: "object", properties: { child: { $ref: "#/$defs/Node" } } } },
    });
    expect(JSON.stringify(schema).length).toBeLessThan(5000);
  });

  it("tells an object schema without properties", () => {
    expect(isEmptyObjectSchema({ type: "object", properties: {} })).toBe(true);
    expect(isEmptyObjectSchema({ type: "object", properties: { a: { type: "string" } } })).toBe(false);
  });
});
