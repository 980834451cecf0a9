import { Link } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { columnSides, transformationsOf } from "../lib/pipeline";
import { Loading, Problem } from "./States";
import { Stage } from "./Governance";

const ColumnLineageQuery = graphql(`
  query ColumnLineage($versionId: ID!, $column: String!) {
    columnLineage(datasetVersionId: $versionId, column: $column, direction: BOTH, depth: 5, maxNodes: 200) {
      root truncated
      nodes { id name distance datasetVersion { id version dataset { id name } } }
      edges { from to transformations { type subtype description masking } }
      modelVersions { id version stage model { id name } }
    }
  }
`);

// ColumnLineage shows where one column of a dataset version comes from and
// where it goes, from the columnLineage facets producers sent: the columns
// upstream and downstream, each with how it was made, and the model
// versions trained on data downstream of it. The column is picked from the
// version's columns and kept in the URL (?column=).
export function ColumnLineage({ versionId, columns, column, onPick }: { versionId: string; columns: string[]; column: string | null; onPick: (c: string | null) => void }) {
  const picked = column && columns.includes(column) ? column : null;
  const [{ data, error, fetching }] = useQuery({ query: ColumnLineageQuery, variables: { versionId, column: picked ?? "" }, pause: !picked });
  if (columns.length === 0) return null;
  const g = data?.columnLineage;
  const sides = g ? columnSides(g) : null;
  const row = (n: NonNullable<typeof g>["nodes"][number], side: "upstream" | "downstream") => (
    <li key={n.id} data-column={n.name} data-distance={n.distance}>
      <Link to={`/datasets/${n.datasetVersion.dataset.id}?version=${n.datasetVersion.id}&column=${encodeURIComponent(n.name)}`}>
        {n.datasetVersion.dataset.name}<code>.{n.name}</code>
      </Link>{" "}
      <code className="muted">{n.datasetVersion.version}</code> <span className="muted">{n.distance} {n.distance === 1 ? "hop" : "hops"}</span>
      {transformationsOf(g!, n.id, side).map((t, i) => (
        <span key={i} className={`transform${t.masking ? " masking" : ""}`} title={t.description ?? undefined}>
          {t.type.toLowerCase()}{t.subtype && ` ${t.subtype.toLowerCase()}`}{t.description && `: ${t.description}`}{t.masking && " (masked)"}
        </span>
      ))}
    </li>
  );
  return (
    <div className="column-lineage" data-testid="column-lineage">
      <h4>Column lineage</h4>
      <label>Column <select aria-label="column" value={picked ?? ""} onChange={(e) => onPick(e.target.value || null)}>
        <option value="">pick a column…</option>
        {columns.map((c) => <option key={c} value={c}>{c}</option>)}
      </select></label>
      {picked && fetching && !data && <Loading what={`the lineage of ${picked}`} />}
      {error && <Problem error={error} />}
      {g && sides && (
        <>
          {g.truncated && <p className="warn" role="status">The walk was cut at 5 hops or 200 columns: more lies beyond.</p>}
          <div className="grid">
            <div data-testid="upstream-columns">
              <h5>Derived from <small className="muted">{sides.upstream.length}</small></h5>
              {sides.upstream.length === 0 ? <p className="muted">No recorded source: an original column.</p> : <ul className="plain">{sides.upstream.map((n) => row(n, "upstream"))}</ul>}
            </div>
            <div data-testid="downstream-columns">
              <h5>Feeds <small className="muted">{sides.downstream.length}</small></h5>
              {sides.downstream.length === 0 ? <p className="muted">No recorded column is derived from it.</p> : <ul className="plain">{sides.downstream.map((n) => row(n, "downstream"))}</ul>}
            </div>
          </div>
          <h5>Models trained downstream <small className="muted">{g.modelVersions.length}</small></h5>
          {g.modelVersions.length === 0 ? <p className="muted">No model version you may read was trained on data downstream of this column.</p> : (
            <ul className="plain" data-testid="column-models">
              {g.modelVersions.map((m) => <li key={m.id}><Link to={`/models/${m.model.id}?version=${m.id}`}>{m.model.name}</Link> v{m.version} <Stage stage={m.stage} /></li>)}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
