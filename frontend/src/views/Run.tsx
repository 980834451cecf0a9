import { useMemo } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import type { RunQuery as RunData } from "../gql/graphql";
import { AxisToggle, MetricChart, axisFrom } from "../components/MetricChart";
import { Loading, Problem } from "../components/States";
import { NO_DIGEST, runHome, versionDigest } from "../lib/pipeline";
import { DownloadJson } from "../components/Download";
import { Stage } from "../components/Governance";
import { Facets } from "../components/Facets";
import { Artifacts } from "../components/Artifacts";
import { withParams } from "../lib/url";

const RunQuery = graphql(`
  query Run($id: ID!) {
    node(id: $id) {
      ... on Run {
        id name status projectKey startedAt endedAt createdBy seed
        experiment { id name }
        job { id name }
        externalId errorMessage
        parent { id name }
        children { id name status }
        facets { name json }
        params { key value }
        tags { key value }
        code { repo commit dirty }
        environment { imageDigest lockfileHash platform }
        metrics { key count latest { value step } history { step value timestamp } }
        inputs { id version digest integrity dataset { id name namespace } }
        outputs { id version digest integrity dataset { id name namespace } }
        modelOutputs { id version stage model { id name } }
        featureServices { id name namespace }
        reproducibility {
          complete missing
          latestReproduction { id status createdAt createdBy reproductionRun { id name } metrics { key status } }
        }
      }
    }
  }
`);

const ReproduceSpecQuery = graphql(`
  query ReproduceSpec($runId: ID!) {
    reproduceSpec(runId: $runId)
  }
`);

function KeyValues({ title, rows }: { title: string; rows: { key: string; value: string }[] }) {
  return (
    <div className="card">
      <h3>{title}</h3>
      {rows.length === 0 ? (
        <p className="muted">None recorded.</p>
      ) : (
        <table className="kv">
          <tbody>{rows.map((r) => <tr key={r.key}><th scope="row">{r.key}</th><td><code>{r.value}</code></td></tr>)}</tbody>
        </table>
      )}
    </div>
  );
}

type ReproducibilityData = Extract<NonNullable<RunData["node"]>, { __typename?: "Run" }>["reproducibility"];

// Reproducibility says whether a rerun of the run would have everything it
// needs, how the last rerun compared, and offers the rerun's spec.
function Reproducibility({ runId, r }: { runId: string; r: ReproducibilityData }) {
  const rep = r.latestReproduction;
  return (
    <div className="card" data-testid="reproducibility" data-complete={r.complete}>
      <h3>Reproducibility</h3>
      {r.complete ? <p><span className="verdict passed">✓ complete</span> <span className="muted">everything a rerun needs is recorded</span></p> : (
        <>
          <p><span className="verdict failed">incomplete</span> <span className="muted">a rerun would be missing:</span></p>
          <ul className="plain missing">{r.missing.map((m) => <li key={m}><code>{m}</code></li>)}</ul>
        </>
      )}
      {rep ? (
        <p data-testid="reproduction" data-status={rep.status}>
          Latest reproduction: <span className={`verdict ${rep.status === "REPRODUCED" ? "passed" : "failed"}`}>{rep.status.toLowerCase()}</span>{" "}
          by <Link to={`/runs/${rep.reproductionRun.id}`}>{rep.reproductionRun.name}</Link>{" "}
          <span className="muted">({rep.metrics.filter((m) => m.status === "REPRODUCED").length}/{rep.metrics.length} metrics within tolerance; recorded by {rep.createdBy} {new Date(rep.createdAt).toLocaleString()})</span>
        </p>
      ) : <p className="muted">Never reproduced.</p>}
      <DownloadJson label="Reproduce spec" query={ReproduceSpecQuery} variables={{ runId }} field="reproduceSpec" prefix="reproduce" id={runId} />
    </div>
  );
}

// Run is one run: what it was given, what it logged, what it read and wrote.
export default function Run() {
  const { id = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const axis = axisFrom(params);
  const [{ data, error, fetching }] = useQuery({ query: RunQuery, variables: { id } });
  const run = data?.node?.__typename === "Run" ? data.node : null;
  const series = useMemo(() => run?.metrics.map((m) => ({ key: m.key, series: [{ label: run.name, points: m.history }] })) ?? [], [run]);
  if (fetching && !data) return <Loading what="the run" />;
  if (error) return <Problem error={error} />;
  if (!run) return <p>No such run, or you may not read its project. <Link to="/experiments">All experiments</Link></p>;
  const home = runHome(run);
  return (
    <section>
      {home?.kind === "job"
        ? <p className="crumbs"><Link to={`/catalog?project=${encodeURIComponent(run.projectKey)}`}>Catalog</Link> / job <Link to={home.to}>{home.name}</Link></p>
        : <p className="crumbs"><Link to="/experiments">Experiments</Link>{home && <> / <Link to={home.to}>{home.name}</Link></>}</p>}
      <h1>{run.name} <span className={`status ${run.status.toLowerCase()}`}>{run.status.toLowerCase()}</span></h1>
      <p className="muted">
        {run.projectKey} · started by {run.createdBy} {new Date(run.startedAt).toLocaleString()}
        {run.endedAt && <>, ended {new Date(run.endedAt).toLocaleString()}</>}
        {run.seed !== null && run.seed !== undefined && <> · seed {run.seed}</>}
      </p>
      <p><Link to={`/lineage/${run.id}`}>Lineage</Link> · <Link to={`/impact/${run.id}`}>Impact</Link></p>
      {run.errorMessage && <p className="warn" role="status" data-testid="run-error">Failed: <code>{run.errorMessage}</code></p>}
      {(run.job || run.parent || run.children.length > 0 || run.externalId) && (
        <div className="card" data-testid="pipeline-run">
          <h3>Pipeline</h3>
          <table className="kv"><tbody>
            {run.job && <tr><th scope="row">job</th><td><Link to={`/jobs/${run.job.id}`}>{run.job.name}</Link></td></tr>}
            {run.externalId && <tr><th scope="row">OpenLineage runId</th><td><code>{run.externalId}</code></td></tr>}
            {run.parent && <tr><th scope="row">started by</th><td><Link to={`/runs/${run.parent.id}`}>{run.parent.name}</Link></td></tr>}
            {run.children.length > 0 && <tr><th scope="row">started</th><td>{run.children.map((c, i) => <span key={c.id}>{i > 0 && ", "}<Link to={`/runs/${c.id}`}>{c.name}</Link> <span className={`status ${c.status.toLowerCase()}`}>{c.status.toLowerCase()}</span></span>)}</td></tr>}
          </tbody></table>
          <Facets facets={run.facets} />
        </div>
      )}
      <div className="grid">
        <KeyValues title="Params" rows={run.params} />
        <KeyValues title="Tags" rows={run.tags} />
        <div className="card">
          <h3>Code and environment</h3>
          {run.code ? (
            <p><code>{run.code.repo}</code> @ <code>{run.code.commit}</code>{run.code.dirty && <span className="warn-inline"> uncommitted changes</span>}</p>
          ) : <p className="muted">No code reference recorded.</p>}
          {run.environment ? (
            <table className="kv"><tbody>
              {run.environment.imageDigest && <tr><th scope="row">image</th><td><code>{run.environment.imageDigest}</code></td></tr>}
              {run.environment.lockfileHash && <tr><th scope="row">lockfile</th><td><code>{run.environment.lockfileHash}</code></td></tr>}
              {run.environment.platform && <tr><th scope="row">platform</th><td>{run.environment.platform}</td></tr>}
            </tbody></table>
          ) : <p className="muted">No environment recorded.</p>}
        </div>
      </div>
      <div className="grid">
        <div className="card">
          <h3>Inputs</h3>
          <VersionList versions={run.inputs} empty="Read no recorded dataset version." />
          {run.featureServices.length > 0 && (
            <div data-testid="feature-services">
              <h4>Feast feature services</h4>
              <ul className="plain">
                {run.featureServices.map((s) => <li key={s.id}><Link to={`/datasets/${s.id}`}>{s.name}</Link> <code className="muted">{s.namespace}</code></li>)}
              </ul>
            </div>
          )}
        </div>
        <div className="card">
          <h3>Outputs</h3>
          <VersionList versions={run.outputs} empty="Wrote no recorded dataset version." />
          {run.modelOutputs.map((m) => (
            <p key={m.id}><Link to={`/models/${m.model.id}`}>{m.model.name}</Link> v{m.version} <Stage stage={m.stage} /> · <Link to={`/lineage/${m.id}`}>lineage</Link></p>
          ))}
        </div>
        <Reproducibility runId={run.id} r={run.reproducibility} />
      </div>
      <Artifacts runId={run.id} />
      <div className="row">
        <h2>Metrics</h2>
        <AxisToggle axis={axis} onChange={(a) => setParams(withParams(params, { axis: a === "step" ? null : a }), { replace: true })} />
      </div>
      {series.length === 0 ? <p className="muted">This run logged no metrics.</p> : (
        <div className="charts">
          {series.map((s) => <MetricChart key={s.key} title={s.key} series={s.series} axis={axis} />)}
        </div>
      )}
    </section>
  );
}

export function VersionList({ versions, empty }: { versions: { id: string; version: string; digest?: string | null; integrity: string; dataset: { id: string; name: string; namespace: string } }[]; empty: string }) {
  if (versions.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul className="plain">
      {versions.map((v) => (
        <li key={v.id}>
          <Link to={`/datasets/${v.dataset.id}`}>{v.dataset.name}</Link> <code>{v.version}</code> {v.integrity === "NONE" ? <span className="muted">{NO_DIGEST}</span> : <code className="muted" title={v.digest ?? ""}>{versionDigest(v)}</code>} · <Link to={`/lineage/${v.id}`}>lineage</Link>
        </li>
      ))}
    </ul>
  );
}
