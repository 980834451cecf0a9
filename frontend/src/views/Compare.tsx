import { useMemo } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { AxisToggle, MetricChart, axisFrom } from "../components/MetricChart";
import { Loading, Problem } from "../components/States";
import { metricKeys } from "../lib/charts";
import { paramDiff, parseRunList } from "../lib/compare";
import { runHome } from "../lib/pipeline";

const CompareQuery = graphql(`
  query CompareRuns($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Run {
        id name status projectKey startedAt
        experiment { id name }
        job { id name }
        params { key value }
        metrics { key latest { value step } history { step value timestamp } }
      }
    }
  }
`);

// Compare puts two or more runs side by side: which params differ, and
// every metric they logged on one chart per key. The runs are in the URL
// (?runs=a,b,c), so a comparison is a link.
export default function Compare() {
  const [params, setParams] = useSearchParams();
  const ids = parseRunList(params.get("runs"));
  const axis = axisFrom(params);
  const [{ data, error, fetching }] = useQuery({ query: CompareQuery, variables: { ids }, pause: ids.length < 2 });
  const runs = useMemo(() => (data?.nodes ?? []).flatMap((n) => (n?.__typename === "Run" ? [n] : [])), [data]);
  const diff = useMemo(() => paramDiff(runs), [runs]);
  const charts = useMemo(
    () =>
      metricKeys(runs).map((key) => ({
        key,
        series: runs.flatMap((r) => {
          const m = r.metrics.find((x) => x.key === key);
          return m ? [{ label: r.name, points: m.history }] : [];
        }),
      })),
    [runs],
  );
  if (ids.length < 2) return <p>Pick two or more runs on an experiment's page to compare them. <Link to="/experiments">Experiments</Link></p>;
  if (fetching && !data) return <Loading what={`${ids.length} runs`} />;
  if (error) return <Problem error={error} />;
  const missing = ids.length - runs.length;
  const differing = diff.filter((d) => d.differs).length;
  return (
    <section>
      <h1>Comparing {runs.length} runs</h1>
      {missing > 0 && <p className="warn" role="status">{missing} of the runs in this link do not exist or are in projects you may not read.</p>}
      <div className="scroll">
        <table className="compare">
          <thead>
            <tr>
              <th>Param</th>
              {runs.map((r) => <th key={r.id}><Link to={`/runs/${r.id}`}>{r.name}</Link><div className="muted">{runHome(r)?.name ?? "—"} · {r.status.toLowerCase()}</div></th>)}
            </tr>
          </thead>
          <tbody>
            {diff.length === 0 && <tr><td colSpan={runs.length + 1} className="muted">None of these runs has params.</td></tr>}
            {diff.map((d) => (
              <tr key={d.key} className={d.differs ? "differs" : undefined} data-differs={d.differs}>
                <th scope="row">{d.key}</th>
                {d.values.map((v, i) => <td key={runs[i]!.id}>{v === null ? <span className="muted">—</span> : <code>{v}</code>}</td>)}
              </tr>
            ))}
            {charts.map((c) => (
              <tr key={`m:${c.key}`} className="metric-row">
                <th scope="row">{c.key} <span className="muted">(latest)</span></th>
                {runs.map((r) => {
                  const m = r.metrics.find((x) => x.key === c.key);
                  return <td key={r.id} className="num">{m ? m.latest.value.toPrecision(4) : <span className="muted">—</span>}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">{differing} of {diff.length} params differ.</p>
      <div className="row">
        <h2>Metrics</h2>
        <AxisToggle axis={axis} onChange={(a) => { const p = new URLSearchParams(params); if (a === "step") p.delete("axis"); else p.set("axis", a); setParams(p, { replace: true }); }} />
      </div>
      {charts.length === 0 ? <p className="muted">These runs logged no metrics.</p> : (
        <div className="charts">{charts.map((c) => <MetricChart key={c.key} title={c.key} series={c.series} axis={axis} />)}</div>
      )}
    </section>
  );
}
