import { Link, useParams } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { Loading, Problem } from "../components/States";
import { Facets } from "../components/Facets";
import { RunTimeline } from "../components/RunTimeline";

const JobQuery = graphql(`
  query Job($id: ID!) {
    node(id: $id) {
      ... on Job {
        id projectKey namespace name description createdAt updatedAt
        sourceCode { repo commit }
        parent { id name }
        children { id name }
        inputs { id namespace name }
        outputs { id namespace name }
        facets { name json }
        latestRun { id status }
        runs(first: 50) {
          totalCount
          edges { node { id name status startedAt endedAt externalId errorMessage } }
        }
      }
    }
  }
`);

type DatasetRef = { id: string; namespace: string; name: string };

function Datasets({ datasets, empty }: { datasets: DatasetRef[]; empty: string }) {
  if (datasets.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul className="plain">
      {datasets.map((d) => <li key={d.id}><Link to={`/datasets/${d.id}`}>{d.name}</Link> <code className="muted">{d.namespace}</code></li>)}
    </ul>
  );
}

// Job is one pipeline step as OpenLineage reported it: what it is (its
// description, source code and facets), its runs on a timeline, what it
// reads and writes, and the jobs around it.
export default function Job() {
  const { id = "" } = useParams();
  const [{ data, error, fetching }] = useQuery({ query: JobQuery, variables: { id } });
  if (fetching && !data) return <Loading what="the job" />;
  if (error) return <Problem error={error} />;
  const job = data?.node?.__typename === "Job" ? data.node : null;
  if (!job) return <p>No such job, or you may not read its project. <Link to="/catalog">The catalog</Link></p>;
  const runs = job.runs.edges.map((e) => e.node);
  return (
    <section data-testid="job" data-job={job.id}>
      <p className="crumbs"><Link to={`/catalog?project=${encodeURIComponent(job.projectKey)}`}>Catalog</Link> / {job.projectKey} / jobs</p>
      <h1>{job.name} {job.latestRun && <span className={`status ${job.latestRun.status.toLowerCase()}`} title="its latest run">{job.latestRun.status.toLowerCase()}</span>}</h1>
      <p className="muted"><code>{job.namespace}</code> · first reported {new Date(job.createdAt).toLocaleString()}, last changed {new Date(job.updatedAt).toLocaleString()}</p>
      {job.description ? <p data-testid="description">{job.description}</p> : <p className="muted">No description (the producer sent no documentation facet).</p>}
      <p><Link to={`/lineage/${job.id}?direction=BOTH&kinds=DATASET_VERSION,JOB`}>Lineage of its runs</Link> · <Link to={`/impact/${job.id}`}>Impact</Link></p>
      <div className="grid">
        <div className="card">
          <h3>Source code</h3>
          {job.sourceCode ? <p data-testid="source-code"><code>{job.sourceCode.repo}</code>{job.sourceCode.commit && <> @ <code>{job.sourceCode.commit}</code></>}</p> : <p className="muted">No source code location reported.</p>}
          {(job.parent || job.children.length > 0) && (
            <table className="kv"><tbody>
              {job.parent && <tr><th scope="row">part of</th><td><Link to={`/jobs/${job.parent.id}`}>{job.parent.name}</Link></td></tr>}
              {job.children.length > 0 && <tr><th scope="row">starts</th><td>{job.children.map((c, i) => <span key={c.id}>{i > 0 && ", "}<Link to={`/jobs/${c.id}`}>{c.name}</Link></span>)}</td></tr>}
            </tbody></table>
          )}
        </div>
        <div className="card">
          <h3>Reads</h3>
          <Datasets datasets={job.inputs} empty="No input reported." />
          <h3>Writes</h3>
          <Datasets datasets={job.outputs} empty="No output reported." />
        </div>
      </div>
      <h2>Runs <small className="muted">{job.runs.totalCount}{runs.length < job.runs.totalCount && `, the latest ${runs.length} shown`}</small></h2>
      {runs.length === 0 ? <p className="muted">No run reported yet.</p> : (
        <>
          <RunTimeline runs={runs} />
          <table className="runs" data-testid="job-runs">
            <thead><tr><th>Run</th><th>Status</th><th>Started</th><th>Ended</th><th>OpenLineage runId</th></tr></thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} data-run={r.id} data-status={r.status}>
                  <td><Link to={`/runs/${r.id}`}>{r.name}</Link>{r.errorMessage && <div className="error">{r.errorMessage}</div>}</td>
                  <td><span className={`status ${r.status.toLowerCase()}`}>{r.status.toLowerCase()}</span></td>
                  <td>{new Date(r.startedAt).toLocaleString()}</td>
                  <td>{r.endedAt ? new Date(r.endedAt).toLocaleString() : <span className="muted">—</span>}</td>
                  <td><code className="muted">{r.externalId ?? "—"}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <div className="card">
        <Facets facets={job.facets} title="Job facets" />
        {job.facets.length === 0 && <p className="muted">No facets.</p>}
      </div>
    </section>
  );
}
