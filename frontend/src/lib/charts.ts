// Pure preparation of metric histories for the charts: uPlot takes one
// shared, sorted x axis and one y array per series, with null where a
// series has no point at that x.

export interface Point {
  step: number;
  value: number;
  timestamp: string;
}

export interface Series {
  label: string;
  points: Point[];
}

export type Axis = "step" | "time";

export type Aligned = [number[], ...(number | null)[][]];

function xOf(p: Point, axis: Axis): number {
  // uPlot's time axis is in seconds.
  return axis === "step" ? p.step : Date.parse(p.timestamp) / 1000;
}

// align merges the series on one x axis. A series with several points at
// the same x (a step logged twice) keeps the last one logged, as MLflow's
// charts do.
export function align(series: Series[], axis: Axis): Aligned {
  const xs = new Set<number>();
  const perSeries = series.map((s) => {
    const m = new Map<number, number>();
    for (const p of s.points) {
      const x = xOf(p, axis);
      if (!Number.isFinite(x)) continue;
      m.set(x, p.value);
      xs.add(x);
    }
    return m;
  });
  const x = [...xs].sort((a, b) => a - b);
  return [x, ...perSeries.map((m) => x.map((v) => m.get(v) ?? null))];
}

// metricKeys lists the metric keys of several runs: keys every run has
// first, then the rest, each group alphabetical.
export function metricKeys(runs: { metrics: { key: string }[] }[]): string[] {
  const counts = new Map<string, number>();
  for (const r of runs) for (const m of r.metrics) counts.set(m.key, (counts.get(m.key) ?? 0) + 1);
  return [...counts.keys()].sort((a, b) => {
    const shared = Number(counts.get(b) === runs.length) - Number(counts.get(a) === runs.length);
    return shared || a.localeCompare(b);
  });
}
