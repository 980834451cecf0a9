import { useState, type ReactNode } from "react";
import { Link } from "react-router-dom";
import { useMutation } from "urql";
import { graphql } from "../gql";
import { aliasBadges, aliasProblem } from "../lib/approvals";
import { approvalsLink } from "../lib/events";
import { Problem } from "./States";

const SetAliasMutation = graphql(`
  mutation SetModelAlias($input: SetModelAliasInput!) {
    setModelAlias(input: $input) { modelVersion { id aliases } promotionRequest { id projectKey status } }
  }
`);

const DeleteAliasMutation = graphql(`
  mutation DeleteModelAlias($input: DeleteModelAliasInput!) {
    deleteModelAlias(input: $input) { model { id } }
  }
`);

// AliasControls lets a contributor name a version with an alias, or take
// an ungoverned alias off it. A governed alias opens (or names) a
// promotion request instead: the approval moves it.
export function AliasControls({ modelId, versionId, version, aliases, governed, onChange }: {
  modelId: string; versionId: string; version: number; aliases: readonly string[]; governed: readonly string[]; onChange: () => void;
}) {
  const [alias, setAlias] = useState("");
  const [setState, set] = useMutation(SetAliasMutation);
  const [delState, del] = useMutation(DeleteAliasMutation);
  const [said, setSaid] = useState<ReactNode>(null);
  const problem = alias.trim() === "" ? null : aliasProblem(alias.trim());
  const submit = async () => {
    const a = alias.trim().toLowerCase();
    setSaid(null);
    const r = await set({ input: { modelVersionId: versionId, alias: a } });
    if (!r.data) return;
    const req = r.data.setModelAlias.promotionRequest;
    setAlias("");
    setSaid(req ? (
      <>Alias <code>{a}</code> is governed: it moves when <Link to={approvalsLink(req.projectKey, req.id)}>this promotion request</Link> is approved.</>
    ) : <>Alias <code>{a}</code> now names v{version}.</>);
    onChange();
  };
  const remove = async (a: string) => {
    setSaid(null);
    const r = await del({ input: { modelId, alias: a } });
    if (!r.error) {
      setSaid(<>Alias <code>{a}</code> removed.</>);
      onChange();
    }
  };
  const removable = aliasBadges(aliases, governed).filter((b) => !b.governed);
  return (
    <div data-testid="alias-controls">
      <form className="row" onSubmit={(e) => { e.preventDefault(); if (!problem && alias.trim()) void submit(); }}>
        <label>Alias <input aria-label="alias" placeholder="champion, challenger…" value={alias} onChange={(e) => setAlias(e.target.value)} /></label>
        <button type="submit" disabled={setState.fetching || !alias.trim() || problem !== null}>Set on v{version}</button>
        {problem && <span className="muted">{problem}</span>}
      </form>
      {removable.length > 0 && (
        <p>
          {removable.map((b) => (
            <button key={b.alias} aria-label={`remove alias ${b.alias}`} disabled={delState.fetching} onClick={() => void remove(b.alias)}>
              remove {b.alias}
            </button>
          ))}
        </p>
      )}
      {setState.error && <Problem error={setState.error} />}
      {delState.error && <Problem error={delState.error} />}
      {said && <p className="muted" role="status">{said}</p>}
    </div>
  );
}
