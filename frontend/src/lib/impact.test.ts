import { describe, expect, it } from "vitest";
import { impactRows, ownersToNotify, type Report } from "./impact";
import { csv } from "./format";

const report: Report = {
  modelVersions: [
    { id: "mv2", name: "fraud v2", projectKey: "fraud", distance: 3, owner: "carol", stage: "PRODUCTION", inProduction: true },
    { id: "mv1", name: "fraud v1", projectKey: "fraud", distance: 2, owner: "dave", stage: "NONE", inProduction: false },
  ],
  datasetVersions: [{ id: "dv", kind: "DATASET_VERSION", name: "features, v1", projectKey: "fraud", distance: 2, owner: "bob" }],
  runs: [{ id: "r", kind: "RUN", name: "train", projectKey: "fraud", distance: 1, owner: "dave" }],
};

describe("impactRows", () => {
  it("lists models first, in the report's order, and exports as CSV with quoting", () => {
    const rows = impactRows(report);
    expect(rows.map((r) => r[2])).toEqual(["mv2", "mv1", "dv", "r"]);
    expect(csv([["kind", "name"], ...rows.slice(2, 3).map((r) => r.slice(0, 2))])).toBe('kind,name\r\nDATASET_VERSION,"features, v1"');
  });
});

describe("ownersToNotify", () => {
  it("puts owners of production models first, then by nearest affected node", () => {
    expect(ownersToNotify(report)).toEqual([
      { owner: "carol", production: true, nearest: 3, count: 1 },
      { owner: "dave", production: false, nearest: 1, count: 2 },
      { owner: "bob", production: false, nearest: 2, count: 1 },
    ]);
  });
});
