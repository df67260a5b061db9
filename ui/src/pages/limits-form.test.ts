import { describe, expect, it } from "vitest";
import { EMPTY_KEY, keyBody, limitValuesOf } from "./limits-form";

describe("keyBody", () => {
  it("sends only the filled fields of a new key", () => {
    expect(
      keyBody(
        {
          ...EMPTY_KEY,
          alias: " alice ",
          models: "gpt-4o, mini",
          maxBudget: "10",
          rpm: "100",
          duration: "30d",
        },
        "create",
      ),
    ).toEqual({
      body: {
        key_alias: "alice",
        models: ["gpt-4o", "mini"],
        max_budget: 10,
        rpm_limit: 100,
        duration: "30d",
      },
    });
  });

  it("clears emptied limits of an edited key and keeps its expiry when no duration is given", () => {
    expect(keyBody({ ...EMPTY_KEY, alias: "alice", team: "t1" }, "edit")).toEqual({
      body: {
        key_alias: "alice",
        models: [],
        max_budget: null,
        budget_duration: null,
        rpm_limit: null,
        tpm_limit: null,
        team_id: "t1",
      },
    });
  });

  it("refuses malformed numbers before calling the API", () => {
    expect(keyBody({ ...EMPTY_KEY, rpm: "1.5" }, "create")).toEqual({
      error: "RPM limit must be a whole number, 0 or more",
    });
    expect(keyBody({ ...EMPTY_KEY, maxBudget: "-3" }, "create")).toEqual({
      error: "Max budget must be a number of US dollars, 0 or more",
    });
  });

  it("fills the edit form from a row", () => {
    expect(
      limitValuesOf({
        models: ["a"],
        max_budget: 5,
        budget_duration: "30d",
        rpm_limit: null,
        tpm_limit: 1000,
      }),
    ).toEqual({
      models: "a",
      maxBudget: "5",
      budgetPeriod: "30d",
      rpm: "",
      tpm: "1000",
    });
  });
});
