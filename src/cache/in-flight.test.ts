import { describe, expect, it } from "vitest";
import { InFlight } from "./in-flight.js";

describe("InFlight", () => {
  it("lets later requests wait for the first one's answer, once", async () => {
    const inFlight = new InFlight();
    expect(inFlight.waitFor("k")).toBeUndefined();
    const settle = inFlight.lead("k");
    const waiting = inFlight.waitFor("k");
    // A second leader for the same key changes nothing.
    inFlight.lead("k")("other");
    settle("answer");
    settle("again");
    expect(await waiting).toBe("answer");
    expect(inFlight.size).toBe(0);
  });

  it("tells the waiting ones when there is no answer", async () => {
    const inFlight = new InFlight();
    const settle = inFlight.lead("k");
    const waiting = inFlight.waitFor("k");
    settle(undefined);
    expect(await waiting).toBeUndefined();
    expect(inFlight.waitFor("k")).toBeUndefined();
  });
});
