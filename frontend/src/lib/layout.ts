import type { ElkGraph, Positioned } from "./graph";

type ElkApi = { layout(g: ElkGraph): Promise<{ children?: { id: string; x?: number; y?: number }[] }> };

let elk: Promise<ElkApi> | null = null;

function engine(): Promise<ElkApi> {
  elk ??= import("elkjs/lib/elk-api.js").then(
    ({ default: ELK }) =>
      new ELK({
        workerFactory: () => new Worker(new URL("elkjs/lib/elk-worker.min.js", import.meta.url)),
      }) as unknown as ElkApi,
  );
  return elk;
}

// layout lays a graph out with ELK running in its own web worker. The
// layout engine loads on first use, so it is not part of the first page.
export async function layout(graph: ElkGraph): Promise<Positioned[]> {
  const out = await (await engine()).layout(graph);
  return (out.children ?? []).map((c) => ({ id: c.id, x: c.x ?? 0, y: c.y ?? 0 }));
}

let warmed = false;

// warmUp starts the worker and runs a small layout through it, once, while
// the view waits for its graph: ELK is compiled Java, and its first layout
// pays for the JIT (a cold 1,000-node layout takes about three times a warm
// one).
export function warmUp(sample: ElkGraph): void {
  if (warmed) return;
  warmed = true;
  void layout(sample).catch(() => {
    warmed = false;
  });
}
