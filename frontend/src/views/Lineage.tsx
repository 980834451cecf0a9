import { memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { useClient, useQuery } from "urql";
import { Background, Controls, Handle, MiniMap, Position, ReactFlow, type Node, type NodeProps, type ReactFlowInstance } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { LARGE_GRAPH, elkInput, mergeGraphs, minimapColors, quickLayout, toFlow, type FlowNodeData, type LGraph, type Positioned } from "../lib/graph";
import { layout } from "../lib/layout";
import { FeastKindsQuery, LineageQuery, PathQuery, lineageVariables } from "./lineageQueries";
import { feastKindLabel, feastKindsOf, feastLookupBatches, withFeastKinds } from "../lib/featureviews";
import { kindLabel } from "../lib/format";
import { healthLabels } from "../lib/quality";
import { QualityIssues } from "../components/QualityIssues";
import { parseLineageState, serializeLineageState, type LineageState } from "../lib/url";

// JOB adds the job of each run (the API returns jobs only when asked).
const kinds = ["RUN", "DATASET_VERSION", "MODEL_VERSION", "JOB"];


type LineageFlowNode = Node<FlowNodeData, "lineage">;

const LineageNodeView = memo(function LineageNodeView({ data }: NodeProps<LineageFlowNode>) {
  const cls = ["lnode", data.kind.toLowerCase(), data.feastKind ? "feast" : "", data.isRoot ? "root" : "", data.onPath ? "path" : "", data.hasMore ? "more" : "", data.health ? `h-${data.health.toLowerCase()}` : ""].join(" ");
  return (
    <div className={cls} title={data.health ? `${data.id}: ${healthLabels[data.health] ?? data.health}` : data.id} data-health={data.health ?? undefined} data-feast={data.feastKind ?? undefined}>
      <Handle type="target" position={Position.Left} />
      <div className="kind">{data.feastKind ? `${feastKindLabel(data.feastKind)}${data.kind === "DATASET_VERSION" ? " · version" : ""}` : kindLabel(data.kind)}</div>
      <div className="name">{data.kind === "REDACTED" ? "hidden project" : data.name}</div>
      {data.hasMore && <div className="badge">+ more</div>}
      <Handle type="source" position={Position.Right} />
    </div>
  );
});

const nodeTypes = { lineage: LineageNodeView };

export default function Lineage() {
  const { id = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const state = parseLineageState(params);
  const update = (patch: Partial<LineageState>) => setParams(serializeLineageState({ ...state, ...patch }), { replace: true });
  const [{ data, error, fetching }] = useQuery({
    query: LineageQuery,
    variables: lineageVariables(id, state),
  });
  const client = useClient();
  const [extra, setExtra] = useState<LGraph[]>([]);
  // Expansions belong to one walk: a new root or walk setting drops them,
  // selecting a node does not.
  const walkKey = JSON.stringify([id, state.direction, state.depth, state.maxNodes, state.kinds, state.asOf]);
  useEffect(() => setExtra([]), [walkKey]);
  const [pathRes] = useQuery({
    query: PathQuery,
    variables: { from: state.path?.[0] ?? "", to: state.path?.[1] ?? "", asOf: state.asOf },
    pause: !state.path,
  });
  const pathGraph = state.path ? (pathRes.data?.lineagePath as LGraph | null | undefined) : undefined;
  // The path's nodes in order from its first end; they join the graph when
  // the walk did not reach them.
  const path = useMemo(() => (pathGraph ? [...pathGraph.nodes].sort((a, b) => a.distance - b.distance).map((n) => n.id) : []), [pathGraph]);
  const graph = useMemo(() => {
    if (!data) return null;
    const g = extra.reduce<LGraph>((acc, more) => mergeGraphs(acc, more), data.lineage as LGraph);
    return pathGraph ? mergeGraphs(g, pathGraph) : g;
  }, [data, extra, pathGraph]);
  // Which datasets and versions are Feast's: asked once per node after the
  // walk (LineageNode cannot say), nearest the root first and capped, so a
  // large graph costs a few small requests and no redraw when none is.
  const [feastKinds, setFeastKinds] = useState<ReadonlyMap<string, string>>(() => new Map());
  const feastAsked = useRef(new Set<string>());
  // An answer stays true after the graph changes (a node's kind does not
  // depend on the walk), so a late one is still kept.
  useEffect(() => {
    if (!graph) return;
    for (const ids of feastLookupBatches(graph.nodes, feastAsked.current)) {
      ids.forEach((nid) => feastAsked.current.add(nid));
      void client.query(FeastKindsQuery, { ids }).toPromise().then((res) => {
        const found = feastKindsOf(res.data?.nodes ?? []);
        if (found.size > 0) setFeastKinds((had) => new Map([...had, ...found]));
      });
    }
  }, [graph, client]);
  const [pathStart, setPathStart] = useState<string | null>(null);
  // The canvas appears once the walk's first layout is done: drawing a
  // thousand nodes twice (placed by distance, then laid out) would cost
  // more than the layout. Later layouts of the same walk (expansions, a
  // path) move the nodes already drawn.
  const [placed, setPlaced] = useState<{ walk: string; positions: Positioned[]; ms: number } | null>(null);
  const [layoutError, setLayoutError] = useState<string | null>(null);
  useEffect(() => {
    if (!graph) return;
    let live = true;
    const t0 = performance.now();
    layout(elkInput(graph)).then(
      (p) => live && setPlaced({ walk: walkKey, positions: p, ms: Math.round(performance.now() - t0) }),
      (err: unknown) => live && setLayoutError(String(err)),
    );
    return () => {
      live = false;
    };
  }, [graph, walkKey]);
  const current = placed?.walk === walkKey ? placed : null;
  const positions = current?.positions;
  const layoutMs = current?.ms ?? null;
  // Marks the browser tests read: when the graph arrived, and when it is
  // on screen, laid out.
  useEffect(() => {
    if (data) performance.mark("exphub:lineage-data");
  }, [data]);
  // A large graph is drawn at once in a quick layered placement, usable
  // while ELK works (about a second for 1,000 nodes); ELK's layout then
  // replaces it. A small one waits the few milliseconds ELK needs.
  const preview = useMemo(() => (graph && !positions && graph.nodes.length > LARGE_GRAPH ? quickLayout(graph) : null), [graph, positions]);
  const shown = positions ?? preview;
  useEffect(() => {
    if (shown) performance.mark("exphub:lineage-interactive", { detail: shown.length });
  }, [shown]);
  useEffect(() => {
    if (positions) performance.mark("exphub:lineage-laid-out", { detail: positions.length });
  }, [positions]);
  const showCanvas = !!graph && (!!shown || !!layoutError);
  const flow = useMemo(
    () => (graph && showCanvas ? toFlow({ ...graph, nodes: withFeastKinds(graph.nodes, feastKinds) }, shown ?? [], path) : { nodes: [], edges: [] }),
    [graph, showCanvas, shown, path, feastKinds],
  );
  // When ELK's layout replaces the preview, frame the root again, unless
  // the user has already moved the view.
  const rf = useRef<ReactFlowInstance<LineageFlowNode> | null>(null);
  const userMoved = useRef(false);
  useEffect(() => {
    userMoved.current = false;
  }, [walkKey]);
  useEffect(() => {
    if (positions && !userMoved.current) void rf.current?.fitView(fitOptionsRef.current);
  }, [positions]);
  // A large graph opens on its root and nearest neighbours, readable, with
  // the whole graph in the minimap; drawing only what is on screen keeps
  // the first paint fast.
  const fitOptions = useMemo(() => {
    if (!graph || graph.nodes.length <= LARGE_GRAPH) return undefined;
    const near = graph.nodes.filter((n) => n.distance <= 1).slice(0, 40).map((n) => ({ id: n.id }));
    return { nodes: near, maxZoom: 1 };
  }, [graph]);
  const fitOptionsRef = useRef(fitOptions);
  fitOptionsRef.current = fitOptions;
  const nameOf = (nid: string) => graph?.nodes.find((n) => n.id === nid)?.name ?? nid;
  const selected = graph?.nodes.find((n) => n.id === state.selected) ?? null;
  const expand = useCallback(
    async (nodeId: string) => {
      const res = await client
        .query(LineageQuery, { ...lineageVariables(nodeId, state), depth: 2 })
        .toPromise();
      if (res.data) setExtra((x) => [...x, res.data!.lineage as LGraph]);
    },
    [client, state.direction, state.maxNodes, state.kinds, state.asOf],
  );
  return (
    <section className="lineage">
      <div className="controls">
        <label>Direction <select aria-label="direction" value={state.direction} onChange={(e) => update({ direction: e.target.value as LineageState["direction"] })}>
          <option value="BOTH">both</option><option value="UPSTREAM">upstream</option><option value="DOWNSTREAM">downstream</option>
        </select></label>
        <label>Depth <input aria-label="depth" type="number" min={0} max={50} value={state.depth} onChange={(e) => update({ depth: Number(e.target.value) })} /></label>
        <fieldset>
          {kinds.map((k) => (
            <label key={k}><input type="checkbox" checked={state.kinds.includes(k)} onChange={(e) => update({ kinds: e.target.checked ? [...state.kinds, k] : state.kinds.filter((x) => x !== k) })} />{kindLabel(k)}</label>
          ))}
        </fieldset>
        <label>As of <input aria-label="as of" type="datetime-local" value={state.asOf ? state.asOf.slice(0, 16) : ""} onChange={(e) => update({ asOf: e.target.value ? new Date(e.target.value).toISOString() : null })} /></label>
        {layoutMs !== null && <span className="muted" data-testid="node-count" data-count={graph?.nodes.length}>{graph?.nodes.length} nodes, laid out in {layoutMs} ms</span>}
      </div>
      {fetching && <p className="muted loading" role="status">Walking the graph…</p>}
      {graph && !showCanvas && <p className="muted loading" role="status">Laying out {graph.nodes.length} nodes…</p>}
      {graph && showCanvas && !positions && !layoutError && <p className="muted loading" role="status">Refining the layout of {graph.nodes.length} nodes…</p>}
      {layoutError && <p className="error">The layout failed ({layoutError}); nodes are placed by distance.</p>}
      {error && <p className="error">{error.message}</p>}
      {state.path && pathRes.data && !pathGraph && (
        <p className="warn" role="status">No lineage path joins {nameOf(state.path[0])} and {nameOf(state.path[1])}. <button onClick={() => update({ path: null })}>Clear</button></p>
      )}
      {state.path && pathGraph && (
        <p className="info" role="status" data-testid="path" data-length={path.length}>
          Path of {path.length - 1} {path.length === 2 ? "hop" : "hops"} from {nameOf(state.path[0])} to {nameOf(state.path[1])} highlighted. <button onClick={() => update({ path: null })}>Clear</button>
        </p>
      )}
      {pathRes.error && <p className="error">{pathRes.error.message}</p>}
      {graph?.truncated && (
        <p className="warn" role="status">This graph was cut ({graph.truncatedBy.map((r) => (r === "DEPTH" ? "by depth" : "at the node limit")).join(", ")}): nodes marked “+ more” have neighbours not shown. Double-click one to expand it.</p>
      )}
      {graph && showCanvas && (
        <div className="canvas">
          <ReactFlow<LineageFlowNode>
            nodes={flow.nodes}
            edges={flow.edges}
            nodeTypes={nodeTypes}
            fitView
            fitViewOptions={fitOptions}
            onInit={(instance) => { rf.current = instance; }}
            onMoveStart={(event) => { if (event) userMoved.current = true; }}
            minZoom={0.05}
            onlyRenderVisibleElements
            onNodeClick={(_, n) => update({ selected: n.id })}
            onNodeDoubleClick={(_, n) => n.data.hasMore && expand(n.id)}
          >
            <Background />
            <Controls />
            <MiniMap<LineageFlowNode>
              pannable
              zoomable
              ariaLabel="Minimap of the whole graph"
              nodeColor={(n) => minimapColors(n.data).fill}
              nodeStrokeColor={(n) => minimapColors(n.data).stroke}
              nodeStrokeWidth={12}
              nodeBorderRadius={8}
              maskColor="rgba(16, 24, 40, 0.08)"
              maskStrokeColor="#1d2330"
              maskStrokeWidth={2}
            />
          </ReactFlow>
          {selected && (
            <aside className="details">
              <h3>{selected.name}</h3>
              <p>{kindLabel(selected.kind)}{feastKinds.get(selected.id) && <> of a {feastKindLabel(feastKinds.get(selected.id)!)}</>} · {selected.projectKey} · {selected.distance} {selected.distance === 1 ? "hop" : "hops"} from the root</p>
              <p><code>{selected.id}</code></p>
              <p>
                <Link to={`/lineage/${selected.id}?${serializeLineageState({ ...state, selected: null })}`}>Center the graph here</Link>
              </p>
              <p><Link to={`/impact/${selected.id}`}>Impact: what depends on it</Link>{selected.kind === "RUN" && <> · <Link to={`/runs/${selected.id}`}>The run</Link></>}{selected.kind === "JOB" && <> · <Link to={`/jobs/${selected.id}`}>The job</Link></>}</p>
              {selected.health && selected.health !== "UNKNOWN" && (
                <p>Data quality: <span className={`health h-${selected.health.toLowerCase()}`}>{healthLabels[selected.health] ?? selected.health}</span></p>
              )}
              {(selected.health === "AT_RISK" || selected.health === "FAILED") && <QualityIssues id={selected.id} />}
              {selected.hasMore && <button onClick={() => expand(selected.id)}>Show its hidden neighbours</button>}
              {pathStart && pathStart !== selected.id ? (
                <button onClick={() => { update({ path: [pathStart, selected.id] }); setPathStart(null); }}>Highlight the path from {nameOf(pathStart)} to here</button>
              ) : (
                <button onClick={() => setPathStart(selected.id)} disabled={pathStart === selected.id}>{pathStart === selected.id ? "Now select the other end" : "Find a path from here…"}</button>
              )}
            </aside>
          )}
        </div>
      )}
    </section>
  );
}
