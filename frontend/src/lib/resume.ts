// Resuming subscriptions: the hub's subscriptions take an `after` cursor
// and replay every event after it, so a subscription that loses its
// connection, or is ended for falling behind, can start again exactly
// where it stopped — no gap, no repeat.

export interface Result {
  data?: Record<string, unknown> | null;
  errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

export interface Sink {
  next(r: Result): void;
  error(err: unknown): void;
  complete(): void;
}

export type Subscribe = (variables: Record<string, unknown>, sink: Sink) => () => void;

export interface ResumeOptions {
  // Delays before each retry in ms; the last repeats.
  delays?: number[];
  schedule?: (fn: () => void, ms: number) => () => void;
  // Told when the subscription waits to resume, and from which cursor.
  onRetry?: (after: unknown, attempt: number) => void;
}

// cursorOf reads the cursor of a subscription result: the `cursor` field of
// its one root field, when it has one.
export function cursorOf(r: Result): string | null {
  for (const v of Object.values(r.data ?? {})) {
    if (v && typeof v === "object" && typeof (v as { cursor?: unknown }).cursor === "string") return (v as { cursor: string }).cursor;
  }
  return null;
}

// resumeAfterOf returns the cursor a server error says to resume from
// when resuming needs nothing more than a new subscription: UNAVAILABLE
// with extensions.resumeAfter (a slow consumer, the event log briefly
// unreachable). An expired token needs a new one first.
function resumeAfterOf(r: Result): string | null {
  for (const e of r.errors ?? []) {
    if (e.extensions?.["code"] === "UNAVAILABLE" && typeof e.extensions["resumeAfter"] === "string") return e.extensions["resumeAfter"];
  }
  return null;
}

const defaultSchedule = (fn: () => void, ms: number) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

// resumable subscribes with variables and keeps the subscription alive:
// when the connection fails (an error that is not a GraphQL result), the
// server completes it (a server stopping: the hub's streams never end on
// their own) or ends it as unavailable, it subscribes again with after set
// to the last cursor delivered. Other GraphQL errors (an expired token, no
// access) reach the sink, and end it. The returned function unsubscribes.
export function resumable(subscribe: Subscribe, variables: Record<string, unknown>, sink: Sink, opts: ResumeOptions = {}): () => void {
  const delays = opts.delays ?? [500, 1000, 2000, 5000, 10000];
  const schedule = opts.schedule ?? defaultSchedule;
  let after: unknown = variables["after"];
  let attempt = 0;
  let stopped = false;
  let cancel: () => void = () => {};
  const retry = () => {
    const ms = delays[Math.min(attempt, delays.length - 1)]!;
    attempt++;
    opts.onRetry?.(after, attempt);
    cancel = schedule(start, ms);
  };
  function start() {
    if (stopped) return;
    let ended = false;
    const unsubscribe = subscribe({ ...variables, after }, {
      next(r) {
        if (ended) return;
        const resume = resumeAfterOf(r);
        if (resume !== null) {
          ended = true;
          after = resume;
          unsubscribe();
          retry();
          return;
        }
        if (r.errors?.some((e) => e.extensions?.["code"] === "UNAUTHENTICATED" || e.extensions?.["code"] === "FORBIDDEN")) {
          // Subscribing again would be refused the same way.
          ended = true;
          sink.next(r);
          sink.complete();
          return;
        }
        const c = cursorOf(r);
        if (c !== null) {
          after = c;
          attempt = 0;
        }
        sink.next(r);
      },
      error(err) {
        if (ended) return;
        ended = true;
        // A list of GraphQL errors is the server's answer, and a close
        // with 4401/4403 a refused token: pass them on.
        const code = (err as { code?: unknown } | null)?.code;
        if (Array.isArray(err) || code === 4401 || code === 4403) sink.error(err);
        else retry();
      },
      complete() {
        if (ended) return;
        ended = true;
        retry();
      },
    });
    cancel = () => {
      ended = true;
      unsubscribe();
    };
  }
  start();
  return () => {
    stopped = true;
    cancel();
  };
}
