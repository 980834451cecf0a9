import { Link, useParams } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { Loading, Problem } from "../components/States";

const ModelQuery = graphql(`
  query Model($id: ID!) {
    node(id: $id) {
      ... on Model {
        id name projectKey createdAt createdBy
        versions(first: 50) {
          totalCount
          edges { node { id version uri stage createdAt createdBy run { id name experiment { id name } } } }
        }
      }
    }
  }
`);

// Model is one registered model: its versions, newest first, with the
// stage each is in and the run that trained it.
export default function Model() {
  const { id = "" } = useParams();
  const [{ data, error, fetching }] = useQuery({ query: ModelQuery, variables: { id } });
  if (fetching && !data) return <Loading what="the model" />;
  if (error) return <Problem error={error} />;
  const m = data?.node?.__typename === "Model" ? data.node : null;
  if (!m) return <p>No such model, or you may not read its project. <Link to="/catalog">The catalog</Link></p>;
  const versions = m.versions.edges.map((e) => e.node);
  return (
    <section>
      <p className="crumbs"><Link to="/catalog">Catalog</Link> / {m.projectKey}</p>
      <h1>{m.name}</h1>
      <p className="muted">registered by {m.createdBy} {new Date(m.createdAt).toLocaleDateString()} · {m.versions.totalCount} versions · <Link to={`/lineage/${m.id}?direction=UPSTREAM`}>upstream lineage</Link></p>
      {versions.length === 0 ? <p className="muted">No versions registered yet.</p> : (
        <table className="versions">
          <thead><tr><th>Version</th><th>Stage</th><th>Trained by</th><th>Artifact</th><th>Created</th><th></th></tr></thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id}>
                <td>v{v.version}</td>
                <td><span className={`stage ${v.stage.toLowerCase()}`}>{v.stage.toLowerCase()}</span></td>
                <td>{v.run ? <><Link to={`/runs/${v.run.id}`}>{v.run.name}</Link> <span className="muted">in {v.run.experiment.name}</span></> : <span className="muted">not recorded</span>}</td>
                <td><code>{v.uri}</code></td>
                <td>{new Date(v.createdAt).toLocaleString()} <span className="muted">by {v.createdBy}</span></td>
                <td><Link to={`/lineage/${v.id}?direction=UPSTREAM`}>lineage</Link> · <Link to={`/impact/${v.id}`}>impact</Link></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
