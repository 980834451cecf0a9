import { memo, useMemo } from "react";
import { Link } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import type { CheckName, CheckVerdict, FourFifthsVerdict, PromotionStatus } from "../gql/graphql";
import { checkLabel, evidenceLink, formatFairness, sortChecks, statusClass, statusLabel, type FairnessValueLike } from "../lib/approvals";
import { Problem } from "./States";

// Pieces of governance shared by the approvals inbox and the model page.

const EvidenceQuery = graphql(`
  query EvidenceObjects($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename id
      ... on DatasetVersion { version dataset { id name } }
      ... on ValidationRun { suiteName datasetVersion { id version dataset { id name } } }
      ... on Run { name }
    }
  }
`);

// PromotionUpdated follows a project's promotion requests and stage
// changes (with useTicks or useLiveTicks).
export const PromotionUpdated = graphql(`
  subscription PromotionUpdated($projectKey: String!, $after: String) {
    promotionUpdated(projectKey: $projectKey, after: $after) { cursor seq kind targetId }
  }
`);

export function PromotionStatusBadge({ status }: { status: PromotionStatus }) {
  return <span className={statusClass(status)} data-status={status}>{statusLabel(status)}</span>;
}

export function Stage({ stage }: { stage: string }) {
  return <span className={`stage ${stage.toLowerCase()}`} data-stage={stage}>{stage.toLowerCase()}</span>;
}

export interface Check {
  name: CheckName;
  verdict: CheckVerdict;
  detail: string;
  evidenceIds: string[];
}

// ChecksTable shows a request's policy checks, failing ones first, with
// the objects each rests on linked where the explorer has a page for them.
export const ChecksTable = memo(function ChecksTable({ checks }: { checks: Check[] }) {
  const ids = useMemo(() => [...new Set(checks.flatMap((c) => c.evidenceIds))].slice(0, 100), [checks]);
  const [{ data, error }] = useQuery({ query: EvidenceQuery, variables: { ids }, pause: ids.length === 0 });
  const byId = useMemo(() => new Map((data?.nodes ?? []).flatMap((n) => (n ? [[n.id, n] as const] : []))), [data]);
  if (checks.length === 0) return <p className="muted">The policy asks for no check.</p>;
  return (
    <>
      <table className="checks" data-testid="checks">
        <thead><tr><th>Check</th><th>Verdict</th><th>Detail</th><th>Evidence</th></tr></thead>
        <tbody>
          {sortChecks(checks).map((c) => (
            <tr key={c.name} data-check={c.name} data-verdict={c.verdict}>
              <td>{checkLabel(c.name)}</td>
              <td><span className={`verdict ${c.verdict.toLowerCase()}`}>{c.verdict.toLowerCase()}</span></td>
              <td>{c.detail}</td>
              <td>
                {c.evidenceIds.length === 0 ? <span className="muted">—</span> : (
                  <ul className="plain">
                    {c.evidenceIds.map((id) => {
                      const e = evidenceLink(id, byId.get(id));
                      return <li key={id}>{e.href ? <Link to={e.href} title={id}>{e.label}</Link> : <code>{e.label}</code>}</li>;
                    })}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {error && <Problem error={error} />}
    </>
  );
});

export interface BiasCheckSummary {
  createdAt: string;
  createdBy: string;
  fourFifths: FourFifthsVerdict;
  inconclusive: boolean;
  notes: string[];
  demographicParityDifference: FairnessValueLike;
  demographicParityRatio: FairnessValueLike;
  equalizedOddsDifference: FairnessValueLike;
  // null when the evaluation data is in a project the viewer cannot read.
  datasetVersion?: { id: string; version: string; dataset: { id: string; name: string } } | null;
}

// BiasSummary is the gist of a model version's latest bias check.
export function BiasSummary({ check }: { check: BiasCheckSummary | null | undefined }) {
  if (!check) return <p className="muted">No bias check recorded for this version (<code>runBiasCheck</code> records one).</p>;
  const dv = check.datasetVersion;
  return (
    <div data-testid="bias-summary">
      <table className="kv">
        <tbody>
          <tr><th scope="row">Demographic parity difference</th><td className="num">{formatFairness(check.demographicParityDifference)}</td></tr>
          <tr><th scope="row">Demographic parity ratio</th><td className="num">{formatFairness(check.demographicParityRatio)}</td></tr>
          <tr><th scope="row">Equalized odds difference</th><td className="num">{formatFairness(check.equalizedOddsDifference)}</td></tr>
          <tr><th scope="row">Four-fifths rule</th><td><span className={`verdict ${check.fourFifths.toLowerCase()}`}>{check.fourFifths.toLowerCase()}</span></td></tr>
        </tbody>
      </table>
      <p className="muted">
        On {dv ? <Link to={`/datasets/${dv.dataset.id}?version=${dv.id}`}>{dv.dataset.name} <code>{dv.version}</code></Link> : "data in a project you cannot read"}, by {check.createdBy} {new Date(check.createdAt).toLocaleString()}
        {check.inconclusive && <> · <span className="warn-inline">inconclusive</span></>}
      </p>
      {check.notes.length > 0 && <ul className="plain muted">{check.notes.map((n) => <li key={n}>{n}</li>)}</ul>}
    </div>
  );
}
