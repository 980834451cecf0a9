import { describe, expect, it } from "vitest";
import { figureRows, percent, seconds } from "./report";

describe("report figures", () => {
  it("says rates and durations", () => {
    expect(percent(0.5)).toBe("50.0%");
    expect(percent(null)).toBe("n/a");
    expect(seconds(45)).toBe("45 s");
    expect(seconds(12000)).toBe("3 h 20 min");
    expect(seconds(90061)).toBe("1 d 1 h");
    expect(seconds(3600)).toBe("1 h");
    expect(seconds(0)).toBe("0 s");
    expect(seconds(undefined)).toBe("n/a");
  });
  it("lists every figure with its number", () => {
    const rows = figureRows({ runs: 4, reproducibleRuns: 1, reproducibilityRate: 0.25, reproducedRuns: 1, divergedRuns: 2, datasetVersionsUsed: 3,
      validatedVersions: 2, validationCoverage: 2 / 3, failingVersions: 1, versionsWithDigest: 3, promotionRequests: 5, approved: 2, rejected: 1,
      cancelled: 1, open: 1, leadTimeMeanSeconds: 5400, leadTimeP50Seconds: 3600, leadTimeP90Seconds: 7200 });
    const by = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect(by["reproducibleRuns"]?.text).toBe("1 (25.0%)");
    expect(by["validatedVersions"]?.text).toBe("2 (66.7%); 1 failing");
    expect(by["promotionRequests"]?.text).toBe("5: 2 approved, 1 rejected, 1 cancelled, 1 open");
    expect(by["leadTime"]?.text).toBe("mean 1 h 30 min, p50 1 h, p90 2 h");
    expect(by["leadTime"]?.value).toBe(3600);
  });
});
