import { afterEach, describe, expect, it } from "vitest";
import { onStopSignals, SAME_SIGNAL_WINDOW_MS } from "./stop-signals.js";

describe("onStopSignals", () => {
  const handles: ((signal: NodeJS.Signals) => void)[] = [];
  afterEach(() => {
    for (const handle of handles.splice(0)) {
      process.off("SIGTERM", handle);
      process.off("SIGINT", handle);
    }
  });

  function record(now: () => number) {
    const calls: string[] = [];
    const handle = onStopSignals(
      { first: (signal) => calls.push(`first ${signal}`), again: (signal) => calls.push(`again ${signal}`) },
      now,
    );
    handles.push(handle);
    return { calls, handle };
  }

  it("counts a repeat inside the window as the same signal (group delivery plus a parent passing it on)", () => {
    let time = 1_000;
    const { calls, handle } = record(() => time);
    handle("SIGTERM");
    time += SAME_SIGNAL_WINDOW_MS - 1;
    handle("SIGTERM");
    expect(calls).toEqual(["first SIGTERM"]);
  });

  it("treats a later signal as a second one, of either kind", () => {
    let time = 1_000;
    const { calls, handle } = record(() => time);
    handle("SIGINT");
    time += SAME_SIGNAL_WINDOW_MS;
    handle("SIGTERM");
    time += 5;
    handle("SIGTERM");
    expect(calls).toEqual(["first SIGINT", "again SIGTERM", "again SIGTERM"]);
  });

  it("is called by the process's own SIGTERM and SIGINT listeners", () => {
    const { calls } = record(Date.now);
    process.emit("SIGTERM", "SIGTERM");
    expect(calls).toEqual(["first SIGTERM"]);
  });
});
