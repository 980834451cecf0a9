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
