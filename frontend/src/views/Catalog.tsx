import { Link, useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { useProject } from "../components/ProjectPicker";
import { SearchBox } from "../components/SearchBox";
import { Loading, Problem } from "../components/States";

const CatalogQuery = graphql(`
  query Catalog($projectKey: String!, $q: String) {
    datasets(projectKey: $projectKey, filter: { nameContains: $q }, first: 100) {
      totalCount
      edges { node { id namespace name description versions(first: 1) { totalCount edges { node { version createdAt qualityStatus } } } } }
    }
    models(projectKey: $projectKey, filter: { nameContains: $q }, first: 100) {
      totalCount
      edges { node { id name versions(first: 1) { totalCount edges { node { version stage createdAt } } } } }
    }
    jobs(projectKey: $projectKey, nameContains: $q, first: 100) {
      totalCount
      edges { node { id namespace name latestRun { id status startedAt } } }
    }
  }
`);

// Catalog lists a project's datasets and models with their latest
// version, and its pipeline jobs with their latest run; the project and
// the search are in the URL.
export default function Catalog() {
  const [params] = useSearchParams();
  const { project, picker } = useProject();
  const q = params.get("q") || null;
  const [{ data, error, fetching }] = useQuery({ query: CatalogQuery, variables: { projectKey: project?.key ?? "", q }, pause: !project });
  const datasets = data?.datasets.edges.map((e) => e.node) ?? [];
  const models = data?.models.edges.map((e) => e.node) ?? [];
  const jobs = data?.jobs.edges.map((e) => e.node) ?? [];
  return (
    <section>
      <div className="row">
        <h1>Datasets and models</h1>
        {picker}
        {project && <Link to={`/dashboards/quality?project=${encodeURIComponent(project.key)}`}>Data-quality dashboard</Link>}
        {project && <Link to={`/feature-views?project=${encodeURIComponent(project.key)}`}>Feature views</Link>}
        <SearchBox label="search the catalog" placeholder="Name or namespace, then Enter" />
      </div>
      {fetching && !data && <Loading what="the catalog" />}
      {error && <Problem error={error} />}
      {data && (
        <div className="grid">
          <div className="card">
            <h3>Datasets <small className="muted">{data.datasets.totalCount}{datasets.length < data.datasets.totalCount && `, newest ${datasets.length} shown`}</small></h3>
            {datasets.length === 0 ? <p className="muted">{q ? `No dataset's name or namespace contains “${q}”.` : "No datasets registered."}</p> : (
              <table className="catalog">
                <thead><tr><th>Dataset</th><th>Versions</th><th>Latest</th><th>Quality</th></tr></thead>
                <tbody>
                  {datasets.map((d) => {
                    const latest = d.versions.edges[0]?.node;
                    return (
                      <tr key={d.id}>
                        <td><Link to={`/datasets/${d.id}`}>{d.name}</Link><div className="muted"><code>{d.namespace}</code></div></td>
                        <td className="num">{d.versions.totalCount}</td>
                        <td>{latest ? <><code>{latest.version}</code> <span className="muted">{new Date(latest.createdAt).toLocaleDateString()}</span></> : "—"}</td>
                        <td data-testid="dataset-quality" data-status={latest?.qualityStatus ?? "NONE"}>
                          {latest?.qualityStatus ? <span className={`verdict ${latest.qualityStatus.toLowerCase()}`}>{latest.qualityStatus.toLowerCase()}</span> : <span className="muted">not validated</span>}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </div>
          <div className="card">
            <h3>Models <small className="muted">{data.models.totalCount}{models.length < data.models.totalCount && `, newest ${models.length} shown`}</small></h3>
            {models.length === 0 ? <p className="muted">{q ? `No model's name contains “${q}”.` : "No models registered."}</p> : (
              <table className="catalog">
                <thead><tr><th>Model</th><th>Versions</th><th>Latest</th></tr></thead>
                <tbody>
                  {models.map((m) => {
                    const latest = m.versions.edges[0]?.node;
                    return (
                      <tr key={m.id}>
                        <td><Link to={`/models/${m.id}`}>{m.name}</Link></td>
                        <td className="num">{m.versions.totalCount}</td>
                        <td>{latest ? <>v{latest.version} <span className={`stage ${latest.stage.toLowerCase()}`}>{latest.stage.toLowerCase()}</span></> : "—"}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </div>
          <div className="card" data-testid="catalog-jobs">
            <h3>Pipeline jobs <small className="muted">{data.jobs.totalCount}{jobs.length < data.jobs.totalCount && `, newest ${jobs.length} shown`}</small></h3>
            {jobs.length === 0 ? <p className="muted">{q ? `No job's name or namespace contains “${q}”.` : "No OpenLineage events have reported a job in this project."}</p> : (
              <table className="catalog">
                <thead><tr><th>Job</th><th>Latest run</th></tr></thead>
                <tbody>
                  {jobs.map((j) => (
                    <tr key={j.id}>
                      <td><Link to={`/jobs/${j.id}`}>{j.name}</Link><div className="muted"><code>{j.namespace}</code></div></td>
                      <td>{j.latestRun ? <><span className={`status ${j.latestRun.status.toLowerCase()}`}>{j.latestRun.status.toLowerCase()}</span> <span className="muted">{new Date(j.latestRun.startedAt).toLocaleDateString()}</span></> : "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
