import { describe, expect, it } from "vitest";
import { editDistance, findClosestKey } from "./closest-key.js";

describe("editDistance", () => {
  it("counts insertions, deletions, substitutions and swaps", () => {
    expect(editDistance("api_base", "api_base")).toBe(0);
    expect(editDistance("api_bse", "api_base")).toBe(1);
    expect(editDistance("api_basee", "api_base")).toBe(1);
    expect(editDistance("api_bsae", "api_base")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
  });
});

describe("findClosestKey", () => {
  const keys = ["api_base", "api_key", "api_version", "timeout", "stream_timeout"];

  it("suggests the closest key for a typo", () => {
    expect(findClosestKey("api_bse", keys)).toBe("api_base");
    expect(findClosestKey("timout", keys)).toBe("timeout");
    expect(findClosestKey("API-KEY", keys)).toBe("api_key");
  });

  it("suggests nothing when no key is close", () => {
    expect(findClosestKey("completely_different", keys)).toBeUndefined();
  });
});
