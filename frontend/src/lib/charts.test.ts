import { describe, expect, it } from "vitest";
import { align, metricKeys } from "./charts";

const pt = (step: number, value: number, minute = step) => ({ step, value, timestamp: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString() });

describe("align", () => {
  it("merges series on the union of their steps, null where one has no point", () => {
    const [x, a, b] = align([{ label: "a", points: [pt(0, 1), pt(2, 3)] }, { label: "b", points: [pt(1, 10), pt(2, 20)] }], "step");
    expect(x).toEqual([0, 1, 2]);
    expect(a).toEqual([1, null, 3]);
    expect(b).toEqual([null, 10, 20]);
  });
  it("sorts by x whatever the logging order, keeping the last value logged at one step", () => {
    const [x, a] = align([{ label: "a", points: [pt(5, 1), pt(1, 2), pt(5, 7)] }], "step");
    expect(x).toEqual([1, 5]);
    expect(a).toEqual([2, 7]);
  });
  it("uses seconds since the epoch on the time axis", () => {
    const [x] = align([{ label: "a", points: [pt(0, 1, 3)] }], "time");
    expect(x).toEqual([Date.UTC(2026, 0, 1, 0, 3) / 1000]);
  });
});

describe("metricKeys", () => {
  it("puts keys every run has first", () => {
    const keys = metricKeys([{ metrics: [{ key: "loss" }, { key: "auc" }, { key: "zeta" }] }, { metrics: [{ key: "loss" }, { key: "auc" }, { key: "acc" }] }]);
    expect(keys).toEqual(["auc", "loss", "acc", "zeta"]);
  });
});
