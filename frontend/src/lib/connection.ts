// The live connection's state, for views that show whether they are live:
// a tiny store read with useSyncExternalStore.

export type ConnectionState = { status: "idle" | "live" | "reconnecting"; resumeFrom: string | null };

let state: ConnectionState = { status: "idle", resumeFrom: null };
const listeners = new Set<() => void>();

export function setConnection(next: ConnectionState): void {
  if (next.status === state.status && next.resumeFrom === state.resumeFrom) return;
  state = next;
  for (const l of listeners) l();
}

export function getConnection(): ConnectionState {
  return state;
}

export function onConnection(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
