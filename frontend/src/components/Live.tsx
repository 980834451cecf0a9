import { useEffect, useRef, useSyncExternalStore } from "react";
import { useQuery, useSubscription, type AnyVariables, type CombinedError, type OperationContext, type TypedDocumentNode } from "urql";
import { graphql } from "../gql";
import { getConnection, onConnection } from "../lib/connection";

const HeadQuery = graphql(`
  query EventHead {
    recentEvents(last: 0) { cursor }
  }
`);

// useEventHead reads the event log's position when the view opens: a
// subscription that starts after it misses nothing that a read made after
// it could not see. after is null until it is known.
export function useEventHead(): { after: string | null; error: CombinedError | undefined } {
  const [head] = useQuery({ query: HeadQuery, requestPolicy: "network-only" });
  return { after: head.data?.recentEvents.cursor ?? null, error: head.error };
}

// useTicks subscribes, from after, to a subscription that takes an after
// cursor (api.ts resumes it from its last event when the connection
// drops) and counts the events it delivers. It waits while after is null
// or pause is set.
export function useTicks<V extends AnyVariables & { after?: string | null }>(
  subscription: TypedDocumentNode<unknown, V>,
  variables: Omit<V, "after">,
  after: string | null,
  pause = false,
): { ticks: number; error: CombinedError | undefined } {
  const [live] = useSubscription<unknown, number, V>(
    { query: subscription, variables: { ...variables, after } as unknown as V, pause: pause || after === null },
    (n = 0) => n + 1,
  );
  return { ticks: live.data ?? 0, error: live.error };
}

export interface LiveTicks {
  // The log's position has been read: a view that pauses its first read
  // until then reads nothing that the subscription could miss.
  ready: boolean;
  // Events delivered so far.
  ticks: number;
  error: CombinedError | undefined;
}

// useLiveTicks keeps a view live: useEventHead, then useTicks from there.
// Views read again what they show whenever the count moves (useRefreshOn).
// pause holds the subscription (not the position) until its variables are
// known.
export function useLiveTicks<V extends AnyVariables & { after?: string | null }>(
  subscription: TypedDocumentNode<unknown, V>,
  variables: Omit<V, "after">,
  pause = false,
): LiveTicks {
  const head = useEventHead();
  const live = useTicks(subscription, variables, head.after, pause);
  return { ready: head.after !== null, ticks: live.ticks, error: head.error ?? live.error };
}

// useRefreshOn reads a query again, past the cache, each time ticks moves
// after the component mounted (its first read is fresh already).
export function useRefreshOn(ticks: number, reexecute: (opts?: Partial<OperationContext>) => void): void {
  const seen = useRef(ticks);
  useEffect(() => {
    if (ticks === seen.current) return;
    seen.current = ticks;
    reexecute({ requestPolicy: "network-only" });
  }, [ticks, reexecute]);
}

// LiveStatus says whether the live connection is up, and where it will
// resume from while it is down.
export function LiveStatus() {
  const conn = useSyncExternalStore(onConnection, getConnection);
  return (
    <span className={`live ${conn.status}`} data-testid="connection" data-status={conn.status}>
      {conn.status === "live" ? "● live" : conn.status === "reconnecting" ? `reconnecting… will resume after event ${conn.resumeFrom ?? "(none yet)"}` : "connecting…"}
    </span>
  );
}
