import type { ElkGraph, Positioned } from "./graph";

type ElkApi = { layout(g: ElkGraph): Promise<{ children?: { id: string; x?: number; y?: number }[] }> };

let elk: Promise<ElkApi> | null = null;

// layout lays a graph out with ELK running in its own web worker. The
// layout engine loads on first use, so it is not part of the first page.
export async function layout(graph: ElkGraph): Promise<Positioned[]> {
  elk ??= import("elkjs/lib/elk-api.js").then(
    ({ default: ELK }) =>
      new ELK({
        workerFactory: () => new Worker(new URL("elkjs/lib/elk-worker.min.js", import.meta.url)),
      }) as unknown as ElkApi,
  );
  const out = await (await elk).layout(graph);
  return (out.children ?? []).map((c) => ({ id: c.id, x: c.x ?? 0, y: c.y ?? 0 }));
}
