import { useMemo } from "react";
import { NavLink } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { useEventHead, useRefreshOn, useTicks } from "./Live";

const DecidableQuery = graphql(`
  query DecidableCount {
    promotionRequests(filter: { decidableByViewer: true }, first: 0) { totalCount }
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

// ApprovalsNav is the nav link to the approvals inbox with a live count of
// the requests the viewer may decide now: it is read after the event
// log's position and again on each new request the viewer may decide and
// each request decided, withdrawn or re-checked; a decision taken here (a
// mutation that returns a PromotionRequest) re-reads it too.
export function ApprovalsNav() {
  const head = useEventHead();
  const requested = useTicks(ApprovalRequested, {}, head.after);
  const closed = useTicks(PromotionClosed, {}, head.after);
  const context = useMemo(() => ({ additionalTypenames: ["PromotionRequest"] }), []);
  const [{ data }, reexecute] = useQuery({ query: DecidableQuery, context, pause: head.after === null });
  useRefreshOn(requested.ticks + closed.ticks, reexecute);
  const n = data?.promotionRequests.totalCount ?? 0;
  return (
    <NavLink to="/approvals">
      Approvals{n > 0 && <span className="count" data-testid="approvals-badge" data-count={n} aria-label={`${n} to decide`}>{n}</span>}
    </NavLink>
  );
}
