import { describe, expect, it } from "vitest";
import { ruleLine } from "./SuiteEditor";

describe("ruleLine", () => {
  it("lists the rule's fields to fill in", () => {
    expect(ruleLine("value_between", ["column", "min", "max"])).toBe("  - {type: value_between, column: , min: , max: }\n");
  });
  it("is the type alone for a rule without fields", () => {
    expect(ruleLine("row_count_between", [])).toBe("  - {type: row_count_between}\n");
  });
});
