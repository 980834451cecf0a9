import { useMemo, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { graphql } from "../gql";
import type { ModelStage } from "../gql/graphql";
import { Loading, Problem } from "../components/States";
import { useEventHead, useRefreshOn, useTicks } from "../components/Live";
import { BiasSummary, ChecksTable, PromotionStatusBadge, PromotionUpdated, Stage } from "../components/Governance";
import { MeQuery } from "./SignIn";
import { aliasBadges, can, justificationProblem, rolesIn } from "../lib/approvals";
import { AliasControls, ArchiveButton, DescriptionControls, Tags } from "../components/ModelRegistry";
import { approvalsLink } from "../lib/events";
import { relativeTime } from "../lib/format";
import { runHome } from "../lib/pipeline";

const ModelQuery = graphql(`
  query Model($id: ID!) {
    node(id: $id) {
      ... on Model {
        id name projectKey createdAt createdBy description tags { key value }
        versions(first: 50) {
          totalCount
          edges {
            node {
              id version uri stage aliases createdAt createdBy description tags { key value } run { id name experiment { id name } job { id name } }
              promotionRequests(first: 10) { totalCount edges { node { id status targetStage requestedBy requestedAt } } }
              biasChecks(first: 1) {
                edges {
                  node {
                    id createdAt createdBy fourFifths inconclusive notes
                    demographicParityDifference { value reason }
                    demographicParityRatio { value reason }
                    equalizedOddsDifference { value reason }
                    datasetVersion { id version dataset { id name } }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
`);

const ModelPolicyQuery = graphql(`
  query ModelPolicy($projectKey: String!) {
    policy(projectKey: $projectKey) { version governedAliases }
  }
`);

// Aliases shows a version's aliases, the governed ones marked: they move
// only through an approved promotion request.
function Aliases({ aliases, governed }: { aliases: readonly string[]; governed: readonly string[] }) {
  if (aliases.length === 0) return <span className="muted">—</span>;
  return (
    <>
      {aliasBadges(aliases, governed).map((a) => (
        <span key={a.alias} className={`alias${a.governed ? " governed" : ""}`} data-alias={a.alias} data-governed={a.governed}
          title={a.governed ? "moves only through an approved promotion request" : "set freely by contributors"}>
          {a.alias}{a.governed && " — governed"}
        </span>
      ))}
    </>
  );
}

const RequestPromotionMutation = graphql(`
  mutation RequestPromotion($input: RequestPromotionInput!) {
    requestPromotion(input: $input) {
      promotionRequest { id projectKey status targetStage checks { name verdict detail evidenceIds } }
    }
  }
`);

// RequestPromotion asks for a model version to move to a stage; the
// answer is the request's status and its checks as the policy saw them.
function RequestPromotion({ versionId, stage }: { versionId: string; stage: ModelStage }) {
  const [target, setTarget] = useState<ModelStage>(stage === "STAGING" || stage === "ARCHIVED" ? "PRODUCTION" : "STAGING");
  const [justification, setJustification] = useState("");
  const [state, request] = useMutation(RequestPromotionMutation);
  const problem = justificationProblem(justification);
  const made = state.data?.requestPromotion.promotionRequest;
  return (
    <div data-testid="request-promotion">
      <form className="promote" onSubmit={(e) => {
        e.preventDefault();
        if (!problem) request({ input: { modelVersionId: versionId, targetStage: target, justification } }).then((r) => !r.error && setJustification(""));
      }}>
        <label>Target stage{" "}
          <select aria-label="target stage" value={target} onChange={(e) => setTarget(e.target.value as ModelStage)}>
            <option value="STAGING">staging</option>
            <option value="PRODUCTION">production</option>
          </select>
        </label>
        <label>Justification
          <textarea aria-label="justification" rows={3} value={justification} onChange={(e) => setJustification(e.target.value)} placeholder="Why this version, why now: evaluation results, the change it brings…" />
        </label>
        <button type="submit" disabled={state.fetching || problem !== null}>Request promotion</button>
      </form>
      {state.error && <Problem error={state.error} />}
      {made && !state.error && (
        <div role="status" data-testid="requested" data-status={made.status}>
          <p>Requested: <PromotionStatusBadge status={made.status} /> <Link to={approvalsLink(made.projectKey, made.id)}>open it in Approvals</Link></p>
          <ChecksTable checks={made.checks} />
        </div>
      )}
    </div>
  );
}

// Model is one registered model: its versions, newest first, with the
// stage each is in, the run that trained it, its promotion requests and
// its latest bias check. ?version= picks the version shown in full, where
// contributors may ask for it to be promoted. Promotions update the page
// live.
export default function Model() {
  const { id = "" } = useParams();
  const [params, setParams] = useSearchParams();
  // The model is read after the log's position, and its project's
  // promotions are followed from there once the project is known.
  const head = useEventHead();
  const [{ data, error, fetching }, reexecute] = useQuery({ query: ModelQuery, variables: { id }, pause: head.after === null });
  const m = data?.node?.__typename === "Model" ? data.node : null;
  const live = useTicks(PromotionUpdated, { projectKey: m?.projectKey ?? "" }, head.after, !m);
  useRefreshOn(live.ticks, reexecute);
  const [me] = useQuery({ query: MeQuery });
  const [policy] = useQuery({ query: ModelPolicyQuery, variables: { projectKey: m?.projectKey ?? "" }, pause: !m });
  const governed = policy.data?.policy.governedAliases ?? [];
  const versions = useMemo(() => m?.versions.edges.map((e) => e.node) ?? [], [m]);
  const liveError = head.error ?? live.error;
  if (!data && !error && !liveError && (fetching || head.after === null)) return <Loading what="the model" />;
  if (error) return <Problem error={error} />;
  if (!data && liveError) return <Problem error={liveError} />;
  if (!m) return <p>No such model, or you may not read its project. <Link to="/catalog">The catalog</Link></p>;
  const current = versions.find((v) => v.id === params.get("version")) ?? versions[0];
  const roles = me.data ? rolesIn(me.data.me.grants, m.projectKey) : [];
  const bias = current?.biasChecks.edges[0]?.node;
  return (
    <section>
      <p className="crumbs"><Link to="/catalog">Catalog</Link> / {m.projectKey}</p>
      <h1>{m.name}</h1>
      <p className="muted">registered by {m.createdBy} {new Date(m.createdAt).toLocaleDateString()} · {m.versions.totalCount} versions · <Link to={`/lineage/${m.id}?direction=UPSTREAM`}>upstream lineage</Link> · <Link to={`/approvals?project=${encodeURIComponent(m.projectKey)}&tab=all`}>promotion requests</Link></p>
      {m.description && <p className="description" data-testid="model-description">{m.description}</p>}
      <Tags tags={m.tags} />
      {can(roles, "CONTRIBUTOR") && <DescriptionControls modelId={m.id} description={m.description} tags={m.tags} onChange={() => reexecute({ requestPolicy: "network-only" })} />}
      {liveError && <Problem error={liveError} />}
      {versions.length === 0 ? <p className="muted">No versions registered yet.</p> : (
        <table className="versions">
          <thead><tr><th>Version</th><th>Stage</th><th>Aliases</th><th>Promotion</th><th>Four-fifths</th><th>Trained by</th><th>Artifact</th><th>Created</th><th></th></tr></thead>
          <tbody>
            {versions.map((v) => {
              const latest = v.promotionRequests.edges[0]?.node;
              const b = v.biasChecks.edges[0]?.node;
              return (
                <tr key={v.id} data-version={v.id} data-stage={v.stage} className={v.id === current?.id ? "picked" : undefined} onClick={() => setParams({ version: v.id }, { replace: true })}>
                  <td>v{v.version}</td>
                  <td><Stage stage={v.stage} /></td>
                  <td data-testid="aliases"><Aliases aliases={v.aliases} governed={governed} /></td>
                  <td>{latest ? <><PromotionStatusBadge status={latest.status} /> <span className="muted">to {latest.targetStage.toLowerCase()}</span></> : <span className="muted">—</span>}</td>
                  <td>{b ? <span className={`verdict ${b.fourFifths.toLowerCase()}`}>{b.fourFifths.toLowerCase()}</span> : <span className="muted">not checked</span>}</td>
                  <td>{v.run ? <><Link to={`/runs/${v.run.id}`}>{v.run.name}</Link> <span className="muted">in {runHome(v.run)?.name ?? "—"}</span></> : <span className="muted">not recorded</span>}</td>
                  <td><code>{v.uri}</code></td>
                  <td>{new Date(v.createdAt).toLocaleString()} <span className="muted">by {v.createdBy}</span></td>
                  <td><Link to={`/lineage/${v.id}?direction=UPSTREAM`}>lineage</Link> · <Link to={`/impact/${v.id}`}>impact</Link></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {current && (
        <div className="card" data-testid="model-version" data-version={current.id}>
          <h3>Version {current.version} <Stage stage={current.stage} /></h3>
          {current.description && <p className="description" data-testid="version-description">{current.description}</p>}
          <Tags tags={current.tags} />
          {can(roles, "CONTRIBUTOR") && (
            <DescriptionControls key={`d-${current.id}`} versionId={current.id} description={current.description} tags={current.tags}
              onChange={() => reexecute({ requestPolicy: "network-only" })} />
          )}
          {current.aliases.length > 0 && <p>Aliases: <Aliases aliases={current.aliases} governed={governed} /></p>}
          {can(roles, "CONTRIBUTOR") && (current.stage === "NONE" || current.stage === "STAGING") && (
            <ArchiveButton key={`a-${current.id}`} versionId={current.id} version={current.version} onChange={() => reexecute({ requestPolicy: "network-only" })} />
          )}
          {can(roles, "CONTRIBUTOR") && (
            <AliasControls key={current.id} modelId={m.id} versionId={current.id} version={current.version} aliases={current.aliases} governed={governed}
              onChange={() => reexecute({ requestPolicy: "network-only" })} />
          )}
          <div className="grid">
            <div>
              <h4>Promotion requests <small className="muted">{current.promotionRequests.totalCount}</small></h4>
              {current.promotionRequests.totalCount === 0 ? <p className="muted">None yet.</p> : (
                <ul className="plain" data-testid="version-requests">
                  {current.promotionRequests.edges.map(({ node: r }) => (
                    <li key={r.id} data-request={r.id} data-status={r.status}>
                      <PromotionStatusBadge status={r.status} /> to {r.targetStage.toLowerCase()}{" "}
                      <span className="muted">by {r.requestedBy}, {relativeTime(r.requestedAt)}</span> · <Link to={approvalsLink(m.projectKey, r.id)}>details</Link>
                    </li>
                  ))}
                </ul>
              )}
              {can(roles, "CONTRIBUTOR") && (
                <>
                  <h4>{current.stage === "ARCHIVED" ? "Put back into production (a governed request; its approval archives the version it replaces)" : "Request promotion"}</h4>
                  <RequestPromotion key={current.id} versionId={current.id} stage={current.stage} />
                </>
              )}
            </div>
            <div>
              <h4>Latest bias check</h4>
              <BiasSummary check={bias} />
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
