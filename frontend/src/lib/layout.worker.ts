// Runs ELK's layered layout off the main thread.
import ELK from "elkjs/lib/elk.bundled.js";
import type { ElkGraph } from "./graph";

const elk = new ELK();

self.onmessage = async (ev: MessageEvent<{ id: number; graph: ElkGraph }>) => {
  try {
    const out = await elk.layout(ev.data.graph);
    const positions = (out.children ?? []).map((c) => ({ id: c.id, x: c.x ?? 0, y: c.y ?? 0 }));
    self.postMessage({ id: ev.data.id, positions });
  } catch (err) {
    self.postMessage({ id: ev.data.id, error: String(err) });
  }
};
