// Pure transforms from the API's lineage graph to what the layout engine
// and React Flow take.

export interface LNode {
  id: string;
  kind: string;
  name: string;
  distance: number;
  hasMore: boolean;
  projectKey?: string | null;
  // Data-quality health (OK, WARN, FAILED, AT_RISK, UNKNOWN), when asked for.
  health?: string | null;
  // What Feast made of the node's dataset (FeastKind), when the view has
  // asked: the lineage walk itself cannot say.
  feastKind?: string | null;
}

export interface LEdge {
  from: string;
  to: string;
  kind: string;
  hops: number;
}

export interface LGraph {
  root: string;
  nodes: LNode[];
  edges: LEdge[];
  truncated: boolean;
  truncatedBy: string[];
}

export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 56;

export interface ElkGraph {
  id: string;
  layoutOptions: Record<string, string>;
  children: { id: string; width: number; height: number }[];
  edges: { id: string; sources: string[]; targets: string[] }[];
}

export function edgeId(e: LEdge): string {
  return `${e.from}->${e.to}:${e.kind}`;
}

// LARGE_GRAPH is the size above which the layout trades fewer edge
// crossings for speed: ELK's crossing minimisation dominates its time, and
// at thoroughness 1 a 1,000-node graph lays out about 3 times faster.
export const LARGE_GRAPH = 300;

// elkInput lays data flow left to right in layers; edges whose ends are
// not both in the graph are dropped (they cannot be drawn). React Flow
// draws the edges itself, so ELK routes them the cheapest way (polyline).
export function elkInput(g: LGraph): ElkGraph {
  const ids = new Set(g.nodes.map((n) => n.id));
  return {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.layered.spacing.nodeNodeBetweenLayers": "80",
      "elk.spacing.nodeNode": "24",
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
      "elk.edgeRouting": "POLYLINE",
      "elk.layered.thoroughness": g.nodes.length > LARGE_GRAPH ? "1" : "7",
    },
    children: g.nodes.map((n) => ({ id: n.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: g.edges
      .filter((e) => ids.has(e.from) && ids.has(e.to))
      .map((e) => ({ id: edgeId(e), sources: [e.from], targets: [e.to] })),
  };
}

export interface Positioned {
  id: string;
  x: number;
  y: number;
}

export type FlowNodeData = LNode & { isRoot: boolean; onPath: boolean } & Record<string, unknown>;

export interface FlowNode {
  id: string;
  position: { x: number; y: number };
  data: FlowNodeData;
  type: "lineage";
  initialWidth: number;
  initialHeight: number;
}

export interface FlowEdge {
  id: string;
  source: string;
  target: string;
  label?: string;
  animated: boolean;
  data: { kind: string; hops: number };
}

// toFlow places the nodes where the layout put them (unplaced nodes by
// distance, so a graph is usable before the layout returns) and marks the
// root and the nodes and edges of a highlighted path.
export function toFlow(g: LGraph, positions: Positioned[], path: string[] = []): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const pos = new Map(positions.map((p) => [p.id, p]));
  const onPath = new Set(path);
  const perDistance = new Map<number, number>();
  const nodes = g.nodes.map((n) => {
    let p = pos.get(n.id);
    if (!p) {
      const row = perDistance.get(n.distance) ?? 0;
      perDistance.set(n.distance, row + 1);
      p = { id: n.id, x: n.distance * (NODE_WIDTH + 80), y: row * (NODE_HEIGHT + 24) };
    }
    return {
      id: n.id,
      type: "lineage" as const,
      position: { x: p.x, y: p.y },
      // The layout's own size: a node is drawn at once, not hidden until
      // it is measured (every new list of nodes would hide them all again).
      initialWidth: NODE_WIDTH,
      initialHeight: NODE_HEIGHT,
      data: { ...n, isRoot: n.id === g.root, onPath: onPath.has(n.id) },
    };
  });
  const pathEdges = new Set<string>();
  for (let i = 0; i + 1 < path.length; i++) {
    pathEdges.add(`${path[i]}|${path[i + 1]}`);
    pathEdges.add(`${path[i + 1]}|${path[i]}`);
  }
  const edges = g.edges.map((e) => ({
    id: edgeId(e),
    source: e.from,
    target: e.to,
    label: e.kind === "INDIRECT" ? `${e.hops} hops` : undefined,
    animated: pathEdges.has(`${e.from}|${e.to}`),
    data: { kind: e.kind, hops: e.hops },
  }));
  return { nodes, edges };
}

// mergeGraphs adds an expansion (a node's hidden neighbours) to a graph:
// nodes keep their shortest distance from the original root, and nothing
// appears twice.
export function mergeGraphs(base: LGraph, more: LGraph): LGraph {
  const byId = new Map(base.nodes.map((n) => [n.id, { ...n }]));
  const offset = byId.get(more.root)?.distance ?? 0;
  for (const n of more.nodes) {
    const d = n.distance + offset;
    const have = byId.get(n.id);
    if (!have) {
      byId.set(n.id, { ...n, distance: d });
    } else {
      have.distance = Math.min(have.distance, d);
      have.hasMore = n.id === more.root ? n.hasMore : have.hasMore && n.hasMore;
    }
  }
  const edges = new Map(base.edges.map((e) => [edgeId(e), e]));
  for (const e of more.edges) edges.set(edgeId(e), e);
  return {
    root: base.root,
    nodes: [...byId.values()].sort((a, b) => a.distance - b.distance),
    edges: [...edges.values()],
    truncated: base.truncated || more.truncated,
    truncatedBy: [...new Set([...base.truncatedBy, ...more.truncatedBy])],
  };
}

// warmUpGraph is a small layered graph (a binary tree of n nodes with a
// few cross edges) for warming the layout engine up before a real graph
// arrives.
export function warmUpGraph(n = 20): LGraph {
  const nodes: LNode[] = [];
  const edges: LEdge[] = [];
  for (let i = 0; i < n; i++) {
    nodes.push({ id: `w${i}`, kind: "RUN", name: "", distance: Math.floor(Math.log2(i + 1)), hasMore: false });
    if (i > 0) edges.push({ from: `w${(i - 1) >> 1}`, to: `w${i}`, kind: "PRODUCED", hops: 1 });
    if (i > 4 && i % 3 === 0) edges.push({ from: `w${i - 4}`, to: `w${i}`, kind: "CONSUMED_BY", hops: 1 });
  }
  return { root: "w0", nodes, edges, truncated: false, truncatedBy: [] };
}

// quickLayout places a graph at once, before ELK has finished: layers by
// signed distance from the root along the edges (upstream to the left,
// downstream to the right), each layer ordered by the mean position of
// its neighbours in the layer nearer the root, so related nodes sit
// together and few edges cross. It is linear in the graph's size; ELK's
// layout replaces it when ready.
export function quickLayout(g: LGraph): Positioned[] {
  const out = new Map<string, { from: string; kind: string }[]>();
  const into = new Map<string, { from: string; kind: string }[]>();
  const ids = new Set(g.nodes.map((n) => n.id));
  for (const e of g.edges) {
    if (!ids.has(e.from) || !ids.has(e.to)) continue;
    (out.get(e.from) ?? out.set(e.from, []).get(e.from)!).push({ from: e.to, kind: e.kind });
    (into.get(e.to) ?? into.set(e.to, []).get(e.to)!).push({ from: e.from, kind: e.kind });
  }
  const layer = new Map<string, number>([[g.root, 0]]);
  const queue = [g.root];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    const l = layer.get(id)!;
    for (const n of out.get(id) ?? []) if (!layer.has(n.from)) { layer.set(n.from, l + 1); queue.push(n.from); }
    for (const n of into.get(id) ?? []) if (!layer.has(n.from)) { layer.set(n.from, l - 1); queue.push(n.from); }
  }
  for (const n of g.nodes) if (!layer.has(n.id)) layer.set(n.id, n.distance);
  const byLayer = new Map<number, string[]>();
  const reached = new Set(queue);
  for (const id of queue.concat(g.nodes.map((n) => n.id).filter((id) => !reached.has(id)))) {
    const l = layer.get(id)!;
    (byLayer.get(l) ?? byLayer.set(l, []).get(l)!).push(id);
  }
  const order = new Map<string, number>();
  const layers = [...byLayer.keys()].sort((a, b) => Math.abs(a) - Math.abs(b) || a - b);
  const positions: Positioned[] = [];
  for (const l of layers) {
    const nodes = byLayer.get(l)!;
    const toward = l > 0 ? into : out; // neighbours on the root's side
    const bary = new Map(
      nodes.map((id, i) => {
        const ps = (toward.get(id) ?? []).map((n) => order.get(n.from)).filter((p): p is number => p !== undefined);
        return [id, ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : i] as const;
      }),
    );
    nodes.sort((a, b) => bary.get(a)! - bary.get(b)!);
    nodes.forEach((id, i) => {
      order.set(id, i - (nodes.length - 1) / 2);
      positions.push({ id, x: l * (NODE_WIDTH + 80), y: (i - (nodes.length - 1) / 2) * (NODE_HEIGHT + 24) });
    });
  }
  return positions;
}

// Minimap colours: each kind filled with the saturated tone of its node's
// colour (the nodes' own pale fills vanish at minimap scale), outlined by
// what matters most about it: on the highlighted path, the root, failed
// or at risk, else a darker edge of its own tone.
const minimapFills: Record<string, string> = {
  DATASET: "#444ce7",
  DATASET_VERSION: "#6172f3",
  RUN: "#17b26a",
  MODEL_VERSION: "#f79009",
  JOB: "#7a5af8",
  REDACTED: "#98a2b3",
};

export function minimapColors(d: Pick<FlowNodeData, "kind" | "isRoot" | "onPath" | "health">): { fill: string; stroke: string } {
  const fill = minimapFills[d.kind] ?? "#667085";
  let stroke = "#1d2330";
  if (d.onPath) stroke = "#f04438";
  else if (d.isRoot) stroke = "#101828";
  else if (d.health === "FAILED") stroke = "#d92d20";
  else if (d.health === "AT_RISK") stroke = "#dc6803";
  else stroke = fill;
  return { fill, stroke };
}
