import { lazy, Suspense, useMemo, useState } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { columns, filterColumn, sortRuns, type RunRow } from "../lib/runs";
import { Loading, Problem } from "../components/States";

const ReproAudit = lazy(() => import("./ReproAudit"));

const ExperimentQuery = graphql(`
  query Experiment($id: ID!) {
    node(id: $id) {
      ... on Experiment {
        id name description projectKey
        runs(first: 100) {
          totalCount
          edges { node { id name status startedAt params { key value } metrics { key latest { value step } } } }
        }
      }
    }
  }
`);

const SearchRunsQuery = graphql(`
  query SearchRuns($projectKey: String!, $experimentIds: [ID!], $filter: String) {
    searchRuns(projectKey: $projectKey, experimentIds: $experimentIds, filter: $filter, first: 100) {
      totalCount
      edges { node { id name status startedAt params { key value } metrics { key latest { value step } } } }
    }
  }
`);

export function Experiment() {
  const { id = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const filter = params.get("q") ?? "";
  const [draft, setDraft] = useState(filter);
  const [{ data, error, fetching }] = useQuery({ query: ExperimentQuery, variables: { id } });
  const projectKey = data?.node && data.node.__typename === "Experiment" ? data.node.projectKey : "";
  const [search] = useQuery({
    query: SearchRunsQuery,
    variables: { projectKey, experimentIds: [id], filter },
    pause: filter === "" || projectKey === "",
  });
  const searchError = filter !== "" ? search.error?.graphQLErrors[0]?.message ?? null : null;
  const errorColumn = searchError ? filterColumn(searchError) : null;
  const [sort, setSort] = useState<{ col: string; desc: boolean }>({ col: "startedAt", desc: true });
  const [picked, setPicked] = useState<string[]>([]);
  const auditing = params.get("audit") === "reproducibility";
  const navigate = useNavigate();
  const exp = data?.node && data.node.__typename === "Experiment" ? data.node : null;
  const found = filter !== "" ? search.data?.searchRuns : undefined;
  const runs: RunRow[] = useMemo(() => (found ?? exp?.runs)?.edges.map((e) => e.node) ?? [], [exp, found]);
  const total = (found ?? exp?.runs)?.totalCount ?? 0;
  const cols = useMemo(() => columns(runs), [runs]);
  const sorted = useMemo(() => {
    const c = cols.find((x) => x.id === sort.col) ?? cols[0];
    return c ? sortRuns(runs, c, sort.desc) : runs;
  }, [runs, cols, sort]);
  if (fetching && !data) return <Loading what="the experiment" />;
  if (error) return <Problem error={error} />;
  if (!exp) return <p>No such experiment, or you may not read it. <Link to="/experiments">All experiments</Link></p>;
  return (
    <section>
      <p><Link to="/experiments">Experiments</Link> / {exp.projectKey}</p>
      <h1>{exp.name}</h1>
      <p><Link to={`/report?project=${encodeURIComponent(exp.projectKey)}&experiment=${encodeURIComponent(exp.id)}`}>Governance report</Link></p>
      <p className="muted">{exp.description}</p>
      <div className="row">
        <p><Link to={`/lineage/${exp.id}`}>Lineage of this experiment</Link> · {total} {filter ? "matching " : ""}runs{total > runs.length && <> (the first {runs.length} shown)</>}</p>
        <span className="spacer" />
        <button disabled={picked.length < 2} onClick={() => navigate(`/compare?runs=${picked.join(",")}`)}>
          Compare {picked.length >= 2 ? `${picked.length} runs` : "(pick two or more)"}
        </button>
        <button
          aria-pressed={auditing}
          onClick={() => {
            const next = new URLSearchParams(params);
            if (auditing) next.delete("audit");
            else next.set("audit", "reproducibility");
            setParams(next);
          }}
        >
          {auditing ? "Close the reproducibility audit" : `Audit reproducibility${picked.length ? ` of ${picked.length} runs` : ""}`}
        </button>
      </div>
      {auditing && (
        <Suspense fallback={<Loading what="the reproducibility audit" />}>
          <ReproAudit experimentId={exp.id} projectKey={exp.projectKey} picked={picked} />
        </Suspense>
      )}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          const next = new URLSearchParams(params);
          if (draft.trim()) next.set("q", draft.trim());
          else next.delete("q");
          setParams(next);
        }}
      >
        <input
          aria-label="run filter"
          className="grow"
          placeholder="metrics.auc > 0.9 and (params.lr = '0.1' or tags.team = 'risk')"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit">Search</button>
      </form>
      {searchError && (
        <div role="alert" className="problem">
          {errorColumn !== null && (
            <pre className="filter-caret">{filter}{"\n"}{" ".repeat(Math.max(0, errorColumn - 1))}^</pre>
          )}
          <p>{searchError}</p>
        </div>
      )}
      {runs.length === 0 ? (
        <p className="muted">No runs yet.</p>
      ) : (
        <div className="scroll">
          <table className="runs">
            <thead>
              <tr>
                <th aria-label="pick"></th>
                {cols.map((c) => (
                  <th key={c.id} onClick={() => setSort((s) => ({ col: c.id, desc: s.col === c.id ? !s.desc : false }))} aria-sort={sort.col === c.id ? (sort.desc ? "descending" : "ascending") : "none"}>
                    {c.label}{sort.col === c.id ? (sort.desc ? " ▼" : " ▲") : ""}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {sorted.map((r) => (
                <tr key={r.id}>
                  <td><input type="checkbox" aria-label={`pick ${r.name}`} checked={picked.includes(r.id)} onChange={(e) => setPicked((p) => (e.target.checked ? [...p, r.id] : p.filter((x) => x !== r.id)))} /></td>
                  {cols.map((c) => {
                    const v = c.value(r);
                    if (c.id === "name") return <td key={c.id}><Link to={`/runs/${r.id}`}>{r.name}</Link></td>;
                    if (c.id === "startedAt") return <td key={c.id}>{new Date(r.startedAt).toLocaleString()}</td>;
                    return <td key={c.id} className={typeof v === "number" ? "num" : undefined}>{v === null ? "" : typeof v === "number" ? v.toPrecision(4) : v}</td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
