import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import { Checked, RuleCatalogue, useDebounced, withRule } from "./RuleCatalogue";
import { Problem } from "./States";

const CheckQuery = graphql(`
  query CheckSuiteDefinition($definition: String!) {
    checkSuiteDefinition(definition: $definition) { valid ruleCount problems { rule field message } }
  }
`);

const CreateSuite = graphql(`
  mutation CreateSuite($datasetId: ID!, $name: String!, $definition: String!) {
    createValidationSuite(input: { datasetId: $datasetId, name: $name, definition: $definition }) { validationSuite { id version } }
  }
`);

const UpdateSuite = graphql(`
  mutation UpdateSuite($suiteId: ID!, $definition: String!) {
    updateValidationSuite(input: { suiteId: $suiteId, definition: $definition }) { validationSuite { id version } changed }
  }
`);

const starter = "rules:\n  - {type: not_null, column: id}\n  - {type: row_count_between, min: 1}\n";

// template names the template the suite follows, if it does.
export type EditedSuite = { id: string; name: string; definition: unknown; template?: string };

// SuiteEditor writes a validation suite of a dataset: a new one, or a new
// version of suite. The text is checked as one types by the parser the
// server writes with (checkSuiteDefinition), and the rule catalogue is at
// hand; saving is possible once the parser accepts it.
export function SuiteEditor({ datasetId, suite, onDone }: { datasetId: string; suite?: EditedSuite; onDone: () => void }) {
  const [name, setName] = useState(suite?.name ?? "");
  const [text, setText] = useState(suite ? JSON.stringify(suite.definition, null, 2) + "\n" : starter);
  const settled = useDebounced(text, 250);
  const [check] = useQuery({ query: CheckQuery, variables: { definition: settled } });
  const [createState, create] = useMutation(CreateSuite);
  const [updateState, update] = useMutation(UpdateSuite);
  const result = check.data?.checkSuiteDefinition;
  const current = settled === text && !check.fetching;
  const canSave = current && result?.valid === true && (suite !== undefined || name.trim() !== "");
  const save = async () => {
    const r = suite ? await update({ suiteId: suite.id, definition: text }) : await create({ datasetId, name: name.trim(), definition: text });
    if (!r.error) onDone();
  };
  return (
    <div className="card suite-editor" data-testid="suite-editor">
      <h3>{suite ? <>Edit suite <code>{suite.name}</code></> : "New suite"}</h3>
      <div className="grid">
        <div>
          {!suite && (
            <label>Name <input value={name} onChange={(e) => setName(e.target.value)} aria-label="suite name" /></label>
          )}
          {suite?.template && <p className="muted" data-testid="leaves-template">This suite follows template <code>{suite.template}</code>: a version saved here stops it following, and later versions of the template will not change it.</p>}
          <textarea aria-label="suite definition" spellCheck={false} rows={14} value={text} onChange={(e) => setText(e.target.value)} />
          <Checked current={current} error={check.error} valid={result?.valid} whole="suite" problems={result?.problems}
            summary={`${result?.ruleCount} ${result?.ruleCount === 1 ? "rule" : "rules"}, valid`} />
          <p>
            <button disabled={!canSave || createState.fetching || updateState.fetching} onClick={save}>{suite ? "Save a new version" : "Create suite"}</button>{" "}
            <button onClick={onDone}>Cancel</button>
          </p>
          {(createState.error || updateState.error) && <Problem error={(createState.error ?? updateState.error)!} />}
        </div>
        <RuleCatalogue onAdd={(type, fields) => setText((t) => withRule(t, type, fields))} />
      </div>
    </div>
  );
}
