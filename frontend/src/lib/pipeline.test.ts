import { describe, expect, it } from "vitest";
import { NO_DIGEST, columnSides, prettyJSON, runHome, timeline, transformationsOf, versionDigest } from "./pipeline";

describe("pipeline", () => {
  it("finds a run's home: its experiment, else its job", () => {
    expect(runHome({ experiment: { id: "exp_1", name: "e" }, job: null })).toEqual({ kind: "experiment", id: "exp_1", name: "e", to: "/experiments/exp_1" });
    expect(runHome({ experiment: null, job: { id: "job_1", name: "dag.task" } })).toEqual({ kind: "job", id: "job_1", name: "dag.task", to: "/jobs/job_1" });
    expect(runHome({})).toBeNull();
  });
  it("says when a version has no digest", () => {
    const d = "ab".repeat(32);
    expect(versionDigest({ digest: d, integrity: "SHA256" })).toBe(d.slice(0, 12));
    expect(versionDigest({ digest: d, integrity: "SHA256" }, false)).toBe(d);
    expect(versionDigest({ digest: null, integrity: "NONE" })).toBe(NO_DIGEST);
    expect(versionDigest({})).toBe(NO_DIGEST);
  });
  it("lays runs out on one time axis", () => {
    const now = new Date("2026-01-01T00:10:00Z");
    const { bars, from, to } = timeline([
      { id: "a", status: "FINISHED", startedAt: "2026-01-01T00:00:00Z", endedAt: "2026-01-01T00:05:00Z" },
      { id: "b", status: "RUNNING", startedAt: "2026-01-01T00:05:00Z" },
      { id: "c", status: "FAILED", startedAt: "2026-01-01T00:10:00Z", endedAt: "2026-01-01T00:10:00Z" },
      { id: "bad", status: "FINISHED", startedAt: "not a time" },
    ], now);
    expect(from).toBe(Date.parse("2026-01-01T00:00:00Z"));
    expect(to).toBe(now.getTime());
    expect(bars.map((b) => [b.id, b.left, b.width, b.open])).toEqual([
      ["a", 0, 50, false],
      ["b", 50, 50, true],
      // A run that took no time still shows, inside the axis.
      ["c", 99.5, 0.5, false],
    ]);
    expect(timeline([]).bars).toEqual([]);
    const one = timeline([{ id: "x", status: "FINISHED", startedAt: "2026-01-01T00:00:00Z", endedAt: "2026-01-01T00:00:00Z" }]);
    expect(one.bars[0]).toMatchObject({ left: 0, width: 100 });
  });
  it("indents facets that are JSON", () => {
    expect(prettyJSON('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyJSON("not json")).toBe("not json");
  });
  it("splits a column's lineage into its two sides", () => {
    const node = (id: string, distance: number) => ({ id, name: id, distance, datasetVersion: { id: "v" } });
    const g = {
      root: "r",
      nodes: [node("r", 0), node("up1", 1), node("up2", 2), node("down1", 1), node("down2", 2)],
      edges: [{ from: "up2", to: "up1" }, { from: "up1", to: "r" }, { from: "r", to: "down1" }, { from: "down1", to: "down2" }],
    };
    const { upstream, downstream } = columnSides(g);
    expect(upstream.map((n) => n.id)).toEqual(["up1", "up2"]);
    expect(downstream.map((n) => n.id)).toEqual(["down1", "down2"]);
    expect(columnSides({ root: "r", nodes: [node("r", 0)], edges: [] })).toEqual({ upstream: [], downstream: [] });
  });
  it("says how a column relates to its neighbour on the root's side", () => {
    const sum = { type: "DIRECT", subtype: "AGGREGATION", description: "sum", masking: false };
    const hash = { type: "DIRECT", subtype: "TRANSFORMATION", description: null, masking: true };
    const g = { edges: [{ from: "up", to: "r", transformations: [sum] }, { from: "r", to: "down", transformations: [hash] }] };
    expect(transformationsOf(g, "up", "upstream")).toEqual([sum]);
    expect(transformationsOf(g, "down", "downstream")).toEqual([hash]);
    expect(transformationsOf(g, "down", "upstream")).toEqual([]);
  });
});
