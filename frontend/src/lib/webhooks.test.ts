import { describe, expect, it } from "vitest";
import { canRedeliver, fromNow, pendingLabel, stateClass, stateLine, toggleTopic, webhookTopics } from "./webhooks";

describe("webhookTopics", () => {
  it("lists each topic once", () => {
    expect(webhookTopics).toContain("DATASET_VERSION_REGISTERED");
    expect(webhookTopics).toContain("EVIDENCE_PACK_READY");
    expect(new Set(webhookTopics).size).toBe(webhookTopics.length);
  });
  it("toggles a topic, keeping the form's order", () => {
    expect(toggleTopic([], "VALIDATION_FAILED")).toEqual(["VALIDATION_FAILED"]);
    expect(toggleTopic(["VALIDATION_FAILED"], "DATASET_VERSION_REGISTERED")).toEqual(["DATASET_VERSION_REGISTERED", "VALIDATION_FAILED"]);
    expect(toggleTopic(["DATASET_VERSION_REGISTERED", "VALIDATION_FAILED"], "DATASET_VERSION_REGISTERED")).toEqual(["VALIDATION_FAILED"]);
  });
});

describe("fromNow", () => {
  it("says how soon, or how long ago", () => {
    const now = new Date("2026-01-01T12:00:00Z");
    expect(fromNow("2026-01-01T12:00:40Z", now)).toBe("in 40 s");
    expect(fromNow("2026-01-01T12:10:00Z", now)).toBe("in 10 min");
    expect(fromNow("2026-01-02T12:00:00Z", now)).toBe("in 24 h");
    expect(fromNow("2026-01-08T12:00:00Z", now)).toBe("in 7 days");
    expect(fromNow("2026-01-01T12:00:02Z", now)).toBe("just now");
    expect(fromNow("2026-01-01T11:59:00Z", now)).toBe("1 min ago");
    expect(fromNow("not a time", now)).toBe("");
  });
});

describe("a receiver's delivery", () => {
  const now = new Date("2026-01-01T12:00:00Z");
  it("is active", () => {
    expect(stateLine({ state: "ACTIVE", attempts: 0, pending: 0 }, now)).toEqual({ text: "delivering; nothing sent yet", problem: false });
    expect(stateLine({ state: "ACTIVE", attempts: 0, pending: 1, lastDeliveredAt: "2026-01-01T11:58:00Z" }, now))
      .toEqual({ text: "delivering; last acknowledged 2 min ago; 1 event waits", problem: false });
  });
  it("is retrying", () => {
    expect(stateLine({ state: "RETRYING", attempts: 1, pending: 3, nextAttemptAt: "2026-01-01T12:00:30Z" }, now))
      .toEqual({ text: "1 failed attempt at its next event; tried again in 30 s; 3 events wait", problem: false });
  });
  it("is parked: a problem until someone redelivers", () => {
    expect(stateLine({ state: "PARKED", attempts: 20, pending: 1000, parkedAt: "2026-01-01T11:00:00Z" }, now))
      .toEqual({ text: "parked 1 h ago after 20 failed attempts: nothing is sent until you redeliver; 1,000 or more events wait", problem: true });
  });
  it("wears the failure colour when parked", () => {
    expect(stateClass.PARKED).toBe("failed");
    expect(stateClass.ACTIVE).toBe("passed");
  });
  it("can be redelivered only while it waits", () => {
    expect(canRedeliver("ACTIVE")).toBe(false);
    expect(canRedeliver("RETRYING")).toBe(true);
    expect(canRedeliver("PARKED")).toBe(true);
  });
  it("counts the backlog up to 1,000", () => {
    expect(pendingLabel(0)).toBe("0");
    expect(pendingLabel(999)).toBe("999");
    expect(pendingLabel(1000)).toBe("1,000 or more");
  });
});
