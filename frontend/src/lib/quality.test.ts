import { describe, expect, it } from "vitest";
import { formatObserved, formatPercent, qualitySummary, coverage, passRateDays } from "./quality";

describe("formatObserved", () => {
  it("formats numbers, nulls and structured values", () => {
    expect(formatObserved(0.6666666)).toBe("0.6667");
    expect(formatObserved(1000000)).toBe("1,000,000");
    expect(formatObserved(null)).toBe("—");
    expect(formatObserved(true)).toBe("true");
    expect(formatObserved({ psi: 0.31234, bins: 10 })).toBe("psi 0.3123 · bins 10");
  });
});

describe("formatPercent", () => {
  it("keeps small shares readable", () => {
    expect(formatPercent(0.0123)).toBe("0.01 %");
    expect(formatPercent(33.3333)).toBe("33.3 %");
    expect(formatPercent(null)).toBe("—");
  });
});

describe("qualitySummary", () => {
  it("tells suites, recorded results and never validated apart", () => {
    expect(qualitySummary(2, [{ qualityStatus: null }])).toEqual({ kind: "suites", recorded: 0 });
    expect(qualitySummary(0, [{ qualityStatus: "FAILED" }, { qualityStatus: null }, { qualityStatus: "PASSED" }])).toEqual({ kind: "recorded", recorded: 2 });
    expect(qualitySummary(0, [{ qualityStatus: null }, {}])).toEqual({ kind: "never", recorded: 0 });
    expect(qualitySummary(0, [])).toEqual({ kind: "never", recorded: 0 });
  });
});

describe("coverage and passRateDays", () => {
  it("say each figure out of its whole", () => {
    expect(coverage({ datasets: 4, datasetsWithSuites: 1, versions: 0, validatedVersions: 0, failingVersions: 0 })).toEqual([
      { label: "datasets with a suite", count: 1, note: "of 4 (25%)" },
      { label: "versions validated", count: 0, note: "of 0" },
      { label: "versions failing", count: 0, note: "of 0" },
    ]);
    expect(passRateDays([{ day: "2026-12-01T00:00:00Z", runs: 3, passed: 2 }])).toEqual([{ label: "2026-12-01", count: 2, note: "of 3 passed (67%)" }]);
  });
});
