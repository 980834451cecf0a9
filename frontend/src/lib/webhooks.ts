// A project's webhook receivers as its admins see them: the topics one may
// subscribe to, and where each receiver's delivery stands, in words.

import type { WebhookState, WebhookTopic } from "../gql/graphql";
import { relativeTime } from "./format";

// topicLabels says what each topic sends, in the order the form lists
// them; a topic the schema adds and this misses fails the typecheck.
export const topicLabels: Record<WebhookTopic, string> = {
  DATASET_VERSION_REGISTERED: "a dataset version was registered",
  VALIDATION_FAILED: "a validation run ended failed or in error",
  PROMOTION_DECIDED: "a promotion request was carried out or rejected",
  MODEL_IN_PRODUCTION: "a model version moved to production",
  EVIDENCE_PACK_READY: "a promotion request closed: its evidence pack is final",
};

export const webhookTopics = Object.keys(topicLabels) as WebhookTopic[];

// toggleTopic adds topic to chosen or takes it out, keeping the form's
// order so that what is sent does not depend on the order of the clicks.
export function toggleTopic(chosen: readonly WebhookTopic[], topic: WebhookTopic): WebhookTopic[] {
  const next = chosen.includes(topic) ? chosen.filter((t) => t !== topic) : [...chosen, topic];
  return webhookTopics.filter((t) => next.includes(t));
}

// fromNow says when t is, from now: how long ago, or how soon ("in 40 s")
// for a time still to come. It lives here, not in format.ts, because only
// this panel (a lazy chunk) needs it and format.ts is in the first load.
export function fromNow(t: string, now: Date = new Date()): string {
  const ms = Date.parse(t) - now.getTime();
  if (Number.isNaN(ms)) return "";
  const s = Math.round(ms / 1000);
  if (s < 5) return relativeTime(t, now);
  if (s < 60) return `in ${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `in ${m} min`;
  const h = Math.round(m / 60);
  if (h < 48) return `in ${h} h`;
  return `in ${Math.round(h / 24)} days`;
}

// canRedeliver: only a receiver that is waiting (retrying or parked) has
// an event to send again; the hub answers changed: false otherwise.
export function canRedeliver(state: WebhookState): boolean {
  return state !== "ACTIVE";
}

// stateClass is the badge a state wears (the explorer's verdict colours):
// a parked receiver is a failure until someone redelivers.
export const stateClass: Record<WebhookState, string> = { ACTIVE: "passed", RETRYING: "warned", PARKED: "failed" };

// pendingLabel shows the backlog, which the hub counts up to 1,000.
export function pendingLabel(pending: number): string {
  return pending >= 1000 ? "1,000 or more" : String(pending);
}

export interface DeliveryFacts {
  state: WebhookState;
  attempts: number;
  pending: number;
  lastDeliveredAt?: string | null;
  nextAttemptAt?: string | null;
  parkedAt?: string | null;
}

// stateLine says where a receiver's delivery stands and what, if
// anything, an admin should do about it. problem is true when nothing is
// sent until someone acts (parked).
export function stateLine(w: DeliveryFacts, now: Date = new Date()): { text: string; problem: boolean } {
  const waiting = w.pending === 0 ? "" : `; ${pendingLabel(w.pending)} ${w.pending === 1 ? "event waits" : "events wait"}`;
  const tries = `${w.attempts} failed ${w.attempts === 1 ? "attempt" : "attempts"}`;
  switch (w.state) {
    case "ACTIVE":
      return { text: (w.lastDeliveredAt ? `delivering; last acknowledged ${relativeTime(w.lastDeliveredAt, now)}` : "delivering; nothing sent yet") + waiting, problem: false };
    case "RETRYING":
      return { text: `${tries} at its next event; tried again ${w.nextAttemptAt ? fromNow(w.nextAttemptAt, now) : "soon"}${waiting}`, problem: false };
    case "PARKED":
      return {
        text: `parked${w.parkedAt ? ` ${relativeTime(w.parkedAt, now)}` : ""} after ${tries}: nothing is sent until you redeliver${waiting}`,
        problem: true,
      };
  }
}

// Overlaps a rotation may keep the old secret signing for, in seconds;
// the hub allows up to a week and defaults to a day.
export const overlapChoices: { seconds: number; label: string }[] = [
  { seconds: 0, label: "no overlap: the old secret stops now" },
  { seconds: 3600, label: "1 hour" },
  { seconds: 86400, label: "1 day" },
  { seconds: 604800, label: "1 week" },
];

export const defaultOverlap = 86400;
