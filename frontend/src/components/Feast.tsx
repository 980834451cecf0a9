import { Link } from "react-router-dom";
import { HealthBadge } from "./HealthBadge";
import { byRisk, countOf, feastKindLabel, formatTtl } from "../lib/featureviews";

type Ref = { id: string; name: string };

function Refs({ items, empty }: { items: Ref[]; empty: string }) {
  if (items.length === 0) return <span className="muted">{empty}</span>;
  return <>{items.map((d, i) => <span key={d.id}>{i > 0 && ", "}<Link to={`/datasets/${d.id}`}>{d.name}</Link></span>)}</>;
}

// FeastKindBadge says what Feast made of a dataset.
export function FeastKindBadge({ kind }: { kind: string }) {
  return <span className="feast-kind" data-testid="feast-kind" data-kind={kind}>{feastKindLabel(kind)}</span>;
}

export interface FeatureViewFacts {
  namespace: string;
  owner: string;
  tags: { key: string; value: string }[];
  features: string[];
  entityNames: string[];
  ttlSeconds?: number | null;
  online: boolean;
  sources: Ref[];
  entities: Ref[];
  services: Ref[];
  health: string;
  atRiskSources: { id: string; version: string; qualityStatus?: string | null; dataset: Ref }[];
}

// FeatureViewPanel is a dataset seen as the Feast feature view it is: its
// features and entities, how long its features live and whether they are
// served online, what it is computed from and served by, and its health
// with the source versions that put it at risk.
export function FeatureViewPanel({ view }: { view: FeatureViewFacts }) {
  // Entities Feast lists by name and the hub has no dataset for still count.
  const linked = new Set(view.entities.map((e) => e.name));
  const unlinked = view.entityNames.filter((n) => !linked.has(n));
  return (
    <div className="card" data-testid="feature-view-panel" data-health={view.health}>
      <h3>Feature view <HealthBadge health={view.health} /></h3>
      <table className="kv"><tbody>
        <tr><th scope="row">Feast project</th><td><code>{view.namespace}</code>{view.owner && <span className="muted"> · owned by {view.owner}</span>}</td></tr>
        <tr><th scope="row">{countOf(view.features.length, "feature")}</th><td data-testid="features">{view.features.length === 0 ? <span className="muted">none</span> : view.features.map((f) => <code key={f} className="chip">{f}</code>)}</td></tr>
        <tr><th scope="row">entities</th><td><Refs items={view.entities} empty={unlinked.length ? "" : "none"} />{unlinked.map((n, i) => <span key={n}>{(i > 0 || view.entities.length > 0) && ", "}<code>{n}</code></span>)}</td></tr>
        <tr><th scope="row">time to live</th><td>{formatTtl(view.ttlSeconds)}</td></tr>
        <tr><th scope="row">online</th><td>{view.online ? "served online" : "offline only"}</td></tr>
        <tr><th scope="row">sources</th><td data-testid="fv-sources"><Refs items={view.sources} empty="none recorded" /></td></tr>
        <tr><th scope="row">services</th><td data-testid="fv-services"><Refs items={view.services} empty="no feature service serves it" /></td></tr>
        {view.tags.length > 0 && <tr><th scope="row">tags</th><td>{view.tags.map((t) => <code key={t.key} className="chip">{t.key}={t.value}</code>)}</td></tr>}
      </tbody></table>
      {view.atRiskSources.length > 0 && (
        <>
          <h4>Putting it at risk</h4>
          <ul className="plain" data-testid="at-risk-sources">
            {view.atRiskSources.map((v) => (
              <li key={v.id}>
                <Link to={`/datasets/${v.dataset.id}?version=${v.id}`}>{v.dataset.name}</Link> <code>{v.version}</code>{" "}
                {v.qualityStatus ? <span className={`vstatus ${v.qualityStatus.toLowerCase()}`}>{v.qualityStatus.toLowerCase()}</span> : <span className="muted">at risk upstream</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

// UsedByFeatureViews lists the feature views that read a dataset, worst
// health first.
export function UsedByFeatureViews({ views }: { views: { id: string; namespace: string; name: string; health: string }[] }) {
  if (views.length === 0) return null;
  return (
    <div className="card" data-testid="used-by-feature-views">
      <h3>Used by feature views <small className="muted">{views.length}</small></h3>
      <ul className="plain">
        {byRisk(views).map((v) => (
          <li key={v.id} data-name={v.name} data-health={v.health}>
            <Link to={`/datasets/${v.id}`}>{v.name}</Link> <code className="muted">{v.namespace}</code> <HealthBadge health={v.health} short />
          </li>
        ))}
      </ul>
    </div>
  );
}
