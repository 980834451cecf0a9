import { memo, useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useMutation, useQuery, type CombinedError } from "urql";
import { graphql } from "../gql";
import type { MeQuery as MeData } from "../gql/graphql";
import { useProject } from "../components/ProjectPicker";
import { LiveStatus, useLiveTicks, useRefreshOn } from "../components/Live";
import { Loading, Problem } from "../components/States";
import { ChecksTable, PromotionStatusBadge, PromotionUpdated, Stage } from "../components/Governance";
import { DownloadJson } from "../components/Download";
import { SignOffForm, SignOffs } from "../components/SignOff";
import { MeQuery } from "./SignIn";
import {
  approvalStanding, checksSummary, compareStatus, decidableElsewhere, groupNeeds, decisionProblem, failingChecks, parseTab, requestActions, rolesIn, tabFilter, tabs, type Tab,
} from "../lib/approvals";
import { useDecidable } from "../components/ApprovalsNav";
import { relativeTime } from "../lib/format";
import { withParams } from "../lib/url";

const ListQuery = graphql(`
  query PromotionRequests($projectKey: String, $filter: PromotionRequestFilter) {
    promotionRequests(projectKey: $projectKey, filter: $filter, first: 50) {
      totalCount
      edges {
        node {
          id status targetStage requestedBy requestedAt approvalCount requiredApprovals
          modelVersion { id version model { id name } }
          checks { name verdict }
        }
      }
    }
  }
`);

const RequestQuery = graphql(`
  query PromotionRequest($id: ID!) {
    node(id: $id) {
      ... on PromotionRequest {
        id projectKey status fromStage targetStage governedAlias justification requestedBy requestedAt trainedBy checkedAt closedAt
        approvalCount requiredApprovals viewerCanDecide requiredGroups { group approvals } approvalsValidFor approvalsOutstanding
        modelVersion { id version stage model { id name } run { id name } }
        policy { id version approverRole separationOfDuties }
        checks { name verdict detail evidenceIds }
        approvals { actor decision comment at groups counted notCountedReason countedForGroup }
        signOffs { id decision findings signedBy signedAt digest }
      }
    }
  }
`);

const ApproveMutation = graphql(`
  mutation ApprovePromotion($id: ID!, $comment: String!) {
    approvePromotion(input: { promotionRequestId: $id, comment: $comment }) { promoted promotionRequest { id status modelVersion { id stage } } }
  }
`);

const RejectMutation = graphql(`
  mutation RejectPromotion($id: ID!, $comment: String!) {
    rejectPromotion(input: { promotionRequestId: $id, comment: $comment }) { promotionRequest { id status } }
  }
`);

const CancelMutation = graphql(`
  mutation CancelPromotion($id: ID!) {
    cancelPromotion(input: { promotionRequestId: $id }) { promotionRequest { id status } }
  }
`);

const ReevaluateMutation = graphql(`
  mutation ReevaluatePromotion($id: ID!) {
    reevaluatePromotion(input: { promotionRequestId: $id }) { promoted promotionRequest { id status checkedAt modelVersion { id stage } } }
  }
`);

const EvidencePackQuery = graphql(`
  query EvidencePack($id: ID!) {
    evidencePack(promotionRequestId: $id)
  }
`);

const emptyText: Record<Tab, string> = {
  decide: "Nothing waits for your decision here. Requests you may approve appear the moment they are made.",
  open: "No open promotion request.",
  all: "No promotion request yet: ask for one from a model version's page.",
};

type Viewer = MeData["me"];

// DecideElsewhere says how many requests wait for the viewer's decision
// in projects other than the one shown (the nav's count covers them all),
// with a link to each.
function DecideElsewhere({ project, here }: { project: string; here: number }) {
  const decidable = useDecidable();
  if (!decidable) return null;
  const more = decidable.total - here;
  if (more <= 0) return null;
  const where = decidableElsewhere(decidable.requests, project);
  return (
    <p className="info" data-testid="decide-elsewhere" data-count={more}>
      {more} more {more === 1 ? "request waits" : "requests wait"} for your decision in other projects
      {where.length > 0 && <>: {where.map((w, i) => (
        <span key={w.projectKey}>{i > 0 && ", "}<Link to={`?${withParams(new URLSearchParams(), { project: w.projectKey })}`}>{w.projectKey}</Link> ({w.count})</span>
      ))}{decidable.total > decidable.requests.length && ", and more"}</>}
      . The count beside Approvals covers all your projects.
    </p>
  );
}

// RequestDetail is one promotion request in full: why, the checks and
// what they rest on, the decisions so far, and what the viewer may do.
const RequestDetail = memo(function RequestDetail({ id, ticks, viewer, closeLink }: { id: string; ticks: number; viewer: Viewer | null; closeLink: string }) {
  const [{ data, error, fetching }, reexecute] = useQuery({ query: RequestQuery, variables: { id } });
  useRefreshOn(ticks, reexecute);
  const [comment, setComment] = useState("");
  const [outcome, setOutcome] = useState<{ error: CombinedError | null; said: string | null }>({ error: null, said: null });
  const [approveState, approve] = useMutation(ApproveMutation);
  const [rejectState, reject] = useMutation(RejectMutation);
  const [cancelState, cancel] = useMutation(CancelMutation);
  const [reevaluateState, reevaluate] = useMutation(ReevaluateMutation);
  const busy = approveState.fetching || rejectState.fetching || cancelState.fetching || reevaluateState.fetching;
  const act = async (run: Promise<{ error?: CombinedError; data?: unknown }>, said: string) => {
    const r = await run;
    setOutcome({ error: r.error ?? null, said: r.error ? null : said });
    if (!r.error) setComment("");
  };
  if (fetching && !data) return <aside className="card request"><Loading what="the request" /></aside>;
  if (error) return <aside className="card request"><Problem error={error} /></aside>;
  const r = data?.node?.__typename === "PromotionRequest" ? data.node : null;
  if (!r) return <aside className="card request"><p>No such promotion request, or you may not read its project. <Link to={closeLink}>Close</Link></p></aside>;
  const mv = r.modelVersion;
  const actions = requestActions(r, { subject: viewer?.subject ?? "", roles: viewer ? rolesIn(viewer.grants, r.projectKey) : [] });
  const rejectProblem = decisionProblem("REJECTED", comment);
  return (
    <aside className="card request" data-testid="request" data-request={r.id} data-status={r.status}>
      <div className="row">
        <h2><Link to={`/models/${mv.model.id}`}>{mv.model.name}</Link> v{mv.version}</h2>
        <span className="spacer" />
        <PromotionStatusBadge status={r.status} />
        <Link to={closeLink} className="close" aria-label="close the request">×</Link>
      </div>
      <p>
        <Stage stage={r.fromStage} /> → <Stage stage={r.targetStage} />
        <span className="muted"> · the version is now </span><Stage stage={mv.stage} />
      </p>
      {r.governedAlias && (
        <p data-testid="governed-alias" data-alias={r.governedAlias}>
          {r.status === "APPROVED" ? "Moved" : "Will move"} alias <span className="alias governed">{r.governedAlias}</span> to this version
          <span className="muted"> (asked for through the MLflow API; the policy governs it)</span>
        </p>
      )}
      <p className="muted">
        Requested by <strong>{r.requestedBy}</strong> {new Date(r.requestedAt).toLocaleString()}
        {r.trainedBy && <> · trained by {r.trainedBy}{mv.run && <> in <Link to={`/runs/${mv.run.id}`}>{mv.run.name}</Link></>}</>}
        {r.closedAt && <> · closed {new Date(r.closedAt).toLocaleString()}</>}
      </p>
      <p className="muted">
        Held to policy v{r.policy.version}: {r.requiredApprovals} {r.requiredApprovals === 1 ? "approval" : "approvals"} from {r.policy.approverRole.toLowerCase()}s
        {r.policy.separationOfDuties && ", neither the requester nor whoever trained it"}
        {groupNeeds(r.requiredGroups, r.approvalsValidFor) && <span data-testid="group-needs">; {groupNeeds(r.requiredGroups, r.approvalsValidFor)}</span>}.
      </p>
      <h3>Justification</h3>
      <p className="justification">{r.justification}</p>
      <h3>Checks <small className="muted">{checksSummary(r.checks)}, evaluated {relativeTime(r.checkedAt)}</small></h3>
      <ChecksTable checks={r.checks} />
      <h3>Approvals <small className="muted" data-testid="approval-count">{r.approvalCount}/{r.requiredApprovals}</small></h3>
      {r.approvalsOutstanding && <p className="warn" data-testid="approvals-outstanding">Still missing: {r.approvalsOutstanding}.</p>}
      {r.approvals.length === 0 ? <p className="muted">No decision yet.</p> : (
        <ul className="plain decisions">
          {r.approvals.map((a) => (
            <li key={`${a.actor}-${a.at}`} data-actor={a.actor} data-decision={a.decision}>
              <span className={`verdict ${a.decision === "APPROVED" ? "passed" : "failed"}`}>{a.decision.toLowerCase()}</span> by <strong>{a.actor}</strong>{" "}
              <span className="muted" title={new Date(a.at).toLocaleString()}>{relativeTime(a.at)}</span>
              {a.groups.length > 0 && <span className="muted" data-testid="approver-groups"> · groups {a.groups.join(", ")}</span>}
              {(() => {
                const st = approvalStanding(a);
                return st && <> · <span className={st.counts ? "counts" : "warn"} data-testid="standing" data-counted={st.counts}>{st.label}</span></>;
              })()}
              {a.comment && <blockquote>{a.comment}</blockquote>}
            </li>
          ))}
        </ul>
      )}
      {actions.decide && (
        <form className="decide" onSubmit={(e) => e.preventDefault()}>
          {r.status === "BLOCKED" && <p className="warn">A check fails: an approval is recorded, and the promotion waits until the checks pass (re-evaluate them once fixed).</p>}
          <label>Comment <span className="muted">(optional to approve, required to reject)</span>
            <textarea aria-label="comment" rows={3} value={comment} onChange={(e) => setComment(e.target.value)} />
          </label>
          <div className="row">
            <button disabled={busy || decisionProblem("APPROVED", comment) !== null} onClick={() => act(approve({ id: r.id, comment }), "Approved.")}>Approve</button>
            <button disabled={busy || rejectProblem !== null} onClick={() => act(reject({ id: r.id, comment }), "Rejected.")}>Reject</button>
            {rejectProblem && <span className="muted">{rejectProblem}</span>}
          </div>
        </form>
      )}
      <h3>Compliance sign-offs</h3>
      <SignOffs rows={r.signOffs} />
      {actions.signOff && <SignOffForm requestId={r.id} onSigned={() => reexecute({ requestPolicy: "network-only" })} />}
      <div className="row actions">
        {actions.reevaluate && <button disabled={busy} onClick={() => act(reevaluate({ id: r.id }), "Checks evaluated again.")}>Re-evaluate checks</button>}
        {actions.cancel && <button disabled={busy} onClick={() => act(cancel({ id: r.id }), "Request cancelled.")}>Cancel the request</button>}
        {actions.evidence && <DownloadJson label="Download evidence pack" query={EvidencePackQuery} variables={{ id: r.id }} field="evidencePack" prefix="evidence" id={r.id} />}
      </div>
      {outcome.error && <Problem error={outcome.error} />}
      {outcome.said && <p className="muted" role="status">{outcome.said}</p>}
    </aside>
  );
});

// Approvals is the promotion inbox of a project: the requests the viewer
// may decide, the open ones, or all, newest first with the open ones on
// top, and the picked one in full. Project, tab and request are in the
// URL. It is live: each change to a request re-reads the list and the
// request shown.
export default function Approvals() {
  const [params, setParams] = useSearchParams();
  const { project, picker } = useProject();
  const tab = parseTab(params.get("tab"));
  const selected = params.get("request");
  const [me] = useQuery({ query: MeQuery });
  const live = useLiveTicks(PromotionUpdated, { projectKey: project?.key ?? "" }, !project);
  // The list is read after the log's position, so no change falls
  // between the two.
  const [{ data, error, fetching }, reexecute] = useQuery({
    query: ListQuery,
    variables: { projectKey: project?.key ?? null, filter: tabFilter(tab) },
    pause: !project || !live.ready,
  });
  useRefreshOn(live.ticks, reexecute);
  // Links keep the project shown, even when it was not in the URL.
  const next = (patch: Record<string, string | null>) => withParams(params, { project: project?.key ?? params.get("project"), ...patch });
  const link = (patch: Record<string, string | null>) => `?${next(patch)}`;
  const go = (patch: Record<string, string | null>) => setParams(next(patch));
  const rows = useMemo(() => (data?.promotionRequests.edges.map((e) => e.node) ?? []).sort((a, b) => compareStatus(a.status, b.status)), [data]);
  return (
    <section>
      <div className="row">
        <h1>Approvals</h1>
        {picker}
        <LiveStatus />
      </div>
      <div className="row">
        <div className="toggle" role="group" aria-label="requests">
          {tabs.map((t) => <button key={t.tab} aria-pressed={tab === t.tab} onClick={() => go({ tab: t.tab === "decide" ? null : t.tab })}>{t.label}</button>)}
        </div>
        {data && <span className="muted" data-testid="request-count" data-count={data.promotionRequests.totalCount}>{data.promotionRequests.totalCount} {data.promotionRequests.totalCount === 1 ? "request" : "requests"}{data.promotionRequests.totalCount > rows.length && `, the newest ${rows.length} shown`}</span>}
      </div>
      {tab === "decide" && project && data && <DecideElsewhere project={project.key} here={data.promotionRequests.totalCount} />}
      {live.error && <Problem error={live.error} />}
      {me.error && <Problem error={me.error} />}
      <div className={selected ? "inbox open" : "inbox"}>
        <div className="scroll">
          {project && !data && fetching && <Loading what="promotion requests" />}
          {error && <Problem error={error} />}
          {data && rows.length === 0 && <p className="muted empty" data-testid="no-requests">{emptyText[tab]}</p>}
          {rows.length > 0 && (
            <table className="requests">
              <thead><tr><th>Model version → stage</th><th>Status</th><th>Requested by</th><th>When</th><th>Approvals</th><th>Failing checks</th></tr></thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id} className={r.id === selected ? "picked" : undefined} data-request={r.id} data-status={r.status} onClick={(e) => (e.target as HTMLElement).closest("a") === null && go({ request: r.id })}>
                    <td><Link to={link({ request: r.id })}>{r.modelVersion.model.name} v{r.modelVersion.version}</Link> → <Stage stage={r.targetStage} /></td>
                    <td><PromotionStatusBadge status={r.status} /></td>
                    <td>{r.requestedBy}</td>
                    <td title={new Date(r.requestedAt).toLocaleString()}>{relativeTime(r.requestedAt)}</td>
                    <td className="num">{r.approvalCount}/{r.requiredApprovals}</td>
                    <td>{failingChecks(r.checks) || <span className="muted">none</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        {selected && <RequestDetail key={selected} id={selected} ticks={live.ticks} viewer={me.data?.me ?? null} closeLink={link({ request: null })} />}
      </div>
    </section>
  );
}
