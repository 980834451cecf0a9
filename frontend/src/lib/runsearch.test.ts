import { describe, expect, it } from "vitest";
import { filterColumn } from "./runs";

describe("filterColumn", () => {
  it("reads the column a filter error names", () => {
    expect(filterColumn('invalid input: filter: column 13: expected a comparison operator after metrics.auc, got "foo"')).toBe(13);
  });
  it("is null for other errors", () => {
    expect(filterColumn("orderBy[0]: column 11: expected ASC")).toBeNull();
    expect(filterColumn("internal error")).toBeNull();
  });
});
