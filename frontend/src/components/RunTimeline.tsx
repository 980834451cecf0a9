import { useMemo } from "react";
import { Link } from "react-router-dom";
import { timeline, type TimelineRun } from "../lib/pipeline";

// RunTimeline draws a job's runs on one time axis, a bar from each run's
// start to its end (to now while it runs), coloured by status, newest on
// top as the list below it.
export function RunTimeline({ runs }: { runs: (TimelineRun & { name: string })[] }) {
  const { bars, from, to } = useMemo(() => timeline(runs), [runs]);
  if (bars.length === 0) return null;
  const names = new Map(runs.map((r) => [r.id, r.name]));
  return (
    <div className="timeline" data-testid="run-timeline" role="img" aria-label={`${bars.length} runs between ${new Date(from).toLocaleString()} and ${new Date(to).toLocaleString()}`}>
      <div className="axis muted"><span>{new Date(from).toLocaleString()}</span><span>{new Date(to).toLocaleString()}</span></div>
      {bars.map((b) => (
        <div className="lane" key={b.id}>
          <Link
            to={`/runs/${b.id}`}
            className={`span status ${b.status.toLowerCase()}${b.open ? " open" : ""}`}
            style={{ left: `${b.left}%`, width: `${b.width}%` }}
            title={`${names.get(b.id) ?? b.id}: ${b.status.toLowerCase()}, ${new Date(b.startedAt).toLocaleString()} – ${b.endedAt ? new Date(b.endedAt).toLocaleString() : "still running"}`}
            data-run={b.id}
          />
        </div>
      ))}
    </div>
  );
}
