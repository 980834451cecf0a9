import { useEffect, useState } from "react";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { formatObserved, formatPercent } from "../lib/quality";
import { Loading, Problem } from "./States";

const RunsQuery = graphql(`
  query VersionValidationRuns($id: ID!) {
    node(id: $id) {
      ... on DatasetVersion {
        id qualityStatus health
        validationRuns(first: 20) {
          totalCount
          edges {
            node {
              id status trigger suiteName suiteVersion engine engineVersion startedAt finishedAt createdBy rowCount sha256
              error { code message row column }
              statistics { evaluated passed failed errored }
              results { index type name column columns severity verdict observed elementCount unexpectedCount unexpectedPercent unexpectedSample message }
            }
          }
        }
      }
    }
  }
`);

function sampleText(s: unknown): string {
  if (s && typeof s === "object" && "value" in s) {
    const { value, row } = s as { value: unknown; row?: number };
    return `${row ? `row ${row}: ` : ""}${JSON.stringify(value)}`;
  }
  return JSON.stringify(s);
}

// ValidationRuns is the validation history of one dataset version, newest
// first, each run's rules with their observed value, verdict and a sample
// of failing values. refresh changes when a validation of the dataset
// completes, and the history is read again.
export function ValidationRuns({ versionId, refresh }: { versionId: string; refresh: number }) {
  const [{ data, error, fetching }, reexecute] = useQuery({ query: RunsQuery, variables: { id: versionId } });
  useEffect(() => {
    if (refresh > 0) reexecute({ requestPolicy: "network-only" });
  }, [refresh, reexecute]);
  const [open, setOpen] = useState<string | null>(null);
  if (fetching && !data) return <Loading what="the validation history" />;
  if (error) return <Problem error={error} />;
  const v = data?.node?.__typename === "DatasetVersion" ? data.node : null;
  if (!v) return null;
  const runs = v.validationRuns.edges.map((e) => e.node);
  if (runs.length === 0) return <p className="muted">This version has not been validated yet.</p>;
  const shown = open ?? runs[0]!.id;
  return (
    <div data-testid="validation-runs">
      <table className="vruns">
        <thead><tr><th>Status</th><th>Suite</th><th>Rules</th><th>Rows</th><th>Finished</th><th>By</th></tr></thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} className={r.id === shown ? "picked" : undefined} onClick={() => setOpen(r.id)} data-status={r.status}>
              <td><span className={`vstatus ${r.status.toLowerCase()}`}>{r.status.toLowerCase()}</span></td>
              <td>{r.suiteName}{r.suiteVersion ? <span className="muted"> v{r.suiteVersion}</span> : <span className="muted"> ({r.engine}{r.engineVersion ? ` ${r.engineVersion}` : ""})</span>}</td>
              <td>{r.statistics ? `${r.statistics.passed}/${r.statistics.evaluated} passed` : "—"}</td>
              <td className="num">{r.rowCount?.toLocaleString() ?? "—"}</td>
              <td>{r.finishedAt ? new Date(r.finishedAt).toLocaleString() : "running…"}</td>
              <td data-trigger={r.trigger}>{r.trigger === "ARRIVAL" ? <span title="started when the version was registered">on arrival</span> : r.createdBy}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {runs.filter((r) => r.id === shown).map((r) => (
        <div key={r.id} className="card" data-testid="validation-run">
          {r.error && <p className="error" role="alert"><strong>{r.error.code}</strong>: {r.error.message}{r.error.row ? ` (row ${r.error.row}${r.error.column ? `, column ${r.error.column}` : ""})` : ""}</p>}
          {r.status === "RUNNING" ? <Loading what="the results: the run is still going" /> : (
            <table className="rules">
              <thead><tr><th>#</th><th>Rule</th><th>Column</th><th>Severity</th><th>Verdict</th><th>Observed</th><th>Unexpected</th><th>Failing values</th></tr></thead>
              <tbody>
                {r.results.map((x) => (
                  <tr key={x.index} data-verdict={x.verdict}>
                    <td>{x.index}</td>
                    <td>{x.name ?? x.type}{x.name && <div className="muted">{x.type}</div>}</td>
                    <td>{x.column ?? x.columns.join(", ")}</td>
                    <td>{x.severity.toLowerCase()}</td>
                    <td><span className={`verdict ${x.verdict.toLowerCase()}`}>{x.verdict.toLowerCase()}</span></td>
                    <td className="num">{formatObserved(x.observed)}</td>
                    <td className="num">{x.unexpectedCount > 0 ? `${formatPercent(x.unexpectedPercent)} (${x.unexpectedCount.toLocaleString()})` : "—"}</td>
                    <td>{x.message ? <span className="muted">{x.message}</span> : x.unexpectedSample.slice(0, 5).map((s, i) => <code key={i} className="sample">{sampleText(s)}</code>)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {r.sha256 && <p className="muted">sha256 of the data read <code>{r.sha256}</code></p>}
        </div>
      ))}
    </div>
  );
}
