import { useMemo } from "react";
import { Link } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { useProject } from "../components/ProjectPicker";
import { Loading, Problem } from "../components/States";
import { Bars } from "../components/Bars";
import { blockedByCheck, inProduction, leadTimes, openByAge, type DashRequest } from "../lib/dashboard";
import { approvalsLink } from "../lib/events";
import { seconds } from "../lib/report";

// DASH_REQUESTS is how many of the project's newest requests the
// dashboard reads; the report counts them all in the database.
const DASH_REQUESTS = 100;

const DashboardQuery = graphql(`
  query GovernanceDashboard($projectKey: String!, $first: Int!) {
    promotionRequests(projectKey: $projectKey, first: $first) {
      totalCount
      edges {
        node {
          id status targetStage requestedAt closedAt
          modelVersion { id version stage model { id name } }
          checks { name verdict }
        }
      }
    }
  }
`);

function RequestLink({ r, project }: { r: DashRequest; project: string }) {
  return <Link to={approvalsLink(project, r.id)}>{r.modelVersion.model.name} v{r.modelVersion.version} → {r.targetStage.toLowerCase()}</Link>;
}

// GovernanceDashboard shows a project's promotions at a glance: what waits
// and for how long, how long decisions take, what blocks requests, and
// which requests put the versions in production there.
export default function GovernanceDashboard() {
  const { project, picker, unreadable } = useProject();
  const [{ data, error, fetching }] = useQuery({
    query: DashboardQuery,
    variables: { projectKey: project?.key ?? "", first: DASH_REQUESTS },
    pause: !project,
    requestPolicy: "cache-and-network",
  });
  const requests = useMemo(() => (data?.promotionRequests.edges ?? []).map((e) => e.node as DashRequest), [data]);
  const now = useMemo(() => new Date(), [data]);
  const open = openByAge(requests, now);
  const lead = leadTimes(requests);
  const blocked = blockedByCheck(requests);
  const prod = inProduction(requests);
  const total = data?.promotionRequests.totalCount ?? 0;
  return (
    <section>
      <div className="row">
        <h1>Governance dashboard</h1>
        {picker}
      </div>
      {unreadable && <p className="muted" role="status">You hold no role in project “{unreadable}”, or there is no such project.</p>}
      {fetching && !data && <Loading what="the promotion requests" />}
      {error && <Problem error={error} />}
      {project && data && (
        <div data-testid="governance-dashboard" data-project={project.key}>
          <p className="muted">
            From the {Math.min(total, DASH_REQUESTS)} newest of {total} promotion requests of {project.key}.{" "}
            <Link to={`/report?project=${encodeURIComponent(project.key)}`}>The governance report</Link> counts all of them over any period.
          </p>
          <div className="grid2">
            <div className="card">
              <h3>Open requests by age <small className="muted">{open.open.length}</small></h3>
              <Bars buckets={open.buckets} testid="open-by-age" />
              {open.open.length === 0 ? <p className="muted">Nothing waits.</p> : (
                <ul className="plain" data-testid="open-requests">
                  {open.open.slice(0, 10).map((r) => (
                    <li key={r.id} data-request={r.id} data-status={r.status}>
                      <RequestLink r={r} project={project.key} /> <span className="muted">{r.status.toLowerCase()}, waiting {seconds(r.age)}</span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
            <div className="card">
              <h3>Lead time, request to decision <small className="muted">{lead.count} decided</small></h3>
              <Bars buckets={lead.buckets} testid="lead-times" />
              <p data-testid="lead-quantiles">p50 {seconds(lead.p50)}, p90 {seconds(lead.p90)}</p>
            </div>
            <div className="card">
              <h3>Blocked requests by failing check</h3>
              {blocked.length === 0 ? <p className="muted">No request is blocked.</p> : (
                <ul className="plain" data-testid="blocked-by-check">
                  {blocked.map((g) => (
                    <li key={g.check} data-check={g.check} data-count={g.requests.length}>
                      <code>{g.check}</code>: {g.requests.length}{" "}
                      <span className="muted">({g.requests.slice(0, 5).map((r, i) => <span key={r.id}>{i > 0 && ", "}<RequestLink r={r} project={project.key} /></span>)})</span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
            <div className="card">
              <h3>In production</h3>
              {prod.length === 0 ? <p className="muted">No request in view put a version in production.</p> : (
                <ul className="plain" data-testid="production">
                  {prod.map(({ request: r, since }) => (
                    <li key={r.modelVersion.id} data-version={r.modelVersion.id} data-request={r.id}>
                      <Link to={`/models/${r.modelVersion.model.id}?version=${r.modelVersion.id}`}>{r.modelVersion.model.name} v{r.modelVersion.version}</Link>{" "}
                      <span className="muted">since {new Date(since).toLocaleString()}, by <Link to={approvalsLink(project.key, r.id)}>this request</Link></span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </div>
        </div>
      )}
    </section>
  );
}
