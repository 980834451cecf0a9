import { useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { ValidationRuns } from "../components/ValidationRuns";
import { SuiteEditor, type EditedSuite } from "../components/SuiteEditor";
import { healthLabels, qualitySummary } from "../lib/quality";
import { graphql } from "../gql";
import { Loading, Problem } from "../components/States";
import { useLiveTicks, useRefreshOn } from "../components/Live";
import { NO_DIGEST, prettyJSON, runHome, versionDigest } from "../lib/pipeline";
import { Facets } from "../components/Facets";
import { ColumnLineage } from "../components/ColumnLineage";
import { withParams } from "../lib/url";
import { FeastKindBadge, FeatureViewPanel, UsedByFeatureViews } from "../components/Feast";

const DatasetQuery = graphql(`
  query Dataset($id: ID!) {
    node(id: $id) {
      ... on Dataset {
        id namespace name description projectKey createdAt createdBy
        facets { name json }
        feastKind
        featureView {
          id namespace owner tags { key value } features entityNames ttlSeconds online health
          sources { id name } entities { id name } services { id name }
          atRiskSources { id version qualityStatus dataset { id name } }
        }
        usedByFeatureViews { id namespace name health }
        jobs { id namespace name latestRun { id status } }
        validationSuites(first: 20) { totalCount edges { node { id name version ruleCount onArrival definition updatedAt updatedBy template { template { id name version } version upToDate } } } }
        versions(first: 50) {
          totalCount
          edges {
            node {
              id version uri digest integrity source statistics columns rowCount createdAt createdBy qualityStatus awaitingValidation health
              facets { name json }
              schema { name type nullable }
              producedBy { id name experiment { id name } job { id name } }
              consumedBy { id name projectKey experiment { id name } job { id name } }
              derivedFrom { id version dataset { id name } }
            }
          }
        }
      }
    }
  }
`);

const CompletedSubscription = graphql(`
  subscription ValidationCompleted($datasetId: ID!, $after: String) {
    validationCompleted(datasetId: $datasetId, after: $after) { cursor seq payload }
  }
`);

const SetOnArrival = graphql(`
  mutation SetSuiteOnArrival($suiteId: ID!, $onArrival: Boolean!) {
    setValidationSuiteOnArrival(input: { suiteId: $suiteId, onArrival: $onArrival }) { validationSuite { id onArrival } changed }
  }
`);

const RunValidation = graphql(`
  mutation RunValidation($suiteId: ID!, $versionId: ID!) {
    runValidation(input: { suiteId: $suiteId, datasetVersionId: $versionId }) { validationRun { id status } }
  }
`);

type RunRef = { id: string; name: string; experiment?: { id: string; name: string } | null; job?: { id: string; name: string } | null };

function Runs({ runs, empty }: { runs: RunRef[]; empty: string }) {
  if (runs.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul className="plain">
      {runs.map((r) => {
        const home = runHome(r);
        return <li key={r.id}><Link to={`/runs/${r.id}`}>{r.name}</Link>{home && <span className="muted"> in {home.kind === "job" ? "job " : ""}<Link to={home.to}>{home.name}</Link></span>}</li>;
      })}
    </ul>
  );
}

// Dataset is one dataset: its versions (newest first) with digest, schema
// and row count, and the runs that wrote and read each. ?version= picks
// the version shown in full.
export default function Dataset() {
  const { id = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const [{ data, error, fetching }, reexecute] = useQuery({ query: DatasetQuery, variables: { id } });
  // Validations finishing update the page live: the subscription starts at
  // the log's position when the page opened, so none is missed.
  const completed = useLiveTicks(CompletedSubscription, { datasetId: id });
  useRefreshOn(completed.ticks, reexecute);
  // A validation started here waits for the next one to complete.
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const started = startedAt !== null && startedAt === completed.ticks;
  const [runState, runValidation] = useMutation(RunValidation);
  const [arrivalState, setOnArrival] = useMutation(SetOnArrival);
  // The suite being written: "new", one of the dataset's, or none.
  const [editing, setEditing] = useState<EditedSuite | "new" | null>(null);
  if (fetching && !data) return <Loading what="the dataset" />;
  if (error) return <Problem error={error} />;
  const ds = data?.node?.__typename === "Dataset" ? data.node : null;
  if (!ds) return <p>No such dataset, or you may not read its project. <Link to="/catalog">The catalog</Link></p>;
  const versions = ds.versions.edges.map((e) => e.node);
  const current = versions.find((v) => v.id === params.get("version")) ?? versions[0];
  const quality = qualitySummary(ds.validationSuites.totalCount, versions);
  return (
    <section>
      <p className="crumbs"><Link to="/catalog">Catalog</Link> / {ds.projectKey}</p>
      <h1>{ds.name} {ds.feastKind && <FeastKindBadge kind={ds.feastKind} />}</h1>
      <p className="muted"><code>{ds.namespace}</code> · registered by {ds.createdBy} {new Date(ds.createdAt).toLocaleDateString()}</p>
      {ds.description && <p>{ds.description}</p>}
      <p><Link to={`/lineage/${ds.id}`}>Lineage of every version</Link> · <Link to={`/impact/${ds.id}`}>Impact: what breaks if this is wrong?</Link></p>
      {ds.featureView && <FeatureViewPanel view={ds.featureView} />}
      <UsedByFeatureViews views={ds.usedByFeatureViews} />
      {ds.jobs.length > 0 && (
        <div className="card" data-testid="dataset-jobs">
          <h3>Pipeline jobs <small className="muted">{ds.jobs.length}</small></h3>
          <p className="muted">Jobs whose runs read or write this dataset, as OpenLineage reported them.</p>
          <ul className="plain">
            {ds.jobs.map((j) => <li key={j.id}><Link to={`/jobs/${j.id}`}>{j.name}</Link> <code className="muted">{j.namespace}</code>{j.latestRun && <> <span className={`status ${j.latestRun.status.toLowerCase()}`}>{j.latestRun.status.toLowerCase()}</span></>}</li>)}
          </ul>
          <Facets facets={ds.facets} title="Dataset facets" />
        </div>
      )}
      <h2>Versions <small className="muted">{ds.versions.totalCount}</small></h2>
      {versions.length === 0 ? <p className="muted">No versions registered yet.</p> : (
        <table className="versions">
          <thead><tr><th>Version</th><th>Digest (sha256)</th><th>Rows</th><th>Quality</th><th>Created</th><th>Read by</th></tr></thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id} className={v.id === current?.id ? "picked" : undefined} data-integrity={v.integrity} onClick={() => setParams({ version: v.id }, { replace: true })}>
                <td><code>{v.version}</code></td>
                <td>{v.integrity === "NONE" ? <span className="muted" title="the hub has not seen this version's content">{NO_DIGEST}</span> : <code title={v.digest ?? ""}>{versionDigest(v)}</code>}</td>
                <td className="num">{v.rowCount?.toLocaleString() ?? "—"}</td>
                <td>{v.qualityStatus ? <span className={`vstatus ${v.qualityStatus.toLowerCase()}`}>{v.qualityStatus.toLowerCase()}</span> : <span className="muted">not validated</span>}{v.awaitingValidation && <span className="vstatus queued" data-testid="awaiting" title="its suites run on arrival when the validation queue has room"> waiting for validation</span>}{v.health === "AT_RISK" && <span className="health h-at_risk"> at risk</span>}</td>
                <td>{new Date(v.createdAt).toLocaleString()} <span className="muted">by {v.createdBy}</span></td>
                <td className="num">{v.consumedBy.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Data quality</h2>
      {quality.kind === "recorded" && (
        <p data-testid="quality-summary" data-kind="recorded" data-recorded={quality.recorded}>
          {quality.recorded} of the {versions.length} versions shown {quality.recorded === 1 ? "carries" : "carry"} validation results recorded from outside the hub
          (Great Expectations through <code>hubctl validate --push</code>, or an OpenLineage producer's quality assertions): their status is in the Quality column,
          and their results under the version. No validation suite is kept in the hub for this dataset; create one with <code>createValidationSuite</code> to validate from here.
        </p>
      )}
      {quality.kind === "never" && (
        <p className="muted" data-testid="quality-summary" data-kind="never">Never validated: no validation suite, and no version carries recorded results. Create a suite with <code>createValidationSuite</code>, or record results from CI with <code>hubctl validate --push</code>.</p>
      )}
      {quality.kind === "suites" && (
        <table className="suites">
          <thead><tr><th>Suite</th><th>Version</th><th>Rules</th><th>On arrival</th><th>Changed</th><th></th></tr></thead>
          <tbody>
            {ds.validationSuites.edges.map(({ node: s }) => (
              <tr key={s.id}>
                <td>{s.name}{s.template && (
                  <div className="muted small" data-testid="suite-template" data-up-to-date={s.template.upToDate}>
                    follows <Link to={`/templates/${s.template.template.id}`}>{s.template.template.name}</Link> v{s.template.version}{s.template.upToDate ? "" : ` (the template is at v${s.template.template.version})`}
                  </div>
                )}</td>
                <td>v{s.version}</td>
                <td className="num">{s.ruleCount}</td>
                <td data-testid="on-arrival" data-on={s.onArrival}>
                  <label title="run this suite on every new version of the dataset">
                    <input type="checkbox" checked={s.onArrival} disabled={arrivalState.fetching}
                      onChange={(e) => setOnArrival({ suiteId: s.id, onArrival: e.target.checked })} /> {s.onArrival ? "every new version" : "when asked"}
                  </label>
                </td>
                <td>{new Date(s.updatedAt).toLocaleString()} <span className="muted">by {s.updatedBy}</span></td>
                <td>{current && <button disabled={runState.fetching} onClick={() => runValidation({ suiteId: s.id, versionId: current.id }).then((r) => r.data && setStartedAt(completed.ticks))}>Validate {current.version}</button>}{" "}
                  <button onClick={() => setEditing({ id: s.id, name: s.name, definition: s.definition, template: s.template?.template.name })}>Edit</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing === null
        ? <p><button onClick={() => setEditing("new")}>New suite</button></p>
        : <SuiteEditor key={editing === "new" ? "new" : editing.id} datasetId={ds.id} suite={editing === "new" ? undefined : editing}
            onDone={() => { setEditing(null); reexecute({ requestPolicy: "network-only" }); }} />}
      {runState.error && <Problem error={runState.error} />}
      {arrivalState.error && <Problem error={arrivalState.error} />}
      {started && <p className="muted" role="status">Validation started; its result appears below when it finishes.</p>}
      {current && (
        <div className="card" data-testid="version-details">
          <h3>Version <code>{current.version}</code> <span className={`health h-${current.health.toLowerCase()}`} data-testid="health" data-health={current.health}>{healthLabels[current.health] ?? current.health}</span></h3>
          <p><code>{current.uri}</code></p>
          {current.integrity === "NONE"
            ? <p className="muted" data-testid="integrity" data-integrity="NONE">{NO_DIGEST}: the hub has not seen its content, so nothing vouches for it.</p>
            : <p className="muted" data-testid="integrity" data-integrity="SHA256">sha256 <code>{current.digest}</code></p>}
          {current.source && <p className="muted">Reported by <code>{current.source}</code>.</p>}
          <p><Link to={`/lineage/${current.id}`}>Lineage</Link> · <Link to={`/impact/${current.id}`}>Impact</Link></p>
          <div className="grid">
            <div>
              <h4>Schema</h4>
              {current.schema.length === 0 ? <p className="muted">No schema recorded.</p> : (
                <table className="kv"><tbody>{current.schema.map((f) => <tr key={f.name}><th scope="row">{f.name}</th><td><code>{f.type}</code>{f.nullable ? <span className="muted"> nullable</span> : ""}</td></tr>)}</tbody></table>
              )}
            </div>
            <div>
              <h4>Produced by</h4>
              <Runs runs={current.producedBy} empty="No recorded run wrote it (registered directly)." />
              {current.derivedFrom.length > 0 && <>
                <h4>Derived from</h4>
                <ul className="plain">{current.derivedFrom.map((d) => <li key={d.id}><Link to={`/datasets/${d.dataset.id}?version=${d.id}`}>{d.dataset.name}</Link> <code>{d.version}</code></li>)}</ul>
              </>}
              <h4>Consumed by</h4>
              <Runs runs={current.consumedBy} empty="No recorded run has read it." />
            </div>
          </div>
          <ColumnLineage versionId={current.id} columns={current.columns} column={params.get("column")}
            onPick={(c) => setParams(withParams(params, { version: current.id, column: c }), { replace: true })} />
          {current.statistics && (
            <details className="statistics" data-testid="statistics">
              <summary>Data-quality metrics the producer reported</summary>
              <pre className="facet">{prettyJSON(current.statistics)}</pre>
            </details>
          )}
          <Facets facets={current.facets} title="Version facets" />
          <h4>Validations</h4>
          <ValidationRuns versionId={current.id} refresh={completed.ticks} />
        </div>
      )}
    </section>
  );
}
