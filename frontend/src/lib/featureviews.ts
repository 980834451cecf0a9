// Feast's feature views in the explorer: labels, the order views are
// listed in, the feature-views page's paging (in the URL), and which
// lineage nodes to ask about Feast.
import type { FeastKind } from "../gql/graphql";

export const feastKindLabels: Record<FeastKind, string> = {
  FEATURE_VIEW: "Feast feature view",
  FEATURE_SERVICE: "Feast feature service",
  ENTITY: "Feast entity",
  DATA_SOURCE: "Feast data source",
};

// feastKindLabel names what Feast made of a dataset; an unknown kind (a
// newer server) is shown as the API spells it.
export function feastKindLabel(kind: string): string {
  return feastKindLabels[kind as FeastKind] ?? `Feast ${kind.toLowerCase().replace(/_/g, " ")}`;
}

// formatTtl shows a feature view's time to live. Feast reads a TTL of 0
// as "features never expire"; null means Feast sent none.
export function formatTtl(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "not set";
  if (seconds <= 0) return "never expires";
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [["d", 86_400], ["h", 3_600], ["min", 60], ["s", 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n} ${unit}`);
    rest -= n * size;
  }
  return parts.join(" ");
}

// countOf writes a count with its noun: "1 feature", "3 features".
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

// Worst first: what needs attention leads a list.
const healthRank: Record<string, number> = { FAILED: 0, AT_RISK: 1, WARN: 2, UNKNOWN: 3, OK: 4 };

// byRisk orders feature views worst health first, then by Feast project
// and name; it returns a new array.
export function byRisk<T extends { health: string; namespace: string; name: string }>(views: readonly T[]): T[] {
  return [...views].sort(
    (a, b) =>
      (healthRank[a.health] ?? 5) - (healthRank[b.health] ?? 5) ||
      a.namespace.localeCompare(b.namespace) ||
      a.name.localeCompare(b.name),
  );
}

// The feature-views page keeps its paging in the URL: one ?after= per page
// before the current one, in order, so Back and a shared link show the same
// page and Previous needs no offset (the API's cursors are keysets).

export function pageCursors(params: URLSearchParams): string[] {
  return params.getAll("after").filter((c) => c !== "");
}

// currentAfter is the cursor the current page starts after; null on the first.
export function currentAfter(params: URLSearchParams): string | null {
  return pageCursors(params).at(-1) ?? null;
}

export function nextPage(params: URLSearchParams, endCursor: string): URLSearchParams {
  const p = new URLSearchParams(params);
  p.append("after", endCursor);
  return p;
}

export function previousPage(params: URLSearchParams): URLSearchParams {
  const cursors = pageCursors(params);
  const p = new URLSearchParams(params);
  p.delete("after");
  for (const c of cursors.slice(0, -1)) p.append("after", c);
  return p;
}

export function atRiskOnly(params: URLSearchParams): boolean {
  return params.get("atRisk") === "1";
}

// withAtRiskOnly turns the filter on or off; a new filter starts at the
// first page, since the old cursors belong to the other list.
export function withAtRiskOnly(params: URLSearchParams, on: boolean): URLSearchParams {
  const p = new URLSearchParams(params);
  p.delete("after");
  if (on) p.set("atRisk", "1");
  else p.delete("atRisk");
  return p;
}

// pageRange says which views a page shows: "1–25 of 60".
export function pageRange(page: number, pageSize: number, shown: number, total: number): string {
  if (shown === 0) return `0 of ${total}`;
  const first = (page - 1) * pageSize + 1;
  return `${first}–${first + shown - 1} of ${total}`;
}

// The lineage view asks which of its dataset and dataset-version nodes
// are Feast objects (LineageNode cannot say): the FEAST_LOOKUP_MAX of them
// nearest the root, less those already asked about, in batches of
// nodes(ids:)'s limit.
export const FEAST_LOOKUP_MAX = 300;
export const FEAST_LOOKUP_BATCH = 100;

export function feastLookupBatches(
  nodes: readonly { id: string; kind: string; distance: number }[],
  asked: ReadonlySet<string> = new Set(),
  max = FEAST_LOOKUP_MAX,
  size = FEAST_LOOKUP_BATCH,
): string[][] {
  const ids = nodes
    .filter((n) => n.kind === "DATASET" || n.kind === "DATASET_VERSION")
    .sort((a, b) => a.distance - b.distance)
    .slice(0, max)
    .map((n) => n.id)
    .filter((id) => !asked.has(id));
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += size) batches.push(ids.slice(i, i + size));
  return batches;
}

type FeastAnswer = { __typename?: string; id?: string; feastKind?: string | null; dataset?: { feastKind?: string | null } | null } | null;

// feastKindsOf reads nodes(ids:)'s answer: the Feast kind of each node
// that is a Feast dataset, or a version of one.
export function feastKindsOf(answer: readonly FeastAnswer[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const n of answer) {
    if (!n?.id) continue;
    const kind = n.feastKind ?? n.dataset?.feastKind;
    if (kind) out.set(n.id, kind);
  }
  return out;
}

// withFeastKinds marks the nodes Feast made; without any, the same array.
export function withFeastKinds<T extends { id: string }>(nodes: T[], kinds: ReadonlyMap<string, string>): (T & { feastKind?: string })[] {
  if (kinds.size === 0) return nodes;
  return nodes.map((n) => {
    const k = kinds.get(n.id);
    return k ? { ...n, feastKind: k } : n;
  });
}
