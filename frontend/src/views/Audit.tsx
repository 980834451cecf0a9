import { Link, useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import type { EventKind } from "../gql/graphql";
import { Loading, Problem } from "../components/States";
import { auditKinds, eventLink } from "../lib/events";
import { kindLabel, shortDigest } from "../lib/format";
import { withParams } from "../lib/url";

const AuditQuery = graphql(`
  query Audit($filter: EventFilter, $after: String) {
    auditEvents(filter: $filter, first: 50, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { cursor seq at actor projectKey kind targetId payload prevHash hash } }
    }
  }
`);


// Audit is the hash-chained event log for approvers and admins, oldest
// first, 50 events a page. Project, kind and page live in the URL.
export default function Audit() {
  const [params, setParams] = useSearchParams();
  const project = params.get("project") || null;
  const kind = params.get("kind") || null;
  const after = params.get("after") || null;
  const filter = project || kind ? { projectKeys: project ? [project] : null, kinds: kind ? [kind as EventKind] : null } : null;
  const [{ data, error, fetching }] = useQuery({ query: AuditQuery, variables: { filter, after } });
  // Any change but paging goes back to the first page.
  const set = (patch: Record<string, string | null>) => setParams(withParams(params, { ...patch, after: patch["after"] ?? null }));
  const page = data?.auditEvents;
  return (
    <section>
      <h1>Audit log</h1>
      <p className="muted">Every change, in commit order. Each event's hash covers the one before it, so a change made behind the hub's back breaks the chain.</p>
      <div className="row">
        <label>Project <input aria-label="project" placeholder="all" defaultValue={project ?? ""} onKeyDown={(e) => e.key === "Enter" && set({ project: e.currentTarget.value.trim() || null })} /></label>
        <label>Kind <select aria-label="kind" value={kind ?? ""} onChange={(e) => set({ kind: e.target.value || null })}>
          <option value="">all</option>
          {auditKinds.map((k) => <option key={k} value={k}>{kindLabel(k)}</option>)}
        </select></label>
        {after && <button onClick={() => set({ after: null })}>Back to the first page</button>}
      </div>
      {fetching && !data && <Loading what="the audit log" />}
      {error && <Problem error={error} />}
      {page && page.totalCount === 0 && <p className="muted">No events match.</p>}
      {page && page.edges.length > 0 && (
        <>
          <table className="audit">
            <thead><tr><th>#</th><th>When</th><th>Who</th><th>Project</th><th>What</th><th>Target</th><th>Hash</th></tr></thead>
            <tbody>
              {page.edges.map(({ node: e }) => (
                <tr key={e.cursor}>
                  <td className="num">{e.seq}</td>
                  <td>{new Date(e.at).toLocaleString()}</td>
                  <td>{e.actor}</td>
                  <td>{e.projectKey}</td>
                  <td>{kindLabel(e.kind)}{e.payload["status"] ? <> → {String(e.payload["status"])}</> : null}</td>
                  <td><Link to={eventLink(e)}><code>{String(e.payload["name"] ?? e.targetId)}</code></Link></td>
                  <td><code title={`hash ${e.hash}\nprev ${e.prevHash}`}>{shortDigest(e.hash)}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="row">
            <span className="muted">{page.totalCount.toLocaleString()} events</span>
            {page.pageInfo.hasNextPage && page.pageInfo.endCursor && <button onClick={() => set({ after: page.pageInfo.endCursor ?? null })}>Next 50</button>}
          </div>
        </>
      )}
    </section>
  );
}
