import { useMemo } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { Loading, Problem } from "../components/States";
import { saveFile } from "../components/Download";
import { csv, kindLabel } from "../lib/format";
import { impactHeader, impactRows, ownersToNotify, type ImpactNode } from "../lib/impact";

const ImpactQuery = graphql(`
  query Impact($id: ID!, $depth: Int, $asOf: Time) {
    impact(id: $id, depth: $depth, asOf: $asOf) {
      root totalAffected hiddenAffected truncated truncatedBy openPromotionRequests owners atRisk
      runs { id kind name projectKey distance owner }
      datasetVersions { id kind name projectKey distance owner }
      modelVersions { id name projectKey distance owner stage inProduction }
    }
  }
`);

const RootQuery = graphql(`
  query ImpactRoot($id: ID!) {
    node(id: $id) {
      __typename
      ... on Run { name }
      ... on Dataset { name }
      ... on DatasetVersion { version dataset { name } }
      ... on Model { name }
      ... on ModelVersion { number: version model { name } }
      ... on Experiment { name }
    }
  }
`);

function NodeTable({ title, nodes, atRisk }: { title: string; nodes: ImpactNode[]; atRisk: Set<string> }) {
  return (
    <div className="card">
      <h3>{title} <small className="muted">{nodes.length}</small></h3>
      {nodes.length === 0 ? <p className="muted">None affected.</p> : (
        <table>
          <thead><tr><th>Name</th><th>Project</th><th>Hops</th><th>Owner</th></tr></thead>
          <tbody>{nodes.map((n) => <tr key={n.id}><td><Link to={n.kind === "RUN" ? `/runs/${n.id}` : `/lineage/${n.id}`}>{n.name}</Link>{atRisk.has(n.id) && <span className="health h-at_risk"> at risk</span>}</td><td>{n.projectKey}</td><td className="num">{n.distance}</td><td>{n.owner}</td></tr>)}</tbody>
        </table>
      )}
    </div>
  );
}

// Impact answers "what breaks if this is wrong?": everything downstream of
// a node, production models and their owners first, exportable as CSV.
export default function Impact() {
  const { id = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const depth = Math.min(50, Math.max(1, Number(params.get("depth")) || 10));
  const asOf = params.get("asOf");
  const [{ data, error, fetching }] = useQuery({ query: ImpactQuery, variables: { id, depth, asOf } });
  const [root] = useQuery({ query: RootQuery, variables: { id } });
  const owners = useMemo(() => (data ? ownersToNotify(data.impact) : []), [data]);
  const n = root.data?.node;
  const rootName = !n ? id : "name" in n ? n.name : "dataset" in n ? `${n.dataset.name} ${n.version}` : "model" in n ? `${n.model.name} v${n.number}` : id;
  return (
    <section>
      <h1>Impact of {rootName}</h1>
      <div className="row">
        <label>Depth <input aria-label="depth" type="number" min={1} max={50} value={depth} onChange={(e) => { const p = new URLSearchParams(params); p.set("depth", e.target.value); setParams(p, { replace: true }); }} /></label>
        <Link to={`/lineage/${id}?direction=DOWNSTREAM`}>See it as a graph</Link>
        <span className="spacer" />
        {data && (
          <button onClick={() => saveFile(`impact-${id}.csv`, csv([impactHeader, ...impactRows(data.impact)]), "text/csv;charset=utf-8")}>Export CSV</button>
        )}
      </div>
      {fetching && !data && <Loading what="everything downstream" />}
      {error && <Problem error={error} />}
      {data && (() => {
        const r = data.impact;
        const prod = r.modelVersions.filter((m) => m.inProduction);
        const atRisk = new Set(r.atRisk);
        return (
          <>
            <p className="summary" data-testid="impact-total" data-total={r.totalAffected}>
              <strong>{r.totalAffected}</strong> affected: {r.modelVersions.length} model versions ({prod.length} in production), {r.datasetVersions.length} dataset versions, {r.runs.length} runs.
              {atRisk.size > 0 && <> <span className="health h-at_risk" data-testid="at-risk" data-count={atRisk.size}>{atRisk.size} already at risk from failed data</span></>}
            </p>
            {r.truncated && <p className="warn" role="status">The walk was cut ({r.truncatedBy.map((t) => (t === "DEPTH" ? "at this depth" : "at 50,000 nodes")).join(", ")}): the count is a lower bound.</p>}
            {r.hiddenAffected && <p className="warn" role="status">It also reaches projects you may not read; their owners are not listed.</p>}
            {r.totalAffected === 0 && <p className="muted">Nothing downstream: no run, dataset or model depends on this.</p>}
            <div className="card">
              <h3>Model versions <small className="muted">{r.modelVersions.length}</small></h3>
              {r.modelVersions.length === 0 ? <p className="muted">No model depends on it.</p> : (
                <table>
                  <thead><tr><th>Model version</th><th>Stage</th><th>Project</th><th>Hops</th><th>Owner</th></tr></thead>
                  <tbody>{r.modelVersions.map((m) => (
                    <tr key={m.id} className={m.inProduction ? "production" : undefined}>
                      <td><Link to={`/lineage/${m.id}?direction=UPSTREAM`}>{m.name}</Link>{atRisk.has(m.id) && <span className="health h-at_risk"> at risk</span>}</td>
                      <td><span className={`stage ${m.stage.toLowerCase()}`}>{m.stage.toLowerCase()}</span></td>
                      <td>{m.projectKey}</td><td className="num">{m.distance}</td><td>{m.owner}</td>
                    </tr>
                  ))}</tbody>
                </table>
              )}
            </div>
            <div className="card">
              <h3>Owners to notify</h3>
              {owners.length === 0 ? <p className="muted">Nobody.</p> : (
                <ul className="plain">{owners.map((o) => <li key={o.owner}><strong>{o.owner}</strong>{o.production && <span className="stage production"> production</span>} <span className="muted">{o.count} affected, nearest {o.nearest} {o.nearest === 1 ? "hop" : "hops"} away</span></li>)}</ul>
              )}
            </div>
            <div className="grid">
              <NodeTable title={kindLabel("DATASET_VERSION") + "s"} nodes={r.datasetVersions} atRisk={atRisk} />
              <NodeTable title="Runs" nodes={r.runs} atRisk={atRisk} />
            </div>
          </>
        );
      })()}
    </section>
  );
}
