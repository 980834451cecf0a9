import { useMemo } from "react";
import { NavLink } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { useEventHead, useRefreshOn, useTicks } from "./Live";

// The requests the viewer may decide now, in every project they can read:
// the first hundred say where they are.
const DecidableQuery = graphql(`
  query Decidable {
    promotionRequests(filter: { decidableByViewer: true }, first: 100) { totalCount edges { node { id projectKey } } }
  }
`);

const ApprovalRequested = graphql(`
  subscription ApprovalRequested($after: String) {
    approvalRequested(after: $after) { cursor seq }
  }
`);

// Requests leave the count when they close or their checks change, by
// whoever's hand.
const PromotionClosed = graphql(`
  subscription PromotionClosed($after: String) {
    events(filter: { kinds: [PROMOTION_APPROVED, PROMOTION_REJECTED, PROMOTION_CANCELLED, PROMOTION_COMPLETED, PROMOTION_CHECKS_CHANGED] }, after: $after) { cursor seq }
  }
`);

export interface Decidable {
  total: number;
  requests: { id: string; projectKey: string }[];
}

// useDecidable is the requests the viewer may decide now, in all their
// projects, kept live: read after the event log's position and again on
// each new request the viewer may decide and each request decided,
// withdrawn or re-checked; a decision taken here (a mutation that returns
// a PromotionRequest) re-reads it too. The nav and the inbox share it
// (one query, one cache entry).
export function useDecidable(): Decidable | null {
  const head = useEventHead();
  const requested = useTicks(ApprovalRequested, {}, head.after);
  const closed = useTicks(PromotionClosed, {}, head.after);
  const context = useMemo(() => ({ additionalTypenames: ["PromotionRequest"] }), []);
  const [{ data }, reexecute] = useQuery({ query: DecidableQuery, context, pause: head.after === null });
  useRefreshOn(requested.ticks + closed.ticks, reexecute);
  return useMemo(
    () => (data ? { total: data.promotionRequests.totalCount, requests: data.promotionRequests.edges.map((e) => e.node) } : null),
    [data],
  );
}

// ApprovalsNav is the nav link to the approvals inbox with a live count of
// the requests the viewer may decide now, in all their projects (the
// inbox shows one project and says how many wait in the others).
export function ApprovalsNav() {
  const n = useDecidable()?.total ?? 0;
  const said = `${n} to decide in all your projects`;
  return (
    <NavLink to="/approvals">
      Approvals{n > 0 && <span className="count" data-testid="approvals-badge" data-count={n} aria-label={said} title={said}>{n}</span>}
    </NavLink>
  );
}
