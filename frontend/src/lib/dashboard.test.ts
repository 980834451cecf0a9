import { describe, expect, it } from "vitest";
import { blockedByCheck, inProduction, leadTimes, openByAge, quantile, type DashRequest } from "./dashboard";

const now = new Date("2026-06-30T00:00:00Z");
const ago = (days: number) => new Date(now.getTime() - days * 86400_000).toISOString();
const req = (id: string, status: string, requestedDaysAgo: number, closedDaysAgo?: number, extra: Partial<DashRequest> = {}): DashRequest => ({
  id, status, targetStage: "PRODUCTION", requestedAt: ago(requestedDaysAgo), closedAt: closedDaysAgo === undefined ? null : ago(closedDaysAgo),
  modelVersion: { id: `mv_${id}`, version: 1, stage: "STAGING", model: { id: "m", name: "fraud" } }, checks: [], ...extra,
});

describe("openByAge", () => {
  it("lists open requests oldest first and buckets their age", () => {
    const { open, buckets } = openByAge([req("a", "PENDING", 0.5), req("b", "BLOCKED", 40), req("c", "APPROVED", 3, 1), req("d", "PENDING", 3)], now);
    expect(open.map((r) => r.id)).toEqual(["b", "d", "a"]);
    expect(open[0]?.age).toBe(40 * 86400);
    expect(buckets).toEqual([
      { label: "under a day", count: 1 }, { label: "1–7 days", count: 1 }, { label: "7–30 days", count: 0 }, { label: "over 30 days", count: 1 },
    ]);
  });
});

describe("leadTimes", () => {
  it("takes decided requests only, with nearest-rank quantiles", () => {
    const rs = [req("a", "APPROVED", 2, 1), req("b", "REJECTED", 10, 9.5), req("c", "APPROVED", 1, 1 - 1 / 48), req("d", "CANCELLED", 5, 1), req("e", "PENDING", 1)];
    const l = leadTimes(rs);
    expect(l.count).toBe(3);
    expect(l.p50).toBe(43200);
    expect(l.p90).toBe(86400);
    expect(l.buckets.map((b) => b.count)).toEqual([1, 1, 1, 0]);
  });
  it("says nothing of no decisions", () => {
    expect(leadTimes([]).p50).toBeNull();
    expect(quantile([], 0.5)).toBeNull();
  });
});

describe("blockedByCheck", () => {
  it("groups blocked requests by each failing check, most blocking first", () => {
    const failing = (...names: string[]) => ({ checks: [...names.map((name) => ({ name, verdict: "FAILED" })), { name: "BIAS", verdict: "PASSED" }] });
    const g = blockedByCheck([
      req("a", "BLOCKED", 1, undefined, failing("UPSTREAM_VALIDATIONS", "REPRODUCIBILITY")),
      req("b", "BLOCKED", 1, undefined, failing("UPSTREAM_VALIDATIONS")),
      req("c", "PENDING", 1, undefined, failing("UPSTREAM_VALIDATIONS")),
    ]);
    expect(g.map((x) => [x.check, x.requests.map((r) => r.id)])).toEqual([["UPSTREAM_VALIDATIONS", ["a", "b"]], ["REPRODUCIBILITY", ["a"]]]);
  });
});

describe("inProduction", () => {
  it("lists versions still in production with the latest request that put them there", () => {
    const prod = { id: "mv_x", version: 3, stage: "PRODUCTION", model: { id: "m", name: "fraud" } };
    const g = inProduction([
      req("old", "APPROVED", 20, 19, { modelVersion: prod }),
      req("new", "APPROVED", 5, 4, { modelVersion: prod }),
      req("archived", "APPROVED", 30, 29),
      req("staging", "APPROVED", 3, 2, { targetStage: "STAGING", modelVersion: { ...prod, id: "mv_y" } }),
    ]);
    expect(g.map((x) => [x.request.id, x.since])).toEqual([["new", ago(4)]]);
  });
});
