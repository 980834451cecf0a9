import { describe, expect, it } from "vitest";
import { paramDiff, parseRunList } from "./compare";

describe("paramDiff", () => {
  it("marks keys whose values differ, or that a run lacks, and lists them first", () => {
    const rows = paramDiff([
      { id: "1", name: "a", params: [{ key: "lr", value: "0.1" }, { key: "epochs", value: "10" }, { key: "seed", value: "1" }] },
      { id: "2", name: "b", params: [{ key: "lr", value: "0.01" }, { key: "epochs", value: "10" }] },
    ]);
    expect(rows).toEqual([
      { key: "lr", values: ["0.1", "0.01"], differs: true },
      { key: "seed", values: ["1", null], differs: true },
      { key: "epochs", values: ["10", "10"], differs: false },
    ]);
  });
});

describe("parseRunList", () => {
  it("drops blanks and repeats, keeping order", () => {
    expect(parseRunList("b, a,,b")).toEqual(["b", "a"]);
    expect(parseRunList(null)).toEqual([]);
  });
});
