// The governance dashboard's figures, from a project's newest promotion
// requests: what waits and for how long, how long decisions take, what
// blocks, and what the requests put in production.

export type DashRequest = {
  id: string;
  status: string;
  targetStage: string;
  requestedAt: string;
  closedAt?: string | null;
  modelVersion: { id: string; version: number; stage: string; model: { id: string; name: string } };
  checks: { name: string; verdict: string }[];
};

import type { Bucket } from "../components/Bars";

export type { Bucket };

const HOUR = 3600;
const DAY = 24 * HOUR;

const OPEN = ["PENDING", "BLOCKED"];

function bucketize(values: number[], edges: [number, string][], last: string): Bucket[] {
  const out = [...edges.map(([, label]) => ({ label, count: 0 })), { label: last, count: 0 }];
  for (const v of values) {
    const i = edges.findIndex(([edge]) => v < edge);
    out[i < 0 ? edges.length : i]!.count++;
  }
  return out;
}

// openByAge: the open requests, oldest first, with their age in seconds
// at now, and how many fall in each age bucket.
export function openByAge(rs: DashRequest[], now: Date): { open: (DashRequest & { age: number })[]; buckets: Bucket[] } {
  const open = rs
    .filter((r) => OPEN.includes(r.status))
    .map((r) => ({ ...r, age: Math.max(0, (now.getTime() - Date.parse(r.requestedAt)) / 1000) }))
    .sort((a, b) => b.age - a.age);
  const buckets = bucketize(open.map((r) => r.age), [[DAY, "under a day"], [7 * DAY, "1–7 days"], [30 * DAY, "7–30 days"]], "over 30 days");
  return { open, buckets };
}

// quantile is the nearest-rank q-quantile of sorted values; null when empty.
export function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? null;
}

// leadTimes: request to decision of the approved and rejected requests,
// in seconds, bucketed, with the median and the 90th percentile.
export function leadTimes(rs: DashRequest[]): { count: number; p50: number | null; p90: number | null; buckets: Bucket[] } {
  const times = rs
    .filter((r) => (r.status === "APPROVED" || r.status === "REJECTED") && r.closedAt)
    .map((r) => Math.max(0, (Date.parse(r.closedAt!) - Date.parse(r.requestedAt)) / 1000))
    .sort((a, b) => a - b);
  const buckets = bucketize(times, [[HOUR, "under an hour"], [DAY, "1–24 hours"], [7 * DAY, "1–7 days"]], "over 7 days");
  return { count: times.length, p50: quantile(times, 0.5), p90: quantile(times, 0.9), buckets };
}

// blockedByCheck: the blocked requests grouped by each check that fails,
// most blocking first (a request failing two checks counts under both).
export function blockedByCheck(rs: DashRequest[]): { check: string; requests: DashRequest[] }[] {
  const by = new Map<string, DashRequest[]>();
  for (const r of rs.filter((x) => x.status === "BLOCKED")) {
    for (const c of r.checks.filter((c) => c.verdict === "FAILED")) by.set(c.name, [...(by.get(c.name) ?? []), r]);
  }
  return [...by.entries()].map(([check, requests]) => ({ check, requests })).sort((a, b) => b.requests.length - a.requests.length || a.check.localeCompare(b.check));
}

// inProduction: the model versions in production that an approved request
// put there, with that request and its date, newest first; a version
// promoted more than once shows its latest request.
export function inProduction(rs: DashRequest[]): { request: DashRequest; since: string }[] {
  const seen = new Set<string>();
  return rs
    .filter((r) => r.status === "APPROVED" && r.targetStage === "PRODUCTION" && r.modelVersion.stage === "PRODUCTION" && r.closedAt)
    .sort((a, b) => Date.parse(b.closedAt!) - Date.parse(a.closedAt!))
    .filter((r) => !seen.has(r.modelVersion.id) && (seen.add(r.modelVersion.id), true))
    .map((r) => ({ request: r, since: r.closedAt! }));
}
