import { describe, expect, it } from "vitest";
import { BadRequestError } from "../errors/index.js";
import { NO_CONTROLS, takeCacheControls } from "./controls.js";

describe("takeCacheControls", () => {
  it("reads LiteLLM's controls and removes them from the body", () => {
    const body: Record<string, unknown> = {
      model: "m",
      cache: {
        "no-cache": true,
        "no-store": false,
        ttl: 5,
        "s-maxage": 9,
        namespace: "ns",
        "use-cache": true,
      },
    };
    expect(takeCacheControls(body)).toEqual({
      noCache: true,
      noStore: false,
      ttlSeconds: 5,
      maxAgeSeconds: 9,
      namespace: "ns",
      useCache: true,
    });
    expect(body).toEqual({ model: "m" });
  });

  it("takes s-max-age as s-maxage, and no cache object as no controls", () => {
    expect(takeCacheControls({ cache: { "s-max-age": 3 } }).maxAgeSeconds).toBe(3);
    expect(takeCacheControls({})).toBe(NO_CONTROLS);
    expect(takeCacheControls({ cache: null })).toBe(NO_CONTROLS);
  });

  it("refuses unknown controls and wrong types, naming the control", () => {
    const refusal = (cache: unknown) => {
      try {
        takeCacheControls({ cache });
      } catch (error) {
        expect(error).toBeInstanceOf(BadRequestError);
        return (error as BadRequestError).param;
      }
      throw new Error("expected a refusal");
    };
    expect(refusal({ no_cache: true })).toBe("cache.no_cache");
    expect(refusal({ ttl: -1 })).toBe("cache.ttl");
    expect(refusal({ "no-store": "yes" })).toBe("cache.no-store");
    expect(refusal({ namespace: "" })).toBe("cache.namespace");
    expect(refusal("on")).toBe("cache");
  });
});

describe("takeCacheControls with a key's defaults", () => {
  it("uses the defaults, each overridden by the request", () => {
    expect(takeCacheControls({}, { "no-store": true }).noStore).toBe(true);
    const merged = takeCacheControls({ cache: { "no-store": false, ttl: 3 } }, { "no-store": true, ttl: 9 });
    expect(merged.noStore).toBe(false);
    expect(merged.ttlSeconds).toBe(3);
  });
});
