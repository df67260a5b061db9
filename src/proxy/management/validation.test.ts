import { describe, expect, it } from "vitest";
import { z } from "zod";
import { BadRequestError } from "../../errors/index.js";
import { hashApiKey } from "../../store/index.js";
import { modelsOutsideTeam, toKeyChanges } from "./key-changes.js";
import { generateRawKey, toTokenHash } from "./raw-keys.js";
import { dateText, durationSchema, parseInput } from "./validation.js";

describe("parseInput", () => {
  const schema = z.strictObject({ name: z.string(), items: z.array(z.number()).optional() });

  it("returns the parsed value; an absent body counts as {}", () => {
    expect(parseInput(schema, { name: "a" }, "body")).toEqual({ name: "a" });
    expect(() => parseInput(z.strictObject({}), undefined, "body")).not.toThrow();
  });

  it("throws a BadRequestError naming every problem, its path and the first param", () => {
    try {
      parseInput(schema, { items: [1, "two"], extra: true }, "/x body");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestError);
      const badRequest = error as BadRequestError;
      expect(badRequest.message).toMatch(/^invalid \/x body: /);
      expect(badRequest.message).toContain("name:");
      expect(badRequest.message).toContain("items[1]:");
      expect(badRequest.message).toContain('unknown field "extra"');
      expect(badRequest.param).toBe("name");
    }
  });
});

describe("field schemas", () => {
  it("accepts LiteLLM durations and refuses others", () => {
    for (const text of ["30s", "10m", "1h", "30d", "1w", "1mo"])
      expect(durationSchema.safeParse(text).success).toBe(true);
    for (const text of ["30", "0d", "-1d", "1y", ""])
      expect(durationSchema.safeParse(text).success).toBe(false);
  });

  it("accepts dates and ISO timestamps only", () => {
    expect(dateText.safeParse("2025-03-01").success).toBe(true);
    expect(dateText.safeParse("2025-03-01T10:00:00Z").success).toBe(true);
    expect(dateText.safeParse("2025-13-45").success).toBe(false);
    expect(dateText.safeParse("last week").success).toBe(false);
  });
});

describe("raw keys", () => {
  it("makes sk- keys of 32+ url-safe characters, each different", () => {
    const first = generateRawKey();
    expect(first).toMatch(/^sk-[A-Za-z0-9_-]{32,}$/);
    expect(generateRawKey()).not.toBe(first);
  });

  it("hashes raw keys and takes anything else as a hash", () => {
    expect(toTokenHash("sk-abc")).toBe(hashApiKey("sk-abc"));
    expect(toTokenHash("0123abcd")).toBe("0123abcd");
  });
});

describe("toKeyChanges", () => {
  const now = new Date("2025-03-01T00:00:00.000Z");

  it("leaves absent fields out, clears with null, turns duration into expires", () => {
    expect(toKeyChanges({}, now)).toEqual({});
    expect(toKeyChanges({ duration: "1d", max_budget: null, models: null }, now)).toEqual({
      expires: new Date("2025-03-02T00:00:00.000Z"),
      maxBudget: null,
      models: [],
    });
    expect(toKeyChanges({ duration: null, blocked: true, spend: 0 }, now)).toEqual({
      expires: null,
      isBlocked: true,
      spend: 0,
    });
  });
});

describe("modelsOutsideTeam", () => {
  const team = { models: ["a", "b"] } as Parameters<typeof modelsOutsideTeam>[1];

  it("names the models a team does not allow; a team without a list allows all", () => {
    expect(modelsOutsideTeam(["a", "c"], team)).toEqual(["c"]);
    expect(modelsOutsideTeam(["c"], { ...team, models: [] })).toEqual([]);
    expect(modelsOutsideTeam(["c"], { ...team, models: ["all-proxy-models"] })).toEqual([]);
  });
});
