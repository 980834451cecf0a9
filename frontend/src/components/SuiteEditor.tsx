import { useEffect, useState } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import { Problem } from "./States";

const CheckQuery = graphql(`
  query CheckSuiteDefinition($definition: String!) {
    checkSuiteDefinition(definition: $definition) { valid ruleCount problems { rule field message } }
  }
`);

const RuleTypesQuery = graphql(`
  query ValidationRuleTypes {
    validationRuleTypes { type fields acceptsMostly checks }
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

// useDebounced is value once it has not changed for ms.
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

// ruleLine is the line the catalogue adds for a rule type: its type and
// its fields, to fill in.
export function ruleLine(type: string, fields: string[]): string {
  return `  - {type: ${type}${fields.map((f) => `, ${f}: `).join("")}}\n`;
}

export type EditedSuite = { id: string; name: string; definition: unknown };

// SuiteEditor writes a validation suite of a dataset: a new one, or a new
// version of suite. The text is checked as one types by the parser the
// server writes with (checkSuiteDefinition), and the rule catalogue is at
// hand; saving is possible once the parser accepts it.
export function SuiteEditor({ datasetId, suite, onDone }: { datasetId: string; suite?: EditedSuite; onDone: () => void }) {
  const [name, setName] = useState(suite?.name ?? "");
  const [text, setText] = useState(suite ? JSON.stringify(suite.definition, null, 2) + "\n" : starter);
  const settled = useDebounced(text, 250);
  const [check] = useQuery({ query: CheckQuery, variables: { definition: settled } });
  const [types] = useQuery({ query: RuleTypesQuery });
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
          <textarea aria-label="suite definition" spellCheck={false} rows={14} value={text} onChange={(e) => setText(e.target.value)} />
          <div data-testid="suite-check" data-state={!current ? "checking" : result?.valid ? "valid" : "invalid"} role="status">
            {!current ? <span className="muted">checking…</span>
              : check.error ? <Problem error={check.error} />
              : result?.valid ? <span className="vstatus passed">{result.ruleCount} {result.ruleCount === 1 ? "rule" : "rules"}, valid</span>
              : <ul className="problems">{result?.problems.map((p, i) => (
                <li key={i} className="error">{p.rule !== null && p.rule !== undefined ? `rules[${p.rule}]` : "suite"}{p.field ? `.${p.field}` : ""}: {p.message}</li>
              ))}</ul>}
          </div>
          <p>
            <button disabled={!canSave || createState.fetching || updateState.fetching} onClick={save}>{suite ? "Save a new version" : "Create suite"}</button>{" "}
            <button onClick={onDone}>Cancel</button>
          </p>
          {(createState.error || updateState.error) && <Problem error={(createState.error ?? updateState.error)!} />}
        </div>
        <div data-testid="rule-catalogue">
          <h4>Rules</h4>
          {types.error && <Problem error={types.error} />}
          <ul className="plain catalogue">
            {types.data?.validationRuleTypes.map((r) => (
              <li key={r.type}>
                <button className="link" title="add this rule to the suite" onClick={() => setText((t) => (t.endsWith("\n") ? t : t + "\n") + ruleLine(r.type, r.fields))}><code>{r.type}</code></button>
                <span className="muted"> {r.fields.join(", ")}{r.acceptsMostly ? ", mostly" : ""}</span>
                <div className="muted small">{r.checks}</div>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}
