import { describe, expect, it } from "vitest";
import { columns, sortRuns, type RunRow } from "./runs";

const runs: RunRow[] = [
  { id: "a", name: "run-2", status: "FINISHED", startedAt: "2026-01-02T00:00:00Z", params: [{ key: "lr", value: "0.1" }], metrics: [{ key: "auc", latest: { value: 0.91 } }] },
  { id: "b", name: "run-10", status: "FAILED", startedAt: "2026-01-01T00:00:00Z", params: [{ key: "depth", value: "6" }], metrics: [] },
  { id: "c", name: "run-1", status: "FINISHED", startedAt: "2026-01-03T00:00:00Z", params: [{ key: "lr", value: "0.01" }], metrics: [{ key: "auc", latest: { value: 0.95 } }] },
];

describe("runs table", () => {
  it("has a column per param and metric key", () => {
    expect(columns(runs).map((c) => c.id)).toEqual(["name", "status", "startedAt", "param:depth", "param:lr", "metric:auc"]);
  });
  it("sorts metrics numerically with empty cells last, both ways", () => {
    const auc = columns(runs).find((c) => c.id === "metric:auc")!;
    expect(sortRuns(runs, auc, false).map((r) => r.id)).toEqual(["a", "c", "b"]);
    expect(sortRuns(runs, auc, true).map((r) => r.id)).toEqual(["c", "a", "b"]);
  });
  it("sorts names naturally", () => {
    const name = columns(runs)[0]!;
    expect(sortRuns(runs, name, false).map((r) => r.name)).toEqual(["run-1", "run-2", "run-10"]);
  });
});
