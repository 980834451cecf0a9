import { describe, expect, it } from "vitest";
import { describeSelector, followers, paramInputs, parseTags, rowsFor, sameNames, sampleInputs, selectorForm, selectorInput, valuesOf } from "./templates";

describe("rowsFor", () => {
  it("is a row for each placeholder, in the text's order, with what was typed", () => {
    expect(rowsFor(["key", "lo"], { lo: { default: "0", sample: "" } })).toEqual([{ name: "key", default: "", sample: "" }, { name: "lo", default: "0", sample: "" }]);
  });
  it("drops the row of a placeholder gone from the text, and brings its values back with it", () => {
    const values = { a: { default: "x", sample: "" }, b: { default: "", sample: "3" } };
    expect(rowsFor(["b"], values).map((r) => r.name)).toEqual(["b"]);
    expect(rowsFor(["a", "b"], values)[0]).toEqual({ name: "a", default: "x", sample: "" });
  });
  it("compares lists of names", () => {
    expect(sameNames(["a", "b"], ["a", "b"])).toBe(true);
    expect(sameNames(["a", "b"], ["b", "a"])).toBe(false);
    expect(sameNames(["a"], ["a", "b"])).toBe(false);
  });
});

describe("what the rows send", () => {
  const rows = [{ name: "key", default: "id", sample: "" }, { name: "lo", default: "", sample: "5" }];
  it("declares an empty default as none", () => {
    expect(paramInputs(rows)).toEqual([{ name: "key", default: "id" }, { name: "lo", default: null }]);
  });
  it("sends only the samples given", () => {
    expect(sampleInputs(rows)).toEqual([{ name: "lo", value: "5" }]);
  });
  it("reads a saved template's parameters back", () => {
    const values = valuesOf([{ name: "key", default: "id" }, { name: "lo", default: null }]);
    expect(rowsFor(["key", "lo"], values)).toEqual([{ name: "key", default: "id", sample: "" }, { name: "lo", default: "", sample: "" }]);
  });
});

describe("selectors", () => {
  it("reads tags separated by commas, blanks dropped", () => {
    expect(parseTags(" pii, tier=gold ,, ")).toEqual(["pii", "tier=gold"]);
  });
  it("sends empty patterns as none and round-trips a saved selector", () => {
    const saved = { namespace: "s3://lake", name: null, featureView: "driver_*", tags: ["pii"] };
    expect(selectorInput(selectorForm(saved))).toEqual({ namespace: "s3://lake", name: null, featureView: "driver_*", tags: ["pii"] });
  });
  it("says which datasets a selector is for", () => {
    expect(describeSelector({ tags: [] })).toBe("every dataset of the project");
    expect(describeSelector({ namespace: "s3://lake", name: "raw/*", tags: ["pii", "tier=gold"] })).toBe("namespace s3://lake; name raw/*; tagged pii, tier=gold");
  });
  it("counts the suites that follow the latest version", () => {
    expect(followers([{ template: { upToDate: true } }, { template: { upToDate: false } }, { template: null }])).toEqual({ total: 3, upToDate: 1 });
  });
});
