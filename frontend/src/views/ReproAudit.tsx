import { useMemo, useState } from "react";
import { Link } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import { Loading, Problem } from "../components/States";
import { canWrite } from "../lib/project";
import { defaultRerun, parseTolerance, REPRODUCES_TAG, rerunsByOriginal, selection, summarize, type Rerun } from "../lib/repro";

const ReproAuditQuery = graphql(`
  query ReproAuditView($experimentId: ID!, $projectKey: String!, $reruns: String!) {
    project(key: $projectKey) { key myRole }
    reproducibilityAudit(experimentId: $experimentId) {
      runs {
        complete missing status
        run {
          id name status
          reproducibility {
            latestReproduction {
              id status tolerance relativeTolerance createdAt createdBy
              reproductionRun { id name }
              metrics { key original reproduced difference status }
            }
          }
        }
      }
    }
    searchRuns(projectKey: $projectKey, filter: $reruns, first: 100) {
      edges { node { id name status startedAt tags { key value } } }
    }
  }
`);

const RecordReproductionMutation = graphql(`
  mutation RecordReproductionView($input: RecordReproductionInput!) {
    recordReproduction(input: $input) { reproduction { id status } }
  }
`);


function num(v: number | null | undefined): string {
  return v === null || v === undefined ? "—" : Number(v.toPrecision(6)).toString();
}

// ReproAudit is an experiment's reproducibility audit: for the picked runs
// (or all), what each records for a rerun, the rerun to compare it with
// (runs tagged exphub.reproduces), and the outcome with every metric.
export default function ReproAudit({ experimentId, projectKey, picked }: { experimentId: string; projectKey: string; picked: string[] }) {
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: ReproAuditQuery,
    variables: { experimentId, projectKey, reruns: `tags.${REPRODUCES_TAG} IS NOT NULL` },
    requestPolicy: "cache-and-network",
  });
  const [recording, record] = useMutation(RecordReproductionMutation);
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [tolerance, setTolerance] = useState("0");
  const [relative, setRelative] = useState("0");
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const reruns = useMemo(() => rerunsByOriginal((data?.searchRuns.edges ?? []).map((e) => e.node as Rerun)), [data]);
  const rows = useMemo(
    () =>
      (data?.reproducibilityAudit.runs ?? []).map((e) => ({
        runId: e.run.id,
        name: e.run.name,
        runStatus: e.run.status,
        complete: e.complete,
        missing: e.missing,
        status: e.status,
        latest: e.run.reproducibility.latestReproduction ?? null,
        latestRerunId: e.run.reproducibility.latestReproduction?.reproductionRun.id ?? null,
      })),
    [data],
  );
  const picked_ = selection(rows, picked);
  if (fetching && !data) return <Loading what="the reproducibility audit" />;
  if (error) return <Problem error={error} />;
  if (!data) return null;
  const canRecord = canWrite(data.project?.myRole);
  const summary = summarize(picked_);
  const pairs = picked_
    .map((r) => ({ r, rerun: chosen[r.runId] ?? defaultRerun(r, reruns.get(r.runId)) }))
    .filter((p): p is { r: (typeof picked_)[number]; rerun: string } => p.rerun !== null && p.rerun !== "" && p.rerun !== p.r.latestRerunId);

  const recordAll = async () => {
    setProblem(null);
    setDone(null);
    const abs = parseTolerance("tolerance", tolerance);
    const rel = parseTolerance("relative tolerance", relative);
    if ("error" in abs || "error" in rel) {
      setProblem("error" in abs ? abs.error : "error" in rel ? rel.error : "");
      return;
    }
    let recorded = 0;
    for (const p of pairs) {
      const res = await record({ input: { originalRunId: p.r.runId, reproductionRunId: p.rerun, tolerance: abs.value, relativeTolerance: rel.value } });
      if (res.error) {
        setProblem(`${p.r.name}: ${res.error.graphQLErrors[0]?.message ?? res.error.message}`);
        break;
      }
      recorded++;
    }
    setDone(`${recorded} reproduction${recorded === 1 ? "" : "s"} recorded.`);
    setChosen({});
    reexecute({ requestPolicy: "network-only" });
  };

  return (
    <div className="card" data-testid="repro-audit">
      <h3>Reproducibility audit</h3>
      <p data-testid="repro-summary">
        {summary.selected} run{summary.selected === 1 ? "" : "s"} {picked.length ? "picked" : "in the experiment"}: {summary.reproduced} reproduced,{" "}
        {summary.diverged} diverged, {summary.notAttempted} not attempted; {summary.complete} record everything a rerun needs.
      </p>
      <p className="muted">
        Rerun a run from its reproduce spec (on its page) with the tag <code>{REPRODUCES_TAG}=&lt;run id&gt;</code>; its reruns are offered below.
        From a terminal: <code>hubctl repro plan|record|report</code>.
      </p>
      <div className="scroll">
        <table className="runs">
          <thead>
            <tr><th>Run</th><th>Records for a rerun</th><th>Compare with</th><th>Outcome</th><th>Metrics (original → rerun)</th></tr>
          </thead>
          <tbody>
            {picked_.map((r) => {
              const candidates = (reruns.get(r.runId) ?? []).filter((x) => x.status === "FINISHED");
              const value = chosen[r.runId] ?? defaultRerun(r, reruns.get(r.runId)) ?? r.latestRerunId ?? "";
              return (
                <tr key={r.runId} data-testid="repro-row" data-run={r.runId} data-status={r.status}>
                  <td><Link to={`/runs/${r.runId}`}>{r.name}</Link> <span className="muted">{r.runStatus.toLowerCase()}</span></td>
                  <td>{r.complete ? "everything" : <span className="muted">missing {r.missing.join(", ")}</span>}</td>
                  <td>
                    {candidates.length === 0 ? (
                      <span className="muted">no rerun tagged yet</span>
                    ) : (
                      <select aria-label={`rerun of ${r.name}`} value={value} disabled={!canRecord} onChange={(e) => setChosen((c) => ({ ...c, [r.runId]: e.target.value }))}>
                        <option value="">—</option>
                        {candidates.map((x) => (
                          <option key={x.id} value={x.id}>{x.name}{x.id === r.latestRerunId ? " (compared)" : ""}</option>
                        ))}
                      </select>
                    )}
                  </td>
                  <td>
                    {r.latest ? (
                      <>
                        <span className={`verdict ${r.status === "REPRODUCED" ? "passed" : "failed"}`}>{r.status.toLowerCase()}</span>{" "}
                        <span className="muted">by <Link to={`/runs/${r.latest.reproductionRun.id}`}>{r.latest.reproductionRun.name}</Link>, ±{num(r.latest.tolerance)} + {num(r.latest.relativeTolerance)}·|a|</span>
                      </>
                    ) : <span className="muted">not attempted</span>}
                  </td>
                  <td>
                    {r.latest?.metrics.map((m) => (
                      <div key={m.key} data-metric-status={m.status}>
                        <code>{m.key}</code> {num(m.original)} → {num(m.reproduced)}{m.difference !== null && m.difference !== undefined ? ` (Δ ${num(m.difference)})` : ""}
                        {m.status !== "REPRODUCED" && <> <span className="verdict failed">outside tolerance</span></>}
                      </div>
                    ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {canRecord ? (
        <form className="row" onSubmit={(e) => { e.preventDefault(); void recordAll(); }}>
          <label>Tolerance <input aria-label="tolerance" size={8} value={tolerance} onChange={(e) => setTolerance(e.target.value)} /></label>
          <label>Relative <input aria-label="relative tolerance" size={8} value={relative} onChange={(e) => setRelative(e.target.value)} /></label>
          <button type="submit" disabled={pairs.length === 0 || recording.fetching}>
            {pairs.length === 0 ? "Nothing new to compare" : `Record ${pairs.length} reproduction${pairs.length === 1 ? "" : "s"}`}
          </button>
        </form>
      ) : (
        <p className="muted">Recording reproductions needs the contributor role in {projectKey}.</p>
      )}
      {problem && <p role="alert" className="problem">{problem}</p>}
      {done && <p role="status">{done}</p>}
    </div>
  );
}
