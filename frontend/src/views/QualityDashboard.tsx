import { Link, useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { Bars } from "../components/Bars";
import { useProject } from "../components/ProjectPicker";
import { Loading, Problem } from "../components/States";
import { coverage, passRateDays } from "../lib/quality";
import { withParams } from "../lib/url";

const QualityDashboardQuery = graphql(`
  query QualityDashboard($projectKey: String!, $days: Int!) {
    qualityDashboard(projectKey: $projectKey, days: $days) {
      projectKey datasets datasetsWithSuites versions validatedVersions failingVersions awaitingValidation
      days { day runs passed }
      slowestSuites { suite { id name dataset { id name } } runs meanSeconds maxSeconds }
      failing { id version qualityStatus createdAt dataset { id name } }
      modelsAtRisk { id version stage model { id name } }
      datasetsAtRisk { id version dataset { id name } }
    }
  }
`);

const PERIODS = [7, 30, 90];

// QualityDashboard is a project's data quality at a glance: how much is
// validated, the pass rate over time, what fails now, which dataset and
// model versions are at risk downstream, and the slowest suites. The figures are computed in the
// database over the whole project; the period is in the URL.
export default function QualityDashboard() {
  const [params, setParams] = useSearchParams();
  const { project, picker, unreadable } = useProject();
  const days = PERIODS.includes(Number(params.get("days"))) ? Number(params.get("days")) : 30;
  const [{ data, error, fetching }] = useQuery({
    query: QualityDashboardQuery,
    variables: { projectKey: project?.key ?? "", days },
    pause: !project,
    requestPolicy: "cache-and-network",
  });
  const q = data?.qualityDashboard;
  return (
    <section>
      <div className="row">
        <h1>Data-quality dashboard</h1>
        {picker}
        <label>Period{" "}
          <select aria-label="period" value={days} onChange={(e) => setParams(withParams(params, { project: project?.key ?? null, days: e.target.value }))}>
            {PERIODS.map((d) => <option key={d} value={d}>last {d} days</option>)}
          </select>
        </label>
      </div>
      {unreadable && <p className="muted" role="status">You hold no role in project “{unreadable}”, or there is no such project.</p>}
      {fetching && !data && <Loading what="the figures" />}
      {error && <Problem error={error} />}
      {q && (
        <div data-testid="quality-dashboard" data-project={q.projectKey}>
          <div className="grid2">
            <div className="card">
              <h3>Validation coverage</h3>
              <Bars testid="coverage" buckets={coverage(q)} />
              {q.awaitingValidation > 0 && (
                <p className="muted" data-testid="awaiting-validation" data-count={q.awaitingValidation} title="registered versions whose suites run on arrival when the validation queue has room">
                  {q.awaitingValidation.toLocaleString()} new version{q.awaitingValidation === 1 ? "" : "s"} waiting for validation on arrival
                </p>
              )}
            </div>
            <div className="card">
              <h3>Pass rate, last {days} days</h3>
              {q.days.length === 0 ? <p className="muted">No validation finished in the period.</p> : <Bars testid="pass-rate" buckets={passRateDays(q.days)} />}
            </div>
            <div className="card">
              <h3>Failing now <small className="muted">{q.failingVersions} version{q.failingVersions === 1 ? "" : "s"}</small></h3>
              {q.failing.length === 0 ? <p className="muted">No dataset version fails its validations.</p> : (
                <ul className="plain" data-testid="failing">
                  {q.failing.map((v) => (
                    <li key={v.id} data-version={v.id}>
                      <Link to={`/datasets/${v.dataset.id}`}>{v.dataset.name}</Link> <code>{v.version}</code>{" "}
                      <span className={`verdict ${(v.qualityStatus ?? "").toLowerCase()}`}>{(v.qualityStatus ?? "").toLowerCase()}</span>{" "}
                      <Link to={`/impact/${v.id}`}>what it affects</Link>
                    </li>
                  ))}
                </ul>
              )}
            </div>
            <div className="card">
              <h3>Data at risk downstream</h3>
              {q.datasetsAtRisk.length === 0 ? <p className="muted">No dataset version has failed data upstream.</p> : (
                <ul className="plain" data-testid="datasets-at-risk">
                  {q.datasetsAtRisk.map((v) => (
                    <li key={v.id} data-version={v.id}>
                      <Link to={`/datasets/${v.dataset.id}`}>{v.dataset.name}</Link> <code>{v.version}</code>{" "}
                      <Link to={`/lineage/${v.id}`}>why</Link>
                    </li>
                  ))}
                </ul>
              )}
            </div>
            <div className="card">
              <h3>Models at risk downstream</h3>
              {q.modelsAtRisk.length === 0 ? <p className="muted">No model version has failed data upstream.</p> : (
                <ul className="plain" data-testid="models-at-risk">
                  {q.modelsAtRisk.map((m) => (
                    <li key={m.id} data-version={m.id}>
                      <Link to={`/models/${m.model.id}?version=${m.id}`}>{m.model.name} v{m.version}</Link> <span className="muted">{m.stage.toLowerCase()}</span>{" "}
                      <Link to={`/lineage/${m.id}`}>why</Link>
                    </li>
                  ))}
                </ul>
              )}
            </div>
            <div className="card">
              <h3>Slowest suites, last {days} days</h3>
              {q.slowestSuites.length === 0 ? <p className="muted">No suite ran in the period.</p> : (
                <table className="kv" data-testid="slowest-suites">
                  <tbody>
                    {q.slowestSuites.map((s) => (
                      <tr key={s.suite.id} data-suite={s.suite.name}>
                        <th scope="row"><Link to={`/datasets/${s.suite.dataset.id}`}>{s.suite.dataset.name}</Link> / {s.suite.name}</th>
                        <td>mean {s.meanSeconds.toFixed(2)} s, max {s.maxSeconds.toFixed(2)} s over {s.runs} run{s.runs === 1 ? "" : "s"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
