import type { ElkGraph, Positioned } from "./graph";

let worker: Worker | null = null;
let seq = 0;
const pending = new Map<number, { resolve: (p: Positioned[]) => void; reject: (e: Error) => void }>();

// layout lays a graph out in a web worker (loaded on first use, so the
// layout engine is not part of the first page load).
export function layout(graph: ElkGraph): Promise<Positioned[]> {
  if (!worker) {
    worker = new Worker(new URL("./layout.worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (ev: MessageEvent<{ id: number; positions?: Positioned[]; error?: string }>) => {
      const p = pending.get(ev.data.id);
      pending.delete(ev.data.id);
      if (!p) return;
      if (ev.data.error) p.reject(new Error(ev.data.error));
      else p.resolve(ev.data.positions ?? []);
    };
  }
  const id = ++seq;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker?.postMessage({ id, graph });
  });
}
