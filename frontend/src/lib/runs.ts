// The runs table of an experiment: params and latest metrics as columns.

export interface RunRow {
  id: string;
  name: string;
  status: string;
  startedAt: string;
  params: { key: string; value: string }[];
  metrics: { key: string; latest: { value: number } }[];
}

export interface Column {
  id: string;
  label: string;
  value: (r: RunRow) => string | number | null;
}

// columns lists the fixed columns, then every param and metric key any run
// has, sorted.
export function columns(runs: RunRow[]): Column[] {
  const params = [...new Set(runs.flatMap((r) => r.params.map((p) => p.key)))].sort();
  const metrics = [...new Set(runs.flatMap((r) => r.metrics.map((m) => m.key)))].sort();
  return [
    { id: "name", label: "Run", value: (r) => r.name },
    { id: "status", label: "Status", value: (r) => r.status },
    { id: "startedAt", label: "Started", value: (r) => r.startedAt },
    ...params.map((k) => ({ id: `param:${k}`, label: k, value: (r: RunRow) => r.params.find((p) => p.key === k)?.value ?? null })),
    ...metrics.map((k) => ({ id: `metric:${k}`, label: k, value: (r: RunRow) => r.metrics.find((m) => m.key === k)?.latest.value ?? null })),
  ];
}

// sortRuns orders runs by a column; empty cells always sort last, numbers
// numerically, the rest as text.
export function sortRuns(runs: RunRow[], col: Column, desc: boolean): RunRow[] {
  return [...runs].sort((a, b) => {
    const x = col.value(a);
    const y = col.value(b);
    if (x === null && y === null) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
    return desc ? -c : c;
  });
}

/** filterColumn returns the 1-based column a run search error names, or null. */
export function filterColumn(message: string): number | null {
  const m = /filter: column (\d+):/.exec(message);
  return m ? Number(m[1]) : null;
}
