import { describe, expect, it } from "vitest";
import { defaultRerun, parseTolerance, rerunsByOriginal, selection, summarize, REPRODUCES_TAG, type Rerun } from "./repro";

const rerun = (id: string, original: string, status = "FINISHED", startedAt = "2026-01-01T00:00:00Z"): Rerun => ({
  id, name: id, status, startedAt, tags: [{ key: "team", value: "x" }, { key: REPRODUCES_TAG, value: original }],
});

describe("rerunsByOriginal", () => {
  it("groups reruns by the run their tag names, newest first, and ignores untagged runs", () => {
    const m = rerunsByOriginal([
      rerun("r1", "a", "FINISHED", "2026-01-01T00:00:00Z"),
      rerun("r2", "a", "FINISHED", "2026-01-02T00:00:00Z"),
      rerun("r3", "b"),
      { id: "u", name: "u", status: "FINISHED", startedAt: "2026-01-03T00:00:00Z", tags: [] },
    ]);
    expect(m.get("a")?.map((r) => r.id)).toEqual(["r2", "r1"]);
    expect(m.get("b")?.map((r) => r.id)).toEqual(["r3"]);
    expect(m.size).toBe(2);
  });
});

describe("defaultRerun", () => {
  const row = { runId: "a", status: "NOT_ATTEMPTED" as const, latestRerunId: null };
  it("takes the newest finished rerun", () => {
    expect(defaultRerun(row, [rerun("r3", "a", "RUNNING"), rerun("r2", "a"), rerun("r1", "a")])).toBe("r2");
  });
  it("skips the rerun the latest reproduction already compared", () => {
    expect(defaultRerun({ ...row, status: "REPRODUCED", latestRerunId: "r2" }, [rerun("r2", "a")])).toBeNull();
    expect(defaultRerun({ ...row, status: "DIVERGED", latestRerunId: "r2" }, [rerun("r2", "a"), rerun("r1", "a")])).toBe("r1");
  });
  it("is null without candidates", () => {
    expect(defaultRerun(row, undefined)).toBeNull();
  });
});

describe("selection and summarize", () => {
  const rows = [
    { runId: "a", status: "REPRODUCED" as const, latestRerunId: "r", complete: true },
    { runId: "b", status: "DIVERGED" as const, latestRerunId: "s", complete: false },
    { runId: "c", status: "NOT_ATTEMPTED" as const, latestRerunId: null, complete: true },
  ];
  it("selects the picked runs, or all", () => {
    expect(selection(rows, ["c", "a"]).map((r) => r.runId)).toEqual(["a", "c"]);
    expect(selection(rows, [])).toHaveLength(3);
  });
  it("counts outcomes", () => {
    expect(summarize(rows)).toEqual({ selected: 3, reproduced: 1, diverged: 1, notAttempted: 1, complete: 2 });
  });
});

describe("parseTolerance", () => {
  it("reads numbers, empty as 0, and refuses negatives and text", () => {
    expect(parseTolerance("tolerance", "0.01")).toEqual({ value: 0.01 });
    expect(parseTolerance("tolerance", " ")).toEqual({ value: 0 });
    expect(parseTolerance("tolerance", "-1")).toEqual({ error: 'tolerance: want a number ≥ 0, got "-1"' });
    expect(parseTolerance("relative tolerance", "abc")).toEqual({ error: 'relative tolerance: want a number ≥ 0, got "abc"' });
  });
});
