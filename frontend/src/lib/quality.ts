// Formatting of data-quality results for the dataset page and the lineage
// graph.

// formatObserved shows a rule's observed value: numbers to four significant
// digits (integers whole), booleans and strings as they are, a structured
// value as its fields, null as a dash.
export function formatObserved(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number") return Number.isInteger(v) ? v.toLocaleString("en-US") : String(Number(v.toPrecision(4)));
  if (typeof v === "string" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return v.map(formatObserved).join(", ");
  if (typeof v === "object") {
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k} ${formatObserved(x)}`)
      .join(" · ");
  }
  return String(v);
}

// formatPercent shows an unexpected percentage: two decimals below 10 %,
// one above; null (no denominator) as a dash.
export function formatPercent(p: number | null | undefined): string {
  if (p === null || p === undefined) return "—";
  return `${p < 10 ? p.toFixed(2) : p.toFixed(1)} %`;
}

export const healthLabels: Record<string, string> = {
  OK: "validated, passing",
  WARN: "passing with warnings",
  FAILED: "failed validation",
  AT_RISK: "at risk: failed data upstream",
  UNKNOWN: "not validated",
};

// qualitySummary says what a dataset's data-quality section can claim:
// suites kept in the hub; else results recorded from outside it (Great
// Expectations through hubctl validate --push, OpenLineage quality
// facets) on some of the versions shown; else never validated.
export function qualitySummary(suites: number, versions: readonly { qualityStatus?: string | null }[]): { kind: "suites" | "recorded" | "never"; recorded: number } {
  const recorded = versions.filter((v) => !!v.qualityStatus).length;
  if (suites > 0) return { kind: "suites", recorded };
  return { kind: recorded > 0 ? "recorded" : "never", recorded };
}

// coverage is the quality dashboard's coverage as bars: datasets with a
// suite, versions validated, versions failing, each out of its whole.
export function coverage(q: { datasets: number; datasetsWithSuites: number; versions: number; validatedVersions: number; failingVersions: number }): { label: string; count: number; note: string }[] {
  const of = (n: number, total: number) => `of ${total}${total > 0 ? ` (${Math.round((n / total) * 100)}%)` : ""}`;
  return [
    { label: "datasets with a suite", count: q.datasetsWithSuites, note: of(q.datasetsWithSuites, q.datasets) },
    { label: "versions validated", count: q.validatedVersions, note: of(q.validatedVersions, q.versions) },
    { label: "versions failing", count: q.failingVersions, note: of(q.failingVersions, q.versions) },
  ];
}

// passRateDays is the pass rate of each day with runs, oldest first: the
// runs that passed, noted with the day's rate.
export function passRateDays(days: readonly { day: string; runs: number; passed: number }[]): { label: string; count: number; note: string }[] {
  return days.map((d) => ({
    label: d.day.slice(0, 10),
    count: d.passed,
    note: `of ${d.runs} passed (${d.runs > 0 ? Math.round((d.passed / d.runs) * 100) : 0}%)`,
  }));
}
