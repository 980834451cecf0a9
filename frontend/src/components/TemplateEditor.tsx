import { useEffect, useState } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import { paramInputs, rowsFor, sameNames, sampleInputs, selectorForm, selectorInput, valuesOf, type SelectorForm } from "../lib/templates";
import { Checked, RuleCatalogue, useDebounced, withRule } from "./RuleCatalogue";
import { Problem } from "./States";

const CheckQuery = graphql(`
  query CheckTemplateDefinition($definition: String!, $params: [TemplateParamInput!], $samples: [TemplateParamValue!]) {
    checkTemplateDefinition(definition: $definition, params: $params, samples: $samples) {
      valid placeholders suiteChecked ruleCount problems { rule field message }
    }
  }
`);

const CreateTemplate = graphql(`
  mutation CreateValidationTemplate($input: CreateValidationTemplateInput!) {
    createValidationTemplate(input: $input) { validationTemplate { id version } }
  }
`);

const UpdateTemplate = graphql(`
  mutation UpdateValidationTemplate($input: UpdateValidationTemplateInput!) {
    updateValidationTemplate(input: $input) { validationTemplate { id version } changed suites { id } }
  }
`);

const starter = "rules:\n  - {type: not_null, column: ${key}}\n  - {type: unique, column: ${key}}\n  - {type: row_count_between, min: ${min_rows}}\n";

export interface EditedTemplate {
  id: string;
  name: string;
  description: string;
  definition: string;
  params: readonly { name: string; default?: string | null }[];
  selector: { namespace?: string | null; name?: string | null; featureView?: string | null; tags: readonly string[] };
  autoApply: boolean;
}

// TemplateEditor writes a validation template of a project: a new one, or
// a new version of template (which renders every suite that follows it
// again). As one types, the server checks the text and its parameters as
// createValidationTemplate would (checkTemplateDefinition): it lists the
// placeholders, which become parameter rows here, and checks the text as
// a suite once every parameter has a default or a sample value.
export function TemplateEditor({ projectKey, template, onDone }: { projectKey: string; template?: EditedTemplate; onDone: (id: string) => void; }) {
  const [name, setName] = useState(template?.name ?? "");
  const [description, setDescription] = useState(template?.description ?? "");
  const [text, setText] = useState(template?.definition ?? starter);
  // The parameters are the placeholders the server last found in the
  // text (at first, the template's own); what was typed for each is kept
  // by name.
  const initial = template ? template.params : [{ name: "key", default: "id" }, { name: "min_rows", default: "1" }];
  const [names, setNames] = useState<string[]>(initial.map((p) => p.name));
  const [values, setValues] = useState(valuesOf(initial));
  const rows = rowsFor(names, values);
  const [autoApply, setAutoApply] = useState(template?.autoApply ?? false);
  const [selector, setSelector] = useState<SelectorForm>(template ? selectorForm(template.selector) : { namespace: "", name: "", featureView: "", tags: "" });
  const variables = { definition: text, params: paramInputs(rows), samples: sampleInputs(rows) };
  const settledKey = useDebounced(JSON.stringify(variables), 250);
  const settled = JSON.parse(settledKey) as typeof variables;
  const [check] = useQuery({ query: CheckQuery, variables: settled });
  const result = check.data?.checkTemplateDefinition;
  const placeholders = result?.placeholders;
  useEffect(() => {
    if (placeholders) setNames((current) => (sameNames(current, placeholders) ? current : [...placeholders]));
  }, [placeholders]);
  const [createState, create] = useMutation(CreateTemplate);
  const [updateState, update] = useMutation(UpdateTemplate);
  const current = settledKey === JSON.stringify(variables) && !check.fetching && !!result;
  const canSave = current && result?.valid === true && (template !== undefined || name.trim() !== "");
  const save = async () => {
    const content = { description, definition: text, params: paramInputs(rows), selector: selectorInput(selector), autoApply };
    if (template) {
      const r = await update({ input: { templateId: template.id, ...content } });
      if (r.data) onDone(r.data.updateValidationTemplate.validationTemplate.id);
    } else {
      const r = await create({ input: { projectKey, name: name.trim(), ...content } });
      if (r.data) onDone(r.data.createValidationTemplate.validationTemplate.id);
    }
  };
  const setRow = (name: string, field: "default" | "sample", value: string) =>
    setValues((vs) => ({ ...vs, [name]: { default: vs[name]?.default ?? "", sample: vs[name]?.sample ?? "", [field]: value } }));
  const summary = result?.suiteChecked
    ? `${result.ruleCount} ${result.ruleCount === 1 ? "rule" : "rules"}, valid`
    : "parameters valid; give each parameter without a default a sample value to check the rules";
  return (
    <div className="card suite-editor" data-testid="template-editor">
      <h3>{template ? <>Edit template <code>{template.name}</code></> : "New template"}</h3>
      <div className="grid">
        <div>
          {!template && <label>Name <input value={name} onChange={(e) => setName(e.target.value)} aria-label="template name" /></label>}
          <label>Description <input value={description} onChange={(e) => setDescription(e.target.value)} aria-label="template description" /></label>
          <textarea aria-label="template definition" spellCheck={false} rows={12} value={text} onChange={(e) => setText(e.target.value)} />
          <Checked current={current} error={check.error} valid={result?.valid} whole="template" problems={result?.problems} summary={summary} />
          <h4>Parameters <small className="muted">${"{name}"} in the text; a suite gives a value or takes the default</small></h4>
          {rows.length === 0 ? <p className="muted">None: the text has no ${"{name}"} placeholder.</p> : (
            <table data-testid="template-params">
              <thead><tr><th>Parameter</th><th>Default</th><th>Sample (for this check only)</th></tr></thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.name} data-name={r.name}>
                    <td><code>{r.name}</code></td>
                    <td><input aria-label={`default of ${r.name}`} value={r.default} placeholder="none: each suite gives one" onChange={(e) => setRow(r.name, "default", e.target.value)} /></td>
                    <td><input aria-label={`sample of ${r.name}`} value={r.sample} onChange={(e) => setRow(r.name, "sample", e.target.value)} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h4>For which datasets <small className="muted">glob patterns (*, ?, [a-z]); empty matches any</small></h4>
          <div className="row">
            <label>Namespace <input aria-label="namespace pattern" value={selector.namespace} onChange={(e) => setSelector({ ...selector, namespace: e.target.value })} /></label>
            <label>Name <input aria-label="dataset name pattern" value={selector.name} onChange={(e) => setSelector({ ...selector, name: e.target.value })} /></label>
            <label>Feature views <input aria-label="feature view pattern" value={selector.featureView} onChange={(e) => setSelector({ ...selector, featureView: e.target.value })} /></label>
            <label>Tags <input aria-label="required tags" placeholder="pii, tier=gold" value={selector.tags} onChange={(e) => setSelector({ ...selector, tags: e.target.value })} /></label>
          </div>
          <label title="validation on arrival makes the suite, with the parameters' defaults, on each matching dataset when a version of it arrives">
            <input type="checkbox" checked={autoApply} onChange={(e) => setAutoApply(e.target.checked)} /> apply itself to matching datasets as their versions arrive
          </label>
          {autoApply && rows.some((r) => r.default === "") && <p className="error" data-testid="auto-apply-needs-defaults">A template that applies itself needs a default for every parameter.</p>}
          <p>
            <button disabled={!canSave || (autoApply && rows.some((r) => r.default === "")) || createState.fetching || updateState.fetching} onClick={save}>{template ? "Save a new version" : "Create template"}</button>{" "}
            <button onClick={() => onDone(template?.id ?? "")}>Cancel</button>
          </p>
          {(createState.error || updateState.error) && <Problem error={(createState.error ?? updateState.error)!} />}
        </div>
        <RuleCatalogue onAdd={(type, fields) => setText((t) => withRule(t, type, fields))} />
      </div>
    </div>
  );
}
