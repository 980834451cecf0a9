import { Link, useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { useProject } from "../components/ProjectPicker";
import { HealthBadge } from "../components/HealthBadge";
import { Loading, Problem } from "../components/States";
import { atRiskOnly, countOf, currentAfter, nextPage, pageCursors, pageRange, previousPage, withAtRiskOnly } from "../lib/featureviews";

const PAGE_SIZE = 25;

const FeatureViewsQuery = graphql(`
  query FeatureViews($projectKey: String!, $atRisk: Boolean, $first: Int, $after: String) {
    featureViews(projectKey: $projectKey, atRisk: $atRisk, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id namespace name owner features health
          sources { id name }
          services { id name }
        }
      }
    }
  }
`);

function Links({ items, empty }: { items: { id: string; name: string }[]; empty: string }) {
  if (items.length === 0) return <span className="muted">{empty}</span>;
  return <>{items.map((d, i) => <span key={d.id}>{i > 0 && ", "}<Link to={`/datasets/${d.id}`}>{d.name}</Link></span>)}</>;
}

// FeatureViews lists a project's Feast feature views, newest first, with
// their health; the project, the at-risk filter and the page are in the
// URL.
export default function FeatureViews() {
  const [params, setParams] = useSearchParams();
  const { project, picker } = useProject();
  const atRisk = atRiskOnly(params);
  const after = currentAfter(params);
  const page = pageCursors(params).length + 1;
  const [{ data, error, fetching }] = useQuery({
    query: FeatureViewsQuery,
    variables: { projectKey: project?.key ?? "", atRisk, first: PAGE_SIZE, after },
    pause: !project,
  });
  const c = data?.featureViews;
  const views = c?.edges.map((e) => e.node) ?? [];
  return (
    <section>
      <div className="row">
        <h1>Feature views</h1>
        {picker}
        {project && <Link to={`/catalog?project=${encodeURIComponent(project.key)}`}>Datasets and models</Link>}
        <label>
          <input type="checkbox" checked={atRisk} onChange={(e) => setParams(withAtRiskOnly(params, e.target.checked))} /> at risk only
        </label>
      </div>
      <p className="muted">Feast's feature views, as Feast's OpenLineage events (or <code>hubctl feast import</code>) described them. A view is at risk when the latest version of one of its sources failed validation, or data upstream of one did.</p>
      {fetching && !data && <Loading what="the feature views" />}
      {error && <Problem error={error} />}
      {c && (
        <div className="card" data-testid="feature-views" data-at-risk={atRisk} data-page={page}>
          <h3>{atRisk ? "At risk" : "All"} <small className="muted">{pageRange(page, PAGE_SIZE, views.length, c.totalCount)}</small></h3>
          {views.length === 0 ? (
            <p className="muted">{atRisk ? "No feature view is at risk." : "No feature views: Feast has described none in this project."}</p>
          ) : (
            <table className="catalog">
              <thead><tr><th>Feature view</th><th>Feast project</th><th>Features</th><th>Sources</th><th>Services</th><th>Owner</th><th>Health</th></tr></thead>
              <tbody>
                {views.map((v) => (
                  <tr key={v.id} data-testid="feature-view" data-name={v.name} data-health={v.health}>
                    <td><Link to={`/datasets/${v.id}`}>{v.name}</Link></td>
                    <td><code>{v.namespace}</code></td>
                    <td className="num" title={v.features.join(", ")}>{countOf(v.features.length, "feature")}</td>
                    <td><Links items={v.sources} empty="none" /></td>
                    <td><Links items={v.services} empty="none" /></td>
                    <td>{v.owner || <span className="muted">—</span>}</td>
                    <td><HealthBadge health={v.health} short /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {(page > 1 || c.pageInfo.hasNextPage) && (
            <p className="row">
              <button disabled={page === 1} onClick={() => setParams(previousPage(params))}>Previous</button>
              <button disabled={!c.pageInfo.hasNextPage || !c.pageInfo.endCursor} onClick={() => c.pageInfo.endCursor && setParams(nextPage(params, c.pageInfo.endCursor))}>Next</button>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
