import { useEffect, useState } from "react";
import { useQuery } from "urql";
import { graphql } from "../gql";
import type { CombinedError } from "urql";
import { Problem } from "./States";

const RuleTypesQuery = graphql(`
  query ValidationRuleTypes {
    validationRuleTypes { type fields acceptsMostly checks }
  }
`);

// useDebounced is value once it has not changed for ms.
export function useDebounced<T>(value: T, ms: number): T {
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

// withRule is text with the catalogue's line for a rule type appended.
export function withRule(text: string, type: string, fields: string[]): string {
  return (text === "" || text.endsWith("\n") ? text : text + "\n") + ruleLine(type, fields);
}

// RuleCatalogue lists the rule types a suite (or a template) may use,
// with what each checks; picking one adds its line to the text.
export function RuleCatalogue({ onAdd }: { onAdd: (type: string, fields: string[]) => void }) {
  const [types] = useQuery({ query: RuleTypesQuery });
  return (
    <div data-testid="rule-catalogue">
      <h4>Rules</h4>
      {types.error && <Problem error={types.error} />}
      <ul className="plain catalogue">
        {types.data?.validationRuleTypes.map((r) => (
          <li key={r.type}>
            <button className="link" title="add this rule" onClick={() => onAdd(r.type, r.fields)}><code>{r.type}</code></button>
            <span className="muted"> {r.fields.join(", ")}{r.acceptsMostly ? ", mostly" : ""}</span>
            <div className="muted small">{r.checks}</div>
          </li>
        ))}
      </ul>
    </div>
  );
}

// Checked is what an editor shows of the server's check of its text.
export function Checked({ current, error, valid, summary, problems, whole }: {
  current: boolean;
  // whole names the text as a whole, for a problem of no one rule.
  whole: string;
  error?: CombinedError;
  valid: boolean | undefined;
  summary: string;
  problems: readonly { rule?: number | null; field?: string | null; message: string }[] | undefined;
}) {
  return (
    <div data-testid="suite-check" data-state={!current ? "checking" : valid ? "valid" : "invalid"} role="status">
      {!current ? <span className="muted">checking…</span>
        : error ? <Problem error={error} />
        : valid ? <span className="vstatus passed">{summary}</span>
        : <ul className="problems">{problems?.map((p, i) => (
          <li key={i} className="error">{p.rule !== null && p.rule !== undefined ? `rules[${p.rule}]` : whole}{p.field ? `.${p.field}` : ""}: {p.message}</li>
        ))}</ul>}
    </div>
  );
}
