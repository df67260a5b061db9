import { describe, expect, it } from "vitest";
import { retryDelayMs, sleep } from "./retry.js";

describe("retryDelayMs", () => {
  it("doubles per attempt, with up to 25% jitter below, and caps at 8 s", () => {
    expect(retryDelayMs(0, undefined, () => 1)).toBe(500);
    expect(retryDelayMs(0, undefined, () => 0)).toBe(375);
    expect(retryDelayMs(1, undefined, () => 1)).toBe(1000);
    expect(retryDelayMs(3, undefined, () => 1)).toBe(4000);
    expect(retryDelayMs(10, undefined, () => 1)).toBe(8000);
  });

  it("never waits less than retry-after", () => {
    expect(retryDelayMs(0, 2, () => 1)).toBe(2000);
    expect(retryDelayMs(0, 0.01, () => 1)).toBe(500);
    expect(retryDelayMs(5, 30, () => 1)).toBe(30_000);
  });
});

describe("sleep", () => {
  it("waits", async () => {
    const started = Date.now();
    await sleep(50, undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it("rejects with the signal's reason when aborted, early", async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error("stop")), 20);
    await expect(sleep(10_000, controller.signal)).rejects.toThrow("stop");
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("rejects at once with an aborted signal", async () => {
    const controller = new AbortController();
    controller.abort(new Error("already"));
    await expect(sleep(10_000, controller.signal)).rejects.toThrow("already");
  });
});
