// The lineage view's state lives in the URL, so every view is a link.

export type Direction = "UPSTREAM" | "DOWNSTREAM" | "BOTH";

export interface LineageState {
  depth: number;
  direction: Direction;
  maxNodes: number;
  kinds: string[];
  asOf: string | null;
  selected: string | null;
  // The two ends of a highlighted path, in the order they were picked.
  path: [string, string] | null;
}

export const defaultLineageState: LineageState = {
  depth: 3,
  direction: "BOTH",
  maxNodes: 500,
  kinds: [],
  asOf: null,
  selected: null,
  path: null,
};

const directions: Direction[] = ["UPSTREAM", "DOWNSTREAM", "BOTH"];

function intIn(v: string | null, min: number, max: number, fallback: number): number {
  if (v === null || !/^\d+$/.test(v)) return fallback;
  const n = Number(v);
  return n >= min && n <= max ? n : fallback;
}

function parsePath(v: string | null): [string, string] | null {
  const ends = (v ?? "").split(",");
  return ends.length === 2 && ends[0] && ends[1] && ends[0] !== ends[1] ? [ends[0], ends[1]] : null;
}

// parseLineageState reads the state from query parameters; anything
// malformed falls back to its default rather than breaking the view.
export function parseLineageState(params: URLSearchParams): LineageState {
  const dir = params.get("direction");
  const asOf = params.get("asOf");
  return {
    depth: intIn(params.get("depth"), 0, 50, defaultLineageState.depth),
    direction: directions.includes(dir as Direction) ? (dir as Direction) : defaultLineageState.direction,
    maxNodes: intIn(params.get("maxNodes"), 1, 5000, defaultLineageState.maxNodes),
    kinds: (params.get("kinds") ?? "").split(",").filter((k) => /^[A-Z_]+$/.test(k)),
    asOf: asOf !== null && !Number.isNaN(Date.parse(asOf)) ? asOf : null,
    selected: params.get("selected"),
    path: parsePath(params.get("path")),
  };
}

// serializeLineageState writes only what differs from the defaults, so
// links stay short and stable.
export function serializeLineageState(s: LineageState): URLSearchParams {
  const p = new URLSearchParams();
  if (s.depth !== defaultLineageState.depth) p.set("depth", String(s.depth));
  if (s.direction !== defaultLineageState.direction) p.set("direction", s.direction);
  if (s.maxNodes !== defaultLineageState.maxNodes) p.set("maxNodes", String(s.maxNodes));
  if (s.kinds.length > 0) p.set("kinds", [...s.kinds].sort().join(","));
  if (s.asOf) p.set("asOf", s.asOf);
  if (s.selected) p.set("selected", s.selected);
  if (s.path) p.set("path", s.path.join(","));
  return p;
}

// withParams is params with patch applied: a value sets its key, null or
// "" removes it. params itself is left as it is.
export function withParams(params: URLSearchParams, patch: Record<string, string | null>): URLSearchParams {
  const p = new URLSearchParams(params);
  for (const [k, v] of Object.entries(patch)) {
    if (v) p.set(k, v);
    else p.delete(k);
  }
  return p;
}
