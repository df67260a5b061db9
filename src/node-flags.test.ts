import { describe, expect, it } from "vitest";
import { missingNodeFlags, PROXY_NODE_FLAGS } from "./node-flags.js";

describe("missingNodeFlags", () => {
  it("names the proxy's flags that node was not started with", () => {
    expect(missingNodeFlags([], undefined)).toEqual(PROXY_NODE_FLAGS);
    expect(missingNodeFlags(["--enable-source-maps"], "--trace-warnings")).toEqual(PROXY_NODE_FLAGS);
  });

  it("leaves out a flag given on the command line or in NODE_OPTIONS, with any value and either spelling", () => {
    expect(missingNodeFlags(["--max-semi-space-size=16"], undefined)).toEqual([]);
    expect(missingNodeFlags([], "--inspect  --max_semi_space_size=32")).toEqual([]);
  });
});
