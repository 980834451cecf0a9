import { describe, expect, it } from "vitest";
import { resumable, type Result, type Sink } from "./resume";

// A fake server: records each subscription's variables and hands the test
// its sink.
function fake() {
  const subs: { variables: Record<string, unknown>; sink: Sink; closed: boolean }[] = [];
  const subscribe = (variables: Record<string, unknown>, sink: Sink) => {
    const s = { variables, sink, closed: false };
    subs.push(s);
    return () => {
      s.closed = true;
    };
  };
  const timers: { fn: () => void; ms: number }[] = [];
  const schedule = (fn: () => void, ms: number) => {
    timers.push({ fn, ms });
    return () => {};
  };
  const got: Result[] = [];
  const errors: unknown[] = [];
  const sink: Sink = { next: (r) => got.push(r), error: (e) => errors.push(e), complete: () => {} };
  return { subs, subscribe, timers, schedule, got, errors, sink };
}

const ev = (cursor: string) => ({ data: { events: { cursor, seq: Number(cursor) } } });

describe("resumable", () => {
  it("resubscribes after a lost connection from the last cursor delivered", () => {
    const f = fake();
    resumable(f.subscribe, { after: "0", filter: null }, f.sink, { schedule: f.schedule, delays: [10, 20] });
    f.subs[0]!.sink.next(ev("5"));
    f.subs[0]!.sink.next(ev("6"));
    f.subs[0]!.sink.error(new Error("socket closed"));
    expect(f.timers.map((t) => t.ms)).toEqual([10]);
    f.timers[0]!.fn();
    expect(f.subs[1]!.variables).toEqual({ after: "6", filter: null });
    f.subs[1]!.sink.error(new Error("refused"));
    expect(f.timers.map((t) => t.ms)).toEqual([10, 20]);
    f.timers[1]!.fn();
    f.subs[2]!.sink.next(ev("7"));
    expect(f.got.map((r) => (r.data!["events"] as { cursor: string }).cursor)).toEqual(["5", "6", "7"]);
    expect(f.errors).toEqual([]);
  });
  it("resumes a slow consumer from the cursor its error names, without passing the error on", () => {
    const f = fake();
    resumable(f.subscribe, { after: null }, f.sink, { schedule: f.schedule, delays: [0] });
    f.subs[0]!.sink.next({ errors: [{ message: "too slow", extensions: { code: "UNAVAILABLE", reason: "SLOW_CONSUMER", resumeAfter: "41" } }] });
    expect(f.subs[0]!.closed).toBe(true);
    f.timers[0]!.fn();
    expect(f.subs[1]!.variables["after"]).toBe("41");
    expect(f.got).toEqual([]);
  });
  it("resumes when a stopping server completes the stream", () => {
    const f = fake();
    resumable(f.subscribe, { after: "3" }, f.sink, { schedule: f.schedule, delays: [0] });
    f.subs[0]!.sink.next(ev("4"));
    f.subs[0]!.sink.complete();
    f.timers[0]!.fn();
    expect(f.subs[1]!.variables["after"]).toBe("4");
  });
  it("passes other GraphQL errors on and stops", () => {
    const f = fake();
    resumable(f.subscribe, { after: null }, f.sink, { schedule: f.schedule });
    const expired = [{ message: "token expired", extensions: { code: "UNAUTHENTICATED" } }];
    f.subs[0]!.sink.error(expired);
    expect(f.errors).toEqual([expired]);
    expect(f.timers).toEqual([]);
  });
  it("ends on an expired token, and on a refused one, instead of retrying", () => {
    const f = fake();
    resumable(f.subscribe, { after: null }, f.sink, { schedule: f.schedule });
    f.subs[0]!.sink.next({ errors: [{ message: "token expired", extensions: { code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED", resumeAfter: "9" } }] });
    f.subs[0]!.sink.complete();
    expect(f.got).toHaveLength(1);
    const g = fake();
    resumable(g.subscribe, { after: null }, g.sink, { schedule: g.schedule });
    g.subs[0]!.sink.error({ code: 4403, reason: "Forbidden" });
    expect(g.errors).toHaveLength(1);
    expect([...f.timers, ...g.timers]).toEqual([]);
  });
  it("stops retrying once unsubscribed", () => {
    const f = fake();
    const stop = resumable(f.subscribe, { after: null }, f.sink, { schedule: f.schedule });
    f.subs[0]!.sink.error(new Error("socket closed"));
    stop();
    f.timers[0]!.fn();
    expect(f.subs).toHaveLength(1);
  });
});
