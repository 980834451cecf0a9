import { describe, expect, it } from "vitest";
import { ruleLine, withRule } from "./RuleCatalogue";

describe("ruleLine", () => {
  it("lists the rule's fields to fill in", () => {
    expect(ruleLine("value_between", ["column", "min", "max"])).toBe("  - {type: value_between, column: , min: , max: }\n");
  });
  it("is the type alone for a rule without fields", () => {
    expect(ruleLine("row_count_between", [])).toBe("  - {type: row_count_between}\n");
  });
});

describe("withRule", () => {
  it("starts the rule on a line of its own", () => {
    expect(withRule("rules:\n  - {type: not_null, column: id}", "row_count_between", [])).toBe("rules:\n  - {type: not_null, column: id}\n  - {type: row_count_between}\n");
    expect(withRule("rules:\n", "not_null", ["column"])).toBe("rules:\n  - {type: not_null, column: }\n");
    expect(withRule("", "not_null", ["column"])).toBe("  - {type: not_null, column: }\n");
  });
});
