import { describe, expect, it } from "vitest";
import { InternalServerError } from "../../errors/index.js";
import { invokeStreamEventOf } from "./invoke-stream.js";

const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64");

describe("invokeStreamEventOf", () => {
  it("opens a chunk's base64 bytes into the model's own event", () => {
    const event = { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "hé" } };
    expect(invokeStreamEventOf({ chunk: { bytes: base64(event) } }, "chunk")).toEqual([event]);
  });

  it("ignores events of other types and refuses a chunk that is not JSON or has no bytes", () => {
    expect(invokeStreamEventOf({ other: { bytes: base64({}) } }, "other")).toEqual([]);
    expect(() =>
      invokeStreamEventOf({ chunk: { bytes: Buffer.from("{no").toString("base64") } }, "chunk"),
    ).toThrow(InternalServerError);
    expect(() => invokeStreamEventOf({ chunk: {} }, "chunk")).toThrow(/without its bytes/);
  });
});
