// Pipelines as the views show them: where a run belongs (an experiment or
// a pipeline job), a version's integrity, a job's runs on a timeline, facets
// and the two sides of a column's lineage. Pure functions, unit-tested.

// RunHome is the page a run belongs to.
export type RunHome = { kind: "experiment" | "job"; id: string; name: string; to: string };

// runHome is a run's experiment or, for a pipeline run, its job; null when
// the caller may read neither.
export function runHome(r: { experiment?: { id: string; name: string } | null; job?: { id: string; name: string } | null }): RunHome | null {
  if (r.experiment) return { kind: "experiment", id: r.experiment.id, name: r.experiment.name, to: `/experiments/${r.experiment.id}` };
  if (r.job) return { kind: "job", id: r.job.id, name: r.job.name, to: `/jobs/${r.job.id}` };
  return null;
}

// NO_DIGEST is what a version without a digest shows.
export const NO_DIGEST = "no digest — reported by OpenLineage";

// versionDigest is a version's digest, short as git shows commits, or
// what stands for it when the hub never saw the content.
export function versionDigest(v: { digest?: string | null; integrity?: string | null }, short = true): string {
  if (!v.digest || v.integrity === "NONE") return NO_DIGEST;
  return short && v.digest.length > 12 ? v.digest.slice(0, 12) : v.digest;
}

// TimelineRun is a run as the timeline needs it.
export type TimelineRun = { id: string; status: string; startedAt: string; endedAt?: string | null };

// Bar is one run on the timeline: where it starts and how long it lasts,
// in percent of the span from the earliest start to the latest end.
export type Bar = { id: string; status: string; left: number; width: number; open: boolean; startedAt: string; endedAt: string | null };

// MIN_BAR keeps a run that took no time visible.
const MIN_BAR = 0.5;

// timeline lays runs out on one time axis: a run still open (no endedAt)
// lasts until now. Runs keep their order; unreadable times are left out.
export function timeline(runs: TimelineRun[], now: Date = new Date()): { bars: Bar[]; from: number; to: number } {
  const spans = runs
    .map((r) => {
      const start = Date.parse(r.startedAt);
      const end = r.endedAt ? Date.parse(r.endedAt) : now.getTime();
      return { r, start, end: Math.max(start, end) };
    })
    .filter((s) => !Number.isNaN(s.start) && !Number.isNaN(s.end));
  if (spans.length === 0) return { bars: [], from: 0, to: 0 };
  const from = Math.min(...spans.map((s) => s.start));
  const to = Math.max(...spans.map((s) => s.end));
  const total = to - from;
  const bars = spans.map(({ r, start, end }) => {
    const left = total > 0 ? ((start - from) / total) * 100 : 0;
    const width = total > 0 ? ((end - start) / total) * 100 : 100;
    const w = Math.max(width, MIN_BAR);
    return { id: r.id, status: r.status, left: Math.min(left, 100 - w), width: w, open: !r.endedAt, startedAt: r.startedAt, endedAt: r.endedAt ?? null };
  });
  return { bars, from, to };
}

// prettyJSON indents a facet's JSON for reading; text that is not JSON is
// shown as it is.
export function prettyJSON(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

// ColumnGraph is what the column lineage view reads.
export type ColumnGraph = {
  root: string;
  nodes: { id: string; name: string; distance: number; datasetVersion: { id: string } }[];
  edges: { from: string; to: string }[];
};

// columnSides splits a column lineage graph into the columns upstream of
// the root (it is derived from them) and downstream of it (derived from
// it), each nearest first; a column on both sides (a cycle) is listed on
// both.
export function columnSides<G extends ColumnGraph>(g: G): { upstream: G["nodes"]; downstream: G["nodes"] } {
  const reach = (next: (id: string) => string[]) => {
    const seen = new Set<string>([g.root]);
    const queue = [g.root];
    while (queue.length > 0) {
      const id = queue.shift()!;
      for (const n of next(id)) {
        if (!seen.has(n)) {
          seen.add(n);
          queue.push(n);
        }
      }
    }
    seen.delete(g.root);
    return seen;
  };
  const out = new Map<string, string[]>();
  const into = new Map<string, string[]>();
  for (const e of g.edges) {
    out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
    into.set(e.to, [...(into.get(e.to) ?? []), e.from]);
  }
  const down = reach((id) => out.get(id) ?? []);
  const up = reach((id) => into.get(id) ?? []);
  const byDistance = (a: { distance: number; name: string }, b: { distance: number; name: string }) => a.distance - b.distance || a.name.localeCompare(b.name);
  return {
    upstream: g.nodes.filter((n) => up.has(n.id)).sort(byDistance),
    downstream: g.nodes.filter((n) => down.has(n.id)).sort(byDistance),
  };
}

// Transformation is how one column was made of another.
export type Transformation = { type: string; subtype?: string | null; description?: string | null; masking: boolean };

// transformationsOf is how column id relates to the column beside it on
// the root's side: for a downstream column, how it was made of its inputs;
// for an upstream one, how its outputs were made of it.
export function transformationsOf(
  g: { edges: { from: string; to: string; transformations: Transformation[] }[] },
  id: string,
  side: "upstream" | "downstream",
): Transformation[] {
  return g.edges.filter((e) => (side === "downstream" ? e.to === id : e.from === id)).flatMap((e) => e.transformations);
}
