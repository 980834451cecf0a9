// A reproducibility audit in the explorer: which runs are audited, which
// rerun each is compared with, and what the outcome is.

// The tag a rerun carries to name the run it reruns (a reproduce spec's
// rerunTags).
export const REPRODUCES_TAG = "exphub.reproduces";

export type Rerun = { id: string; name: string; status: string; startedAt: string; tags: { key: string; value: string }[] };

export type AuditRow = {
  runId: string;
  status: "REPRODUCED" | "DIVERGED" | "NOT_ATTEMPTED";
  // The rerun its latest reproduction compared, if any.
  latestRerunId: string | null;
};

// rerunsByOriginal groups reruns by the run their tag names, newest first.
export function rerunsByOriginal(reruns: Rerun[]): Map<string, Rerun[]> {
  const out = new Map<string, Rerun[]>();
  for (const r of reruns) {
    const original = r.tags.find((t) => t.key === REPRODUCES_TAG)?.value;
    if (!original) continue;
    out.set(original, [...(out.get(original) ?? []), r]);
  }
  for (const list of out.values()) list.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  return out;
}

// defaultRerun is the rerun to compare a run with: the newest finished
// rerun tagged for it that its latest reproduction did not compare yet;
// null when there is none (nothing new to record).
export function defaultRerun(row: AuditRow, candidates: Rerun[] | undefined): string | null {
  const fresh = (candidates ?? []).find((r) => r.status === "FINISHED" && r.id !== row.latestRerunId);
  return fresh?.id ?? null;
}

// selection is the audited rows: the picked runs in the order of the
// audit, or every run when none is picked.
export function selection<T extends { runId: string }>(rows: T[], picked: string[]): T[] {
  return picked.length === 0 ? rows : rows.filter((r) => picked.includes(r.runId));
}

export type Summary = { selected: number; reproduced: number; diverged: number; notAttempted: number; complete: number };

export function summarize(rows: (AuditRow & { complete: boolean })[]): Summary {
  const s: Summary = { selected: rows.length, reproduced: 0, diverged: 0, notAttempted: 0, complete: 0 };
  for (const r of rows) {
    if (r.status === "REPRODUCED") s.reproduced++;
    else if (r.status === "DIVERGED") s.diverged++;
    else s.notAttempted++;
    if (r.complete) s.complete++;
  }
  return s;
}

// parseTolerance reads a tolerance field: a finite number ≥ 0, or an error
// that names the field.
export function parseTolerance(label: string, text: string): { value: number } | { error: string } {
  const t = text.trim();
  const v = t === "" ? 0 : Number(t);
  if (!Number.isFinite(v) || v < 0) return { error: `${label}: want a number ≥ 0, got "${t.slice(0, 20)}"` };
  return { value: v };
}
