import { useState } from "react";
import { useSubscription } from "urql";
import { graphql } from "../gql";
import { kindLabel, relativeTime } from "../lib/format";

const EventsSubscription = graphql(`
  subscription Events($after: String) {
    events(after: $after) { cursor seq at actor projectKey kind targetId payload }
  }
`);

const CURSOR_KEY = "exphub.activity.cursor";

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

// Activity is the live feed: the latest events first. It remembers the last
// cursor it saw, so after a reload or a lost connection it resumes there.
export function Activity() {
  const [after] = useState(() => sessionStorage.getItem(CURSOR_KEY));
  const [res] = useSubscription<{ events: Ev }, Ev[]>({ query: EventsSubscription, variables: { after } }, (prev = [], data) => {
    sessionStorage.setItem(CURSOR_KEY, data.events.cursor);
    return [data.events, ...prev].slice(0, 200);
  });
  return (
    <section>
      <h1>Activity</h1>
      {res.error && <p className="error">{res.error.message}</p>}
      {!res.data?.length && <p className="muted">Waiting for the next change… events appear here the moment they commit.</p>}
      <ol className="feed">
        {res.data?.map((e) => (
          <li key={e.cursor} data-kind={e.kind}>
            <span className="kind">{kindLabel(e.kind)}</span> <code>{e.projectKey}</code> {String(e.payload["name"] ?? e.targetId)}
            {e.kind === "RUN_STATUS_CHANGED" && <> → <strong>{String(e.payload["status"])}</strong></>}
            <span className="muted"> by {e.actor}, {relativeTime(e.at)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
