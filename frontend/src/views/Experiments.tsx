import { useState } from "react";
import { Link } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { Me } from "./SignIn";

const ProjectsQuery = graphql(`
  query Projects {
    projects(first: 20) {
      edges { node { key name myRole experiments(first: 50) { totalCount edges { node { id name description createdAt runs(first: 1) { totalCount } } } } } }
    }
  }
`);

export function Experiments() {
  const [{ data, error, fetching }] = useQuery({ query: ProjectsQuery });
  const [search, setSearch] = useState("");
  const q = search.trim().toLowerCase();
  return (
    <section>
      <Me />
      <div className="row">
        <h1>Experiments</h1>
        <input aria-label="search experiments" placeholder="Search" value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      {fetching && <p className="muted">Loading…</p>}
      {error && <p className="error">{error.message}</p>}
      {data?.projects.edges.length === 0 && <p className="muted">You can read no project yet: ask an admin for a role.</p>}
      {data?.projects.edges.map(({ node: p }) => {
        const exps = p.experiments.edges.filter(({ node: e }) => !q || e.name.toLowerCase().includes(q) || e.description.toLowerCase().includes(q));
        return (
          <div key={p.key} className="card">
            <h2>{p.name} <small className="muted">{p.key} · {p.myRole.toLowerCase()}</small></h2>
            {exps.length === 0 ? (
              <p className="muted">{q ? "No experiment matches." : "No experiments yet."}</p>
            ) : (
              <table>
                <thead><tr><th>Experiment</th><th>Runs</th><th>Created</th></tr></thead>
                <tbody>
                  {exps.map(({ node: e }) => (
                    <tr key={e.id}>
                      <td><Link to={`/experiments/${e.id}`}>{e.name}</Link><div className="muted">{e.description}</div></td>
                      <td>{e.runs.totalCount}</td>
                      <td>{new Date(e.createdAt).toLocaleDateString()}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        );
      })}
    </section>
  );
}
