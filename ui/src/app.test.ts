import { describe, expect, it } from "vitest";
import { pageOf } from "./app";

describe("pageOf", () => {
  it("reads the page from the path, or from an older #/ link, Keys by default", () => {
    expect(pageOf("/ui/usage").name).toBe("Usage");
    expect(pageOf("/ui/logs/").name).toBe("Logs");
    expect(pageOf("/ui/", "#/teams").name).toBe("Teams");
    expect(pageOf("/ui").name).toBe("Keys");
    expect(pageOf("/ui/nothing").name).toBe("Keys");
  });
});
