import { Link } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { formatObserved } from "../lib/quality";
import { Loading, Problem } from "./States";

const IssuesQuery = graphql(`
  query QualityIssuesUpstream($id: ID!) {
    qualityIssuesUpstream(id: $id) {
      status distance
      datasetVersion { id version dataset { id name } }
      failingRuns { id suiteName }
      failingRules { index type column verdict observed }
    }
  }
`);

// QualityIssues answers "why is this node at risk?": the failed dataset
// versions upstream of it, nearest first, with the rules that failed.
export function QualityIssues({ id }: { id: string }) {
  const [{ data, error, fetching }] = useQuery({ query: IssuesQuery, variables: { id } });
  if (fetching && !data) return <Loading what="the failed data upstream" />;
  if (error) return <Problem error={error} />;
  const issues = data?.qualityIssuesUpstream ?? [];
  if (issues.length === 0) return <p className="muted">No failed data upstream.</p>;
  return (
    <ul className="plain issues" data-testid="quality-issues">
      {issues.map((q) => (
        <li key={q.datasetVersion.id}>
          <Link to={`/datasets/${q.datasetVersion.dataset.id}?version=${q.datasetVersion.id}`}>{q.datasetVersion.dataset.name} <code>{q.datasetVersion.version}</code></Link>{" "}
          <span className={`vstatus ${q.status.toLowerCase()}`}>{q.status.toLowerCase()}</span>{" "}
          <span className="muted">{q.distance === 0 ? "this version" : `${q.distance} ${q.distance === 1 ? "hop" : "hops"} upstream`}; {q.failingRuns.map((r) => r.suiteName).join(", ")}</span>
          <ul className="plain">
            {q.failingRules.slice(0, 5).map((r) => <li key={`${r.index}`} className="muted">{r.type}{r.column ? ` on ${r.column}` : ""}: {r.verdict.toLowerCase()}, observed {formatObserved(r.observed)}</li>)}
          </ul>
        </li>
      ))}
    </ul>
  );
}
