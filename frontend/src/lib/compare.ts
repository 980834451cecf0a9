// Pure comparison of runs: a param diff in the shape the compare view
// draws it.

export interface Comparable {
  id: string;
  name: string;
  params: { key: string; value: string }[];
}

export interface DiffRow {
  key: string;
  // One value per run, in the runs' order; null when a run lacks the param.
  values: (string | null)[];
  // True when the runs do not all have the same value (a missing param
  // differs from any value).
  differs: boolean;
}

// paramDiff returns one row per param key of any run: differing keys
// first, then the same ones, each group alphabetical.
export function paramDiff(runs: Comparable[]): DiffRow[] {
  const maps = runs.map((r) => new Map(r.params.map((p) => [p.key, p.value])));
  const keys = new Set(runs.flatMap((r) => r.params.map((p) => p.key)));
  const rows = [...keys].map((key) => {
    const values = maps.map((m) => m.get(key) ?? null);
    return { key, values, differs: new Set(values).size > 1 };
  });
  return rows.sort((a, b) => Number(b.differs) - Number(a.differs) || a.key.localeCompare(b.key));
}

// parseRunList reads the compare view's ?runs= list: distinct, non-empty
// ids in their order.
export function parseRunList(v: string | null): string[] {
  return [...new Set((v ?? "").split(",").map((s) => s.trim()).filter(Boolean))];
}
