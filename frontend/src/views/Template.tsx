import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import { Loading, Problem } from "../components/States";
import { TemplateEditor } from "../components/TemplateEditor";
import { canWrite } from "../lib/project";
import { describeSelector, followers } from "../lib/templates";

const TemplateQuery = graphql(`
  query ValidationTemplate($id: ID!) {
    validationTemplate(id: $id) {
      id projectKey name description version definition autoApply createdAt createdBy updatedAt updatedBy
      params { name default }
      selector { namespace name featureView tags }
      suites { id name version onArrival dataset { id namespace name } template { version upToDate params } }
    }
  }
`);

const RoleQuery = graphql(`
  query TemplateProjectRole($key: String!) {
    project(key: $key) { key myRole }
  }
`);

const ApplyTemplate = graphql(`
  mutation ApplyValidationTemplate($input: ApplyValidationTemplateInput!) {
    applyValidationTemplate(input: $input) { suites { id } skipped }
  }
`);

// Template shows a validation template: its text, parameters and
// selector, and the suites that follow it, each with the template version
// it was rendered from. A contributor edits it (a new version renders its
// suites again) and applies it to every dataset its selector matches.
export default function Template() {
  const { id = "" } = useParams();
  const [{ data, error, fetching }, reexecute] = useQuery({ query: TemplateQuery, variables: { id } });
  const t = data?.validationTemplate;
  const [role] = useQuery({ query: RoleQuery, variables: { key: t?.projectKey ?? "" }, pause: !t });
  const [editing, setEditing] = useState(false);
  const [values, setValues] = useState<Record<string, string>>({});
  const [onArrival, setOnArrival] = useState(true);
  const [applied, apply] = useMutation(ApplyTemplate);
  if (fetching && !data) return <Loading what="the template" />;
  if (error) return <Problem error={error} />;
  if (!t) return <p>No such template, or not one you may read. <Link to="/templates">All templates</Link></p>;
  const writer = canWrite(role.data?.project?.myRole);
  const f = followers(t.suites);
  const needed = t.params.filter((p) => p.default === null || p.default === undefined);
  const refresh = () => reexecute({ requestPolicy: "network-only" });
  const applyAll = async () => {
    const params = t.params.flatMap((p) => { const value = values[p.name] ?? ""; return value === "" ? [] : [{ name: p.name, value }]; });
    const r = await apply({ input: { templateId: t.id, params, onArrival } });
    if (r.data) refresh();
  };
  const result = applied.data?.applyValidationTemplate;
  return (
    <section data-testid="template-page" data-version={t.version}>
      <p className="muted"><Link to={`/templates?project=${encodeURIComponent(t.projectKey)}`}>Templates of {t.projectKey}</Link></p>
      <h1>{t.name} <small className="muted">v{t.version}</small></h1>
      {t.description && <p>{t.description}</p>}
      <p className="muted">Version {t.version} by {t.updatedBy}, {new Date(t.updatedAt).toLocaleString()}; created by {t.createdBy}. For {describeSelector(t.selector)}.</p>
      {t.autoApply && <p data-testid="auto-apply"><span className="vstatus passed">applies itself</span> <span className="muted">each matching dataset gets its suite, with the defaults, when a version of it arrives</span></p>}
      {editing ? (
        <TemplateEditor projectKey={t.projectKey} template={t} onDone={() => { setEditing(false); refresh(); }} />
      ) : (
        <div className="card">
          <h3>Definition</h3>
          <pre data-testid="template-definition">{t.definition}</pre>
          <h4>Parameters</h4>
          {t.params.length === 0 ? <p className="muted">None.</p> : (
            <ul className="plain">{t.params.map((p) => <li key={p.name}><code>{p.name}</code> {p.default !== null && p.default !== undefined ? <span className="muted">default <code>{p.default}</code></span> : <span className="muted">no default: each suite gives a value</span>}</li>)}</ul>
          )}
          {writer && <p><button onClick={() => setEditing(true)}>Edit</button></p>}
        </div>
      )}
      <div className="card" data-testid="template-suites" data-total={f.total} data-up-to-date={f.upToDate}>
        <h3>Suites that follow it <small className="muted">{f.total === 0 ? "none yet" : `${f.upToDate} of ${f.total} on v${t.version}`}</small></h3>
        {t.suites.length > 0 && (
          <table className="catalog">
            <thead><tr><th>Dataset</th><th>Suite</th><th>Rendered from</th><th>Values</th><th>On arrival</th></tr></thead>
            <tbody>
              {t.suites.map((s) => (
                <tr key={s.id} data-testid="follower" data-dataset={s.dataset.name} data-up-to-date={s.template?.upToDate ?? false}>
                  <td><Link to={`/datasets/${s.dataset.id}`}>{s.dataset.name}</Link> <span className="muted small">{s.dataset.namespace}</span></td>
                  <td>{s.name} <span className="muted">v{s.version}</span></td>
                  <td>{s.template ? <>template v{s.template.version} {s.template.upToDate ? <span className="vstatus passed">latest</span> : <span className="vstatus warn">behind</span>}</> : "—"}</td>
                  <td><code className="small">{s.template ? JSON.stringify(s.template.params) : ""}</code></td>
                  <td>{s.onArrival ? "every new version" : "when asked"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {writer && (
          <div data-testid="apply-template">
            <h4>Apply to every matching dataset</h4>
            <p className="muted">Makes a suite on each dataset of {t.projectKey} that {describeSelector(t.selector)} matches and has no suite of this template yet (at most 500).</p>
            {needed.map((p) => (
              <label key={p.name}><code>{p.name}</code> <input aria-label={`value of ${p.name}`} value={values[p.name] ?? ""} onChange={(e) => setValues({ ...values, [p.name]: e.target.value })} /></label>
            ))}
            <label><input type="checkbox" checked={onArrival} onChange={(e) => setOnArrival(e.target.checked)} /> validate each new version on arrival</label>{" "}
            <button disabled={applied.fetching || needed.some((p) => (values[p.name] ?? "") === "")} onClick={applyAll}>Apply</button>
            {result && <p role="status" data-testid="applied" data-made={result.suites.length} data-skipped={result.skipped.length}>Made {result.suites.length} {result.suites.length === 1 ? "suite" : "suites"}; {result.skipped.length} {result.skipped.length === 1 ? "dataset already had one" : "datasets already had one"}.</p>}
            {applied.error && <Problem error={applied.error} />}
          </div>
        )}
      </div>
    </section>
  );
}
