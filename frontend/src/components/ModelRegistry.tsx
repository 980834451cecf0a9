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

const UpdateModelMutation = graphql(`
  mutation UpdateModel($input: UpdateModelInput!) {
    updateModel(input: $input) { model { id description tags { key value } } }
  }
`);

const UpdateModelVersionMutation = graphql(`
  mutation UpdateModelVersion($input: UpdateModelVersionInput!) {
    updateModelVersion(input: $input) { modelVersion { id description tags { key value } } }
  }
`);

// Tags shows tags as key = value.
export function Tags({ tags }: { tags: readonly { key: string; value: string }[] }) {
  if (tags.length === 0) return null;
  return (
    <p data-testid="tags">
      {tags.map((t) => <span key={t.key} className="tag" data-tag={t.key}><code>{t.key}</code> = {t.value} </span>)}
    </p>
  );
}

// DescriptionControls lets a contributor change the description of a
// model (or of one version) and set or remove a tag.
export function DescriptionControls({ modelId, versionId, description, tags, onChange }: {
  modelId?: string; versionId?: string; description: string; tags: readonly { key: string; value: string }[]; onChange: () => void;
}) {
  const [text, setText] = useState<string | null>(null);
  const [tagKey, setTagKey] = useState("");
  const [tagValue, setTagValue] = useState("");
  const [m, updateModel] = useMutation(UpdateModelMutation);
  const [v, updateVersion] = useMutation(UpdateModelVersionMutation);
  const busy = m.fetching || v.fetching;
  const send = async (change: { description?: string; setTag?: { key: string; value: string }; deleteTag?: string }) => {
    const r = versionId ? await updateVersion({ input: { modelVersionId: versionId, ...change } }) : await updateModel({ input: { modelId: modelId ?? "", ...change } });
    if (!r.error) onChange();
    return !r.error;
  };
  const what = versionId ? "version" : "model";
  return (
    <div data-testid={`describe-${what}`}>
      {text === null ? (
        <button onClick={() => setText(description)}>{description ? `Edit the ${what}'s description` : `Describe the ${what}`}</button>
      ) : (
        <form onSubmit={(e) => { e.preventDefault(); void send({ description: text }).then((ok) => ok && setText(null)); }}>
          <label>Description <textarea aria-label={`${what} description`} rows={2} value={text} onChange={(e) => setText(e.target.value)} /></label>
          <button type="submit" disabled={busy}>Save</button> <button type="button" onClick={() => setText(null)}>Cancel</button>
        </form>
      )}
      <form className="row" onSubmit={(e) => { e.preventDefault(); void send({ setTag: { key: tagKey.trim(), value: tagValue } }).then((ok) => ok && (setTagKey(""), setTagValue(""))); }}>
        <label>Tag <input aria-label={`${what} tag key`} placeholder="key" value={tagKey} onChange={(e) => setTagKey(e.target.value)} /></label>
        <input aria-label={`${what} tag value`} placeholder="value" value={tagValue} onChange={(e) => setTagValue(e.target.value)} />
        <button type="submit" disabled={busy || tagKey.trim() === ""}>Set tag</button>
        {tags.map((t) => (
          <button key={t.key} type="button" aria-label={`remove ${what} tag ${t.key}`} disabled={busy} onClick={() => void send({ deleteTag: t.key })}>remove {t.key}</button>
        ))}
      </form>
      {m.error && <Problem error={m.error} />}
      {v.error && <Problem error={v.error} />}
    </div>
  );
}

const ArchiveMutation = graphql(`
  mutation ArchiveModelVersion($input: ArchiveModelVersionInput!) {
    archiveModelVersion(input: $input) { modelVersion { id stage } }
  }
`);

// ArchiveButton archives a version out of use (not in production, no
// governed alias: the hub says why otherwise).
export function ArchiveButton({ versionId, version, onChange }: { versionId: string; version: number; onChange: () => void }) {
  const [state, archive] = useMutation(ArchiveMutation);
  return (
    <p data-testid="archive">
      <button disabled={state.fetching} onClick={() => void archive({ input: { modelVersionId: versionId } }).then((r) => !r.error && onChange())}>
        Archive v{version}
      </button>{" "}
      <span className="muted">takes it out of use; an approved promotion request can put it back</span>
      {state.error && <Problem error={state.error} />}
    </p>
  );
}
