import { useCallback, useEffect, useMemo, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import { useClient, useQuery } from "urql";
import { Background, Controls, Handle, MiniMap, Position, ReactFlow, type Node, type NodeProps } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { graphql } from "../gql";
import type { NodeKind } from "../gql/graphql";
import { elkInput, mergeGraphs, toFlow, type FlowNodeData, type LGraph, type Positioned } from "../lib/graph";
import { layout } from "../lib/layout";
import { kindLabel } from "../lib/format";
import { parseLineageState, serializeLineageState, type LineageState } from "../lib/url";

const LineageQuery = graphql(`
  query Lineage($id: ID!, $direction: LineageDirection, $depth: Int, $maxNodes: Int, $kinds: [NodeKind!], $asOf: Time) {
    lineage(id: $id, direction: $direction, depth: $depth, maxNodes: $maxNodes, kinds: $kinds, asOf: $asOf) {
      root truncated truncatedBy
      nodes { id kind name distance hasMore projectKey }
      edges { from to kind hops }
    }
  }
`);

const kinds = ["RUN", "DATASET_VERSION", "MODEL_VERSION"];

type LineageFlowNode = Node<FlowNodeData, "lineage">;

function LineageNodeView({ data }: NodeProps<LineageFlowNode>) {
  const cls = ["lnode", data.kind.toLowerCase(), data.isRoot ? "root" : "", data.onPath ? "path" : "", data.hasMore ? "more" : ""].join(" ");
  return (
    <div className={cls} title={data.id}>
      <Handle type="target" position={Position.Left} />
      <div className="kind">{kindLabel(data.kind)}</div>
      <div className="name">{data.kind === "REDACTED" ? "hidden project" : data.name}</div>
      {data.hasMore && <div className="badge">+ more</div>}
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

const nodeTypes = { lineage: LineageNodeView };

export default function Lineage() {
  const { id = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const state = parseLineageState(params);
  const update = (patch: Partial<LineageState>) => setParams(serializeLineageState({ ...state, ...patch }), { replace: true });
  const [{ data, error, fetching }] = useQuery({
    query: LineageQuery,
    variables: { id, direction: state.direction, depth: state.depth, maxNodes: state.maxNodes, kinds: state.kinds.length ? (state.kinds as NodeKind[]) : null, asOf: state.asOf },
  });
  const client = useClient();
  const [extra, setExtra] = useState<LGraph[]>([]);
  // Expansions belong to one walk: a new root or walk setting drops them,
  // selecting a node does not.
  const walkKey = JSON.stringify([id, state.direction, state.depth, state.maxNodes, state.kinds, state.asOf]);
  useEffect(() => setExtra([]), [walkKey]);
  const graph = useMemo(() => {
    if (!data) return null;
    return extra.reduce<LGraph>((g, more) => mergeGraphs(g, more), data.lineage as LGraph);
  }, [data, extra]);
  const [positions, setPositions] = useState<Positioned[]>([]);
  const [layoutMs, setLayoutMs] = useState<number | null>(null);
  const [layoutError, setLayoutError] = useState<string | null>(null);
  useEffect(() => {
    if (!graph) return;
    let live = true;
    const t0 = performance.now();
    layout(elkInput(graph)).then(
      (p) => {
        if (live) {
          setPositions(p);
          setLayoutMs(Math.round(performance.now() - t0));
        }
      },
      (err: unknown) => live && setLayoutError(String(err)),
    );
    return () => {
      live = false;
    };
  }, [graph]);
  const flow = useMemo(() => (graph ? toFlow(graph, positions) : { nodes: [], edges: [] }), [graph, positions]);
  const selected = graph?.nodes.find((n) => n.id === state.selected) ?? null;
  const expand = useCallback(
    async (nodeId: string) => {
      const res = await client
        .query(LineageQuery, { id: nodeId, direction: state.direction, depth: 2, maxNodes: state.maxNodes, kinds: state.kinds.length ? (state.kinds as NodeKind[]) : null, asOf: state.asOf })
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
      {fetching && <p className="muted">Walking the graph…</p>}
      {layoutError && <p className="error">The layout failed ({layoutError}); nodes are placed by distance.</p>}
      {error && <p className="error">{error.message}</p>}
      {graph?.truncated && (
        <p className="warn" role="status">This graph was cut ({graph.truncatedBy.map((r) => (r === "DEPTH" ? "by depth" : "at the node limit")).join(", ")}): nodes marked “+ more” have neighbours not shown. Double-click one to expand it.</p>
      )}
      {graph && (
        <div className="canvas">
          <ReactFlow<LineageFlowNode>
            nodes={flow.nodes}
            edges={flow.edges}
            nodeTypes={nodeTypes}
            fitView
            minZoom={0.05}
            onlyRenderVisibleElements
            onNodeClick={(_, n) => update({ selected: n.id })}
            onNodeDoubleClick={(_, n) => n.data.hasMore && expand(n.id)}
          >
            <Background />
            <Controls />
            <MiniMap pannable zoomable />
          </ReactFlow>
          {selected && (
            <aside className="details">
              <h3>{selected.name}</h3>
              <p>{kindLabel(selected.kind)} · {selected.projectKey} · {selected.distance} {selected.distance === 1 ? "hop" : "hops"} from the root</p>
              <p><code>{selected.id}</code></p>
              <p>
                <Link to={`/lineage/${selected.id}?${serializeLineageState({ ...state, selected: null })}`}>Center the graph here</Link>
              </p>
              {selected.hasMore && <button onClick={() => expand(selected.id)}>Show its hidden neighbours</button>}
            </aside>
          )}
        </div>
      )}
    </section>
  );
}
