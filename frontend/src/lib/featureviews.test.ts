import { describe, expect, it } from "vitest";
import {
  atRiskOnly, byRisk, countOf, currentAfter, feastKindLabel, feastKindsOf, feastLookupBatches, formatTtl,
  nextPage, pageCursors, pageRange, previousPage, withAtRiskOnly, withFeastKinds,
} from "./featureviews";

describe("formatTtl", () => {
  it.each([
    [null, "not set"],
    [undefined, "not set"],
    [0, "never expires"],
    [45, "45 s"],
    [3_600, "1 h"],
    [86_400, "1 d"],
    [90_061, "1 d 1 h 1 min 1 s"],
    [7_230, "2 h 30 s"],
  ])("%s seconds", (s, want) => expect(formatTtl(s)).toBe(want));
});

describe("labels", () => {
  it("names Feast's kinds, and one it does not know", () => {
    expect(feastKindLabel("FEATURE_VIEW")).toBe("Feast feature view");
    expect(feastKindLabel("ON_DEMAND_VIEW")).toBe("Feast on demand view");
  });
  it("counts", () => {
    expect(countOf(1, "feature")).toBe("1 feature");
    expect(countOf(3, "feature")).toBe("3 features");
    expect(countOf(2, "entity", "entities")).toBe("2 entities");
  });
});

describe("byRisk", () => {
  it("puts the worst health first, then Feast project and name, without changing its input", () => {
    const views = [
      { name: "b", namespace: "p", health: "OK" },
      { name: "a", namespace: "p", health: "AT_RISK" },
      { name: "c", namespace: "p", health: "FAILED" },
      { name: "a", namespace: "o", health: "OK" },
      { name: "z", namespace: "p", health: "UNKNOWN" },
    ];
    expect(byRisk(views).map((v) => `${v.namespace}/${v.name}`)).toEqual(["p/c", "p/a", "p/z", "o/a", "p/b"]);
    expect(views[0]!.name).toBe("b");
  });
});

describe("paging in the URL", () => {
  it("goes forward and back through keyset cursors", () => {
    let p = new URLSearchParams("project=x&atRisk=1");
    expect(currentAfter(p)).toBeNull();
    p = nextPage(p, "c1");
    p = nextPage(p, "c,2");
    expect(pageCursors(p)).toEqual(["c1", "c,2"]);
    expect(currentAfter(p)).toBe("c,2");
    p = previousPage(p);
    expect(pageCursors(p)).toEqual(["c1"]);
    expect(p.get("project")).toBe("x");
    expect(previousPage(previousPage(p)).toString()).toBe("project=x&atRisk=1");
  });
  it("starts a new filter on the first page", () => {
    const p = nextPage(new URLSearchParams("project=x"), "c1");
    const on = withAtRiskOnly(p, true);
    expect(atRiskOnly(on)).toBe(true);
    expect(pageCursors(on)).toEqual([]);
    expect(atRiskOnly(withAtRiskOnly(on, false))).toBe(false);
    expect(atRiskOnly(new URLSearchParams("atRisk=yes"))).toBe(false);
  });
  it("says which views a page shows", () => {
    expect(pageRange(1, 25, 25, 60)).toBe("1–25 of 60");
    expect(pageRange(3, 25, 10, 60)).toBe("51–60 of 60");
    expect(pageRange(1, 25, 0, 0)).toBe("0 of 0");
  });
});

describe("Feast nodes in lineage", () => {
  const nodes = [
    { id: "r", kind: "RUN", distance: 0 },
    { id: "v2", kind: "DATASET_VERSION", distance: 2 },
    { id: "v1", kind: "DATASET_VERSION", distance: 1 },
    { id: "d", kind: "DATASET", distance: 3 },
    { id: "m", kind: "MODEL_VERSION", distance: 1 },
  ];
  it("asks about datasets and their versions, nearest first, in batches, up to a cap", () => {
    expect(feastLookupBatches(nodes)).toEqual([["v1", "v2", "d"]]);
    expect(feastLookupBatches(nodes, new Set(), 3, 2)).toEqual([["v1", "v2"], ["d"]]);
    expect(feastLookupBatches(nodes, new Set(["v1"]), 2)).toEqual([["v2"]]);
    expect(feastLookupBatches(nodes, new Set(["v1", "v2"]), 2)).toEqual([]);
    expect(feastLookupBatches(nodes, new Set(["elsewhere"]), 1)).toEqual([["v1"]]);
  });
  it("reads the kinds of datasets and of versions' datasets", () => {
    const kinds = feastKindsOf([
      { __typename: "DatasetVersion", id: "v1", dataset: { feastKind: "FEATURE_VIEW" } },
      { __typename: "DatasetVersion", id: "v2", dataset: { feastKind: null } },
      { __typename: "Dataset", id: "d", feastKind: "DATA_SOURCE" },
      null,
    ]);
    expect([...kinds]).toEqual([["v1", "FEATURE_VIEW"], ["d", "DATA_SOURCE"]]);
  });
  it("marks the nodes, and leaves the array alone when none is Feast's", () => {
    const same = withFeastKinds(nodes, new Map());
    expect(same).toBe(nodes);
    const marked = withFeastKinds(nodes, new Map([["v1", "FEATURE_VIEW"]]));
    expect(marked.find((n) => n.id === "v1")?.feastKind).toBe("FEATURE_VIEW");
    expect(marked.find((n) => n.id === "v2")).toBe(nodes[1]);
  });
});
