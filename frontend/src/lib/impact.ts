// Pure shaping of an impact report for its table and its CSV export.

export interface ImpactNode {
  id: string;
  kind: string;
  name: string;
  projectKey: string;
  distance: number;
  owner: string;
}

export interface ImpactModel {
  id: string;
  name: string;
  projectKey: string;
  distance: number;
  owner: string;
  stage: string;
  inProduction: boolean;
}

export interface Report {
  runs: ImpactNode[];
  datasetVersions: ImpactNode[];
  modelVersions: ImpactModel[];
}

export const impactHeader = ["kind", "name", "id", "project", "distance", "owner", "stage", "in_production"];

// impactRows lists every affected node in the report's order of concern:
// model versions (production first, as the API sorts them), then dataset
// versions, then runs, each nearest first.
export function impactRows(r: Report): (string | number | boolean)[][] {
  return [
    ...r.modelVersions.map((m) => ["MODEL_VERSION", m.name, m.id, m.projectKey, m.distance, m.owner, m.stage, m.inProduction]),
    ...r.datasetVersions.map((n) => [n.kind, n.name, n.id, n.projectKey, n.distance, n.owner, "", ""]),
    ...r.runs.map((n) => [n.kind, n.name, n.id, n.projectKey, n.distance, n.owner, "", ""]),
  ];
}

// ownersToNotify orders owners by how close their nearest affected node
// is, owners of production models first.
export function ownersToNotify(r: Report): { owner: string; production: boolean; nearest: number; count: number }[] {
  const by = new Map<string, { owner: string; production: boolean; nearest: number; count: number }>();
  const add = (owner: string, distance: number, production: boolean) => {
    const o = by.get(owner) ?? { owner, production: false, nearest: Infinity, count: 0 };
    o.production ||= production;
    o.nearest = Math.min(o.nearest, distance);
    o.count++;
    by.set(owner, o);
  };
  for (const m of r.modelVersions) add(m.owner, m.distance, m.inProduction);
  for (const n of [...r.datasetVersions, ...r.runs]) add(n.owner, n.distance, false);
  return [...by.values()].sort((a, b) => Number(b.production) - Number(a.production) || a.nearest - b.nearest || a.owner.localeCompare(b.owner));
}
