import { lazy, Suspense, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { Me } from "./SignIn";
import { useProject } from "../components/ProjectPicker";
import { SearchBox } from "../components/SearchBox";
import { Loading, Problem } from "../components/States";

// The webhooks panel is for a project's admins only: it loads when one
// opens their project. myRole is the caller's strongest role and ADMIN
// tops the ladder, so equality is the rule; lib/approvals' allows() says
// the same but would bring its chunk into the first load (npm run size).
const Webhooks = lazy(() => import("../components/Webhooks"));

const ExperimentsQuery = graphql(`
  query Experiments($projectKey: String!, $q: String, $after: String) {
    experiments(projectKey: $projectKey, filter: { nameContains: $q }, first: 50, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id name description createdAt createdBy runs(first: 1) { totalCount } } }
    }
  }
`);

// Page is one page of 50 experiments; the last page offers the next.
function Page({ projectKey, q, after, onMore }: { projectKey: string; q: string | null; after: string | null; onMore: ((cursor: string) => void) | null }) {
  const [{ data, error, fetching }] = useQuery({ query: ExperimentsQuery, variables: { projectKey, q, after } });
  if (fetching && !data) return <tr><td colSpan={4}><Loading what="experiments" /></td></tr>;
  if (error) return <tr><td colSpan={4}><Problem error={error} /></td></tr>;
  const c = data!.experiments;
  return (
    <>
      {after === null && c.totalCount === 0 && <tr><td colSpan={4} className="muted">{q ? `No experiment's name contains “${q}”.` : "No experiments yet."}</td></tr>}
      {c.edges.map(({ node: e }) => (
        <tr key={e.id}>
          <td><Link to={`/experiments/${e.id}`}>{e.name}</Link><div className="muted">{e.description}</div></td>
          <td className="num">{e.runs.totalCount}</td>
          <td>{e.createdBy}</td>
          <td>{new Date(e.createdAt).toLocaleDateString()}</td>
        </tr>
      ))}
      {onMore && c.pageInfo.hasNextPage && c.pageInfo.endCursor && (
        <tr><td colSpan={4}><button onClick={() => onMore(c.pageInfo.endCursor!)}>Show 50 more of {c.totalCount}</button></td></tr>
      )}
    </>
  );
}

// Experiments lists a project's experiments, newest first, with a search
// by name; the project and the search are in the URL.
export function Experiments() {
  const [params] = useSearchParams();
  const { project, picker, unreadable } = useProject();
  const q = params.get("q") || null;
  const [pages, setPages] = useState<{ key: string; cursors: (string | null)[] }>({ key: "", cursors: [null] });
  const listKey = `${project?.key}|${q}`;
  const cursors = pages.key === listKey ? pages.cursors : [null];
  return (
    <section>
      <Me />
      <div className="row">
        <h1>Experiments</h1>
        {picker}
        <SearchBox label="search experiments" placeholder="Search by name, then Enter" />
      </div>
      {unreadable && (
        <p className="muted" role="status" data-testid="unreadable-project">
          You hold no role in project “{unreadable}”, or there is no such project: pick one of yours.
        </p>
      )}
      {project && (
        <div className="card">
          <h2>{project.name} <small className="muted">{project.key}{project.myRole && ` · ${project.myRole.toLowerCase()}`}</small></h2>
          <p><Link to={`/catalog?project=${project.key}`}>Its datasets and models</Link></p>
          <table>
            <thead><tr><th>Experiment</th><th>Runs</th><th>Created by</th><th>Created</th></tr></thead>
            <tbody>
              {cursors.map((after, i) => (
                <Page key={after ?? "first"} projectKey={project.key} q={q} after={after}
                  onMore={i === cursors.length - 1 ? (c) => setPages({ key: listKey, cursors: [...cursors, c] }) : null} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {project && project.myRole === "ADMIN" && (
        <Suspense fallback={<Loading what="the webhooks" />}>
          <Webhooks key={project.key} projectKey={project.key} />
        </Suspense>
      )}
    </section>
  );
}
