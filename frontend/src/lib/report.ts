// A governance report's figures as the report page lists them.

export interface Figures {
  runs: number;
  reproducibleRuns: number;
  reproducibilityRate?: number | null;
  reproducedRuns: number;
  divergedRuns: number;
  datasetVersionsUsed: number;
  validatedVersions: number;
  validationCoverage?: number | null;
  failingVersions: number;
  versionsWithDigest: number;
  promotionRequests: number;
  approved: number;
  rejected: number;
  cancelled: number;
  open: number;
  leadTimeMeanSeconds?: number | null;
  leadTimeP50Seconds?: number | null;
  leadTimeP90Seconds?: number | null;
}

export interface FigureRow {
  key: string;
  label: string;
  // value is the figure's main number (what the test reads); text says it.
  value: number | null;
  text: string;
}

export function percent(p: number | null | undefined): string {
  return p == null ? "n/a" : `${(p * 100).toFixed(1)}%`;
}

// seconds says a duration in its two largest units: "3 h 20 min", "45 s".
export function seconds(s: number | null | undefined): string {
  if (s == null) return "n/a";
  const units: [number, string][] = [[86400, "d"], [3600, "h"], [60, "min"], [1, "s"]];
  const parts: string[] = [];
  let rest = Math.round(s);
  for (const [size, name] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)} ${name}`);
      rest %= size;
    } else if (parts.length > 0) {
      break;
    }
  }
  return parts.length > 0 ? parts.join(" ") : "0 s";
}

export function figureRows(f: Figures): FigureRow[] {
  return [
    { key: "runs", label: "Runs started", value: f.runs, text: String(f.runs) },
    { key: "reproducibleRuns", label: "Reproducible (everything a rerun needs recorded)", value: f.reproducibleRuns,
      text: `${f.reproducibleRuns} (${percent(f.reproducibilityRate)})` },
    { key: "reproducedRuns", label: "Reproduced / diverged (newest reproduction)", value: f.reproducedRuns, text: `${f.reproducedRuns} / ${f.divergedRuns}` },
    { key: "datasetVersionsUsed", label: "Dataset versions read", value: f.datasetVersionsUsed, text: String(f.datasetVersionsUsed) },
    { key: "validatedVersions", label: "Validated", value: f.validatedVersions,
      text: `${f.validatedVersions} (${percent(f.validationCoverage)}); ${f.failingVersions} failing` },
    { key: "versionsWithDigest", label: "With a sha256 digest", value: f.versionsWithDigest, text: String(f.versionsWithDigest) },
    { key: "promotionRequests", label: "Promotion requests", value: f.promotionRequests,
      text: `${f.promotionRequests}: ${f.approved} approved, ${f.rejected} rejected, ${f.cancelled} cancelled, ${f.open} open` },
    { key: "leadTime", label: "Lead time, request to decision", value: f.leadTimeP50Seconds ?? null,
      text: `mean ${seconds(f.leadTimeMeanSeconds)}, p50 ${seconds(f.leadTimeP50Seconds)}, p90 ${seconds(f.leadTimeP90Seconds)}` },
  ];
}
