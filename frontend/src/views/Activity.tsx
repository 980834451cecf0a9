import { useMemo } from "react";
import { Link } from "react-router-dom";
import { useQuery, useSubscription } from "urql";
import { graphql } from "../gql";
import { Loading, Problem } from "../components/States";
import { LiveStatus } from "../components/Live";
import { eventLink } from "../lib/events";
import { kindLabel, relativeTime } from "../lib/format";

const RecentQuery = graphql(`
  query RecentEvents {
    recentEvents(last: 50) { cursor events { cursor seq at actor projectKey kind targetId payload } }
  }
`);

const EventsSubscription = graphql(`
  subscription Events($after: String) {
    events(after: $after) { cursor seq at actor projectKey kind targetId payload }
  }
`);

interface Ev {
  cursor: string;
  seq: number;
  at: string;
  actor: string;
  projectKey: string;
  kind: string;
  targetId: string;
  payload: Record<string, unknown>;
}

// Activity is the live feed, newest first: the last 50 events, then each
// new one the moment it commits. The subscription starts at the position
// the list was read at, so nothing falls between them, and resumes from
// its last event when the connection drops.
export function Activity() {
  const [recent] = useQuery({ query: RecentQuery, requestPolicy: "network-only" });
  const after = recent.data?.recentEvents.cursor ?? null;
  const [live] = useSubscription<{ events: Ev }, Ev[]>(
    { query: EventsSubscription, variables: { after }, pause: after === null },
    (prev = [], data) => [data.events, ...prev].slice(0, 200),
  );
  const feed = useMemo(() => [...(live.data ?? []), ...((recent.data?.recentEvents.events ?? []) as Ev[])], [live.data, recent.data]);
  return (
    <section>
      <div className="row">
        <h1>Activity</h1>
        <LiveStatus />
      </div>
      {recent.fetching && !recent.data && <Loading what="recent activity" />}
      {recent.error && <Problem error={recent.error} />}
      {live.error && <Problem error={live.error} />}
      {recent.data && feed.length === 0 && <p className="muted">Nothing has happened in your projects yet; changes appear here the moment they commit.</p>}
      <ol className="feed">
        {feed.map((e) => (
          <li key={e.cursor} data-kind={e.kind} data-seq={e.seq}>
            <span className="kind">{kindLabel(e.kind)}</span> <code>{e.projectKey}</code>{" "}
            <Link to={eventLink(e)}>{String(e.payload["name"] ?? e.targetId)}</Link>
            {e.kind === "RUN_STATUS_CHANGED" && <> → <strong>{String(e.payload["status"])}</strong></>}
            <span className="muted"> by {e.actor}, {relativeTime(e.at)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
