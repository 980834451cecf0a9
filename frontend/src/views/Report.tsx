import { Link, useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { useProject } from "../components/ProjectPicker";
import { Loading, Problem } from "../components/States";
import { SignOffs } from "../components/SignOff";
import { figureRows } from "../lib/report";
import { withParams } from "../lib/url";

const ReportQuery = graphql(`
  query GovernanceReport($projectKey: String!, $experimentId: ID, $since: Time, $until: Time) {
    governanceReport(projectKey: $projectKey, experimentId: $experimentId, since: $since, until: $until) {
      projectKey since until generatedAt
      experiment { id name }
      figures {
        runs reproducibleRuns reproducibilityRate reproducedRuns divergedRuns
        datasetVersionsUsed validatedVersions validationCoverage failingVersions versionsWithDigest
        promotionRequests approved rejected cancelled open leadTimeMeanSeconds leadTimeP50Seconds leadTimeP90Seconds
      }
      inProduction { id version createdAt model { id name } }
      signOffs { id decision findings signedBy signedAt digest }
    }
  }
`);

// dayStart is the start of a YYYY-MM-DD day in UTC, as the API takes it.
function dayStart(d: string | null): string | null {
  return d ? `${d}T00:00:00Z` : null;
}

// Report is a project's (or an experiment's) governance report over a
// period: the figures the hub computes over everything in scope and the
// model versions in production, printable. Project, experiment and period
// live in the URL, so a report is a link.
export default function Report() {
  const [params, setParams] = useSearchParams();
  const { project, picker } = useProject();
  const experiment = params.get("experiment");
  const since = params.get("since");
  const until = params.get("until");
  const [{ data, error, fetching }] = useQuery({
    query: ReportQuery,
    variables: { projectKey: project?.key ?? "", experimentId: experiment, since: dayStart(since), until: dayStart(until) },
    pause: !project,
  });
  const set = (patch: Record<string, string | null>) => setParams(withParams(params, { project: project?.key ?? params.get("project"), ...patch }));
  const r = data?.governanceReport;
  return (
    <section className="report">
      <div className="row noprint">
        <h1>Governance report</h1>
        {picker}
      </div>
      <div className="row noprint">
        <label>From <input aria-label="since" type="date" value={since ?? ""} onChange={(e) => set({ since: e.target.value || null })} /></label>
        <label>To <input aria-label="until" type="date" value={until ?? ""} onChange={(e) => set({ until: e.target.value || null })} /></label>
        {experiment && <button onClick={() => set({ experiment: null })}>The whole project</button>}
        <button onClick={() => window.print()}>Print</button>
      </div>
      {fetching && !data && <Loading what="the report" />}
      {error && <Problem error={error} />}
      {r && (
        <div data-testid="report" data-project={r.projectKey}>
          <h2>
            Project {r.projectKey}
            {r.experiment && <>, experiment <Link to={`/experiments/${r.experiment.id}`}>{r.experiment.name}</Link></>}
          </h2>
          <p className="muted">
            From {r.since ? new Date(r.since).toLocaleDateString() : "the beginning"} to {new Date(r.until).toLocaleString()};
            generated {new Date(r.generatedAt).toLocaleString()}. Counted in the hub's database over every run started and every
            promotion request made in the period.
          </p>
          <table className="kv figures">
            <tbody>
              {figureRows(r.figures).map((f) => (
                <tr key={f.key} data-figure={f.key} data-value={f.value ?? ""}>
                  <th scope="row">{f.label}</th>
                  <td>{f.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="noprint">
            {r.experiment && <><Link to={`/experiments/${r.experiment.id}`}>The experiment's runs and their reproducibility</Link> · </>}
            <Link to={`/approvals?${withParams(new URLSearchParams(), { project: r.projectKey, tab: "all" })}`}>The promotion requests</Link> ·{" "}
            <Link to={`/audit?project=${encodeURIComponent(r.projectKey)}`}>The audit log</Link>
          </p>
          <h3>In production <small className="muted">{r.inProduction.length}</small></h3>
          {r.inProduction.length === 0 ? <p className="muted">No model version is in production.</p> : (
            <ul className="plain" data-testid="in-production">
              {r.inProduction.map((mv) => (
                <li key={mv.id} data-version={mv.id}>
                  <Link to={`/models/${mv.model.id}?version=${mv.id}`}>{mv.model.name} v{mv.version}</Link>{" "}
                  <span className="muted">registered {new Date(mv.createdAt).toLocaleDateString()}</span>
                </li>
              ))}
            </ul>
          )}
          <h3>Sign-offs of earlier reports <small className="muted">{r.signOffs.length}</small></h3>
          <p className="muted">An auditor signs off a report's JSON (<code>hubctl report --format json</code>) with <code>hubctl signoff</code>.</p>
          <SignOffs rows={r.signOffs} empty="No report of this project was signed off." what="report" />
        </div>
      )}
    </section>
  );
}
