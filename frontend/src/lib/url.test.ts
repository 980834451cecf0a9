import { describe, expect, it } from "vitest";
import { defaultLineageState, parseLineageState, serializeLineageState, withParams } from "./url";

describe("lineage URL state", () => {
  it("round-trips every field", () => {
    const s = { depth: 7, direction: "UPSTREAM" as const, maxNodes: 1000, kinds: ["RUN", "DATASET_VERSION"], asOf: "2026-03-01T00:00:00Z", selected: "run_x", path: ["run_x", "dsv_y"] as [string, string] };
    const back = parseLineageState(serializeLineageState(s));
    expect(back).toEqual({ ...s, kinds: ["DATASET_VERSION", "RUN"] });
  });
  it("writes nothing for the defaults", () => {
    expect(serializeLineageState(defaultLineageState).toString()).toBe("");
  });
  it("falls back to defaults for malformed values", () => {
    const s = parseLineageState(new URLSearchParams("depth=-3&direction=SIDEWAYS&maxNodes=99999&kinds=run,RUN&asOf=yesterday&path=a,a"));
    expect(s).toEqual({ ...defaultLineageState, kinds: ["RUN"] });
  });
  it("accepts the bounds", () => {
    expect(parseLineageState(new URLSearchParams("depth=50&maxNodes=5000")).depth).toBe(50);
    expect(parseLineageState(new URLSearchParams("depth=51")).depth).toBe(3);
  });
  it("takes a path only with two distinct ends", () => {
    expect(parseLineageState(new URLSearchParams("path=a,b")).path).toEqual(["a", "b"]);
    expect(parseLineageState(new URLSearchParams("path=a")).path).toBeNull();
    expect(parseLineageState(new URLSearchParams("path=a,b,c")).path).toBeNull();
  });
});

describe("withParams", () => {
  it("sets, replaces and removes keys, leaving the original alone", () => {
    const before = new URLSearchParams("project=fraud&tab=open&request=pr_1");
    const after = withParams(before, { tab: "all", request: null, q: "x y", after: "" });
    expect(after.toString()).toBe("project=fraud&tab=all&q=x+y");
    expect(before.toString()).toBe("project=fraud&tab=open&request=pr_1");
  });
});
