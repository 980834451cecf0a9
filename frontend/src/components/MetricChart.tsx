import { memo, useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { align, type Axis, type Series } from "../lib/charts";

const palette = ["#3538cd", "#e04f16", "#079455", "#c11574", "#0e9384", "#b54708", "#6938ef", "#475467"];

interface Props {
  title: string;
  series: Series[];
  axis: Axis;
}

// MetricChart draws the full history of one metric for one or more runs,
// on a step or a time axis. uPlot renders to a canvas, so histories of
// many thousands of points stay fast.
export const MetricChart = memo(function MetricChart({ title, series, axis }: Props) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const data = align(series, axis);
    const opts: uPlot.Options = {
      title,
      width: el.clientWidth || 480,
      height: 240,
      scales: { x: { time: axis === "time" } },
      axes: [{ label: axis === "step" ? "step" : undefined }, {}],
      series: [
        { label: axis },
        ...series.map((s, i) => ({ label: s.label, stroke: palette[i % palette.length], width: 1.5, spanGaps: true, points: { show: data[0].length < 60 } })),
      ],
    };
    const plot = new uPlot(opts, data as uPlot.AlignedData, el);
    const ro = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 240 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [title, series, axis]);
  return <div className="chart" ref={host} data-testid="metric-chart" data-metric={title} />;
});

// axisFrom reads the chart axis from the URL (?axis=time; step otherwise).
export function axisFrom(params: URLSearchParams): Axis {
  return params.get("axis") === "time" ? "time" : "step";
}

export function AxisToggle({ axis, onChange }: { axis: Axis; onChange: (a: Axis) => void }) {
  return (
    <div className="toggle" role="group" aria-label="x axis">
      {(["step", "time"] as const).map((a) => (
        <button key={a} aria-pressed={axis === a} onClick={() => onChange(a)}>{a}</button>
      ))}
    </div>
  );
}
