import { describe, expect, it } from "vitest";
import { NODE_HEIGHT, NODE_WIDTH, elkInput, mergeGraphs, minimapColors, quickLayout, toFlow, warmUpGraph, type LGraph } from "./graph";

const g: LGraph = {
  root: "d0",
  nodes: [
    { id: "d0", kind: "DATASET_VERSION", name: "raw@v1", distance: 0, hasMore: false },
    { id: "r1", kind: "RUN", name: "clean", distance: 1, hasMore: true },
    { id: "d1", kind: "DATASET_VERSION", name: "clean@v1", distance: 2, hasMore: false },
  ],
  edges: [
    { from: "d0", to: "r1", kind: "CONSUMED_BY", hops: 1 },
    { from: "r1", to: "d1", kind: "PRODUCED", hops: 1 },
    { from: "d1", to: "gone", kind: "CONSUMED_BY", hops: 1 },
  ],
  truncated: true,
  truncatedBy: ["DEPTH"],
};

describe("elkInput", () => {
  it("has every node and only the edges it can draw", () => {
    const e = elkInput(g);
    expect(e.children.map((c) => c.id)).toEqual(["d0", "r1", "d1"]);
    expect(e.edges.map((x) => [x.sources[0], x.targets[0]])).toEqual([
      ["d0", "r1"],
      ["r1", "d1"],
    ]);
    expect(e.layoutOptions["elk.direction"]).toBe("RIGHT");
    expect(e.layoutOptions["elk.layered.thoroughness"]).toBe("7");
  });
});

describe("toFlow", () => {
  it("uses layout positions and marks the root", () => {
    const f = toFlow(g, [{ id: "r1", x: 300, y: 40 }]);
    expect(f.nodes.find((n) => n.id === "r1")?.position).toEqual({ x: 300, y: 40 });
    expect(f.nodes.find((n) => n.id === "d0")?.data.isRoot).toBe(true);
    expect(f.nodes.find((n) => n.id === "d1")?.data.isRoot).toBe(false);
  });
  it("places unplaced nodes by distance, without overlap", () => {
    const f = toFlow(g, []);
    const xs = f.nodes.map((n) => n.position.x);
    expect(new Set(xs).size).toBe(3);
  });
  it("highlights a path's nodes and edges, in either direction", () => {
    const f = toFlow(g, [], ["d1", "r1", "d0"]);
    expect(f.nodes.every((n) => n.data.onPath)).toBe(true);
    expect(f.edges.filter((e) => e.animated).map((e) => e.id)).toEqual(["d0->r1:CONSUMED_BY", "r1->d1:PRODUCED"]);
  });
  it("gives every node the layout's size, so it is drawn before it is measured", () => {
    // React Flow hides a node without a size until a ResizeObserver
    // measures it; a fresh list of nodes (an expansion, a new layout)
    // would hide them all again.
    const f = toFlow(g, []);
    for (const n of f.nodes) expect([n.initialWidth, n.initialHeight]).toEqual([NODE_WIDTH, NODE_HEIGHT]);
  });
  it("labels indirect edges with their hops", () => {
    const f = toFlow({ ...g, edges: [{ from: "d0", to: "d1", kind: "INDIRECT", hops: 2 }] }, []);
    expect(f.edges[0]?.label).toBe("2 hops");
  });
});

describe("mergeGraphs", () => {
  it("adds an expansion once, at the shortest distance from the first root", () => {
    const more: LGraph = {
      root: "r1",
      nodes: [
        { id: "r1", kind: "RUN", name: "clean", distance: 0, hasMore: false },
        { id: "d1", kind: "DATASET_VERSION", name: "clean@v1", distance: 1, hasMore: false },
        { id: "m1", kind: "MODEL_VERSION", name: "m v1", distance: 2, hasMore: false },
      ],
      edges: [
        { from: "r1", to: "d1", kind: "PRODUCED", hops: 1 },
        { from: "d1", to: "m1", kind: "CONSUMED_BY", hops: 1 },
      ],
      truncated: false,
      truncatedBy: [],
    };
    const m = mergeGraphs(g, more);
    expect(m.nodes.map((n) => [n.id, n.distance])).toEqual([
      ["d0", 0],
      ["r1", 1],
      ["d1", 2],
      ["m1", 3],
    ]);
    expect(m.nodes.find((n) => n.id === "r1")?.hasMore).toBe(false);
    expect(m.edges).toHaveLength(4);
    expect(m.truncatedBy).toEqual(["DEPTH"]);
  });
});

describe("warmUpGraph", () => {
  it("is a connected graph whose edges all have both ends", () => {
    const g = warmUpGraph(20);
    expect(g.nodes).toHaveLength(20);
    expect(elkInput(g).edges.length).toBe(g.edges.length);
    expect(new Set(g.edges.map((e) => e.to)).size).toBe(19);
  });
});

describe("quickLayout", () => {
  // u -> r -> a -> c, r -> b -> c, and x -> b: upstream of the root to
  // its left, downstream to its right, every node placed once.
  const q: LGraph = {
    root: "r",
    nodes: ["r", "u", "a", "b", "c", "x"].map((id, i) => ({ id, kind: "RUN", name: id, distance: i === 0 ? 0 : 1, hasMore: false })),
    edges: [["u", "r"], ["r", "a"], ["r", "b"], ["a", "c"], ["b", "c"], ["x", "b"]].map(([from, to]) => ({ from: from!, to: to!, kind: "PRODUCED", hops: 1 })),
    truncated: false,
    truncatedBy: [],
  };
  const at = new Map(quickLayout(q).map((p) => [p.id, p]));
  it("places every node once, upstream left and downstream right of the root", () => {
    expect(at.size).toBe(6);
    expect(at.get("u")!.x).toBeLessThan(at.get("r")!.x);
    expect(at.get("a")!.x).toBeGreaterThan(at.get("r")!.x);
    expect(at.get("c")!.x).toBeGreaterThan(at.get("a")!.x);
    // x feeds b, which is downstream of the root: x sits in the root's layer.
    expect(at.get("x")!.x).toBe(at.get("r")!.x);
  });
  it("never stacks two nodes of a layer on each other", () => {
    const seen = new Set([...at.values()].map((p) => `${p.x},${p.y}`));
    expect(seen.size).toBe(6);
  });
});

describe("minimapColors", () => {
  const base = { isRoot: false, onPath: false, health: null };
  it("fills each kind with a colour of its own that shows on white", () => {
    const kinds = ["DATASET", "DATASET_VERSION", "RUN", "MODEL_VERSION", "JOB", "REDACTED"];
    const fills = kinds.map((kind) => minimapColors({ ...base, kind }).fill);
    expect(new Set(fills).size).toBe(kinds.length);
    for (const f of fills) {
      const [r = 0, g = 0, b = 0] = [1, 3, 5].map((i) => parseInt(f.slice(i, i + 2), 16));
      // darker than React Flow's default #e2e2e2, which is what made the
      // minimap look empty
      expect(0.2126 * r + 0.7152 * g + 0.0722 * b).toBeLessThan(190);
    }
    expect(minimapColors({ ...base, kind: "SOMETHING_NEW" }).fill).toBe("#667085");
  });
  it("outlines the path first, then the root, then failures and risks", () => {
    const run = { ...base, kind: "RUN" };
    expect(minimapColors(run).stroke).toBe(minimapColors(run).fill);
    expect(minimapColors({ ...run, health: "FAILED" }).stroke).toBe("#d92d20");
    expect(minimapColors({ ...run, health: "AT_RISK" }).stroke).toBe("#dc6803");
    expect(minimapColors({ ...run, health: "FAILED", isRoot: true }).stroke).toBe("#101828");
    expect(minimapColors({ ...run, health: "FAILED", isRoot: true, onPath: true }).stroke).toBe("#f04438");
  });
});
