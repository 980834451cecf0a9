// Where an event's target opens in the explorer, and the kinds of event.

import type { EventKind } from "../gql/graphql";

// everyKind is each event kind once, in the order the audit's filter lists
// them; a kind the schema adds and this misses fails the typecheck.
const everyKind: Record<EventKind, true> = {
  PROJECT_CREATED: true, EXPERIMENT_CREATED: true, RUN_STARTED: true, RUN_STATUS_CHANGED: true, RUN_LINEAGE_CHANGED: true, REPRODUCTION_RECORDED: true,
  DATASET_REGISTERED: true, DATASET_VERSION_REGISTERED: true, JOB_CREATED: true, JOB_UPDATED: true,
  VALIDATION_SUITE_CREATED: true, VALIDATION_SUITE_UPDATED: true, VALIDATION_STARTED: true, VALIDATION_COMPLETED: true,
  MODEL_CREATED: true, MODEL_UPDATED: true, MODEL_DELETED: true, MODEL_VERSION_REGISTERED: true, MODEL_VERSION_UPDATED: true, MODEL_VERSION_DELETED: true,
  MODEL_ALIAS_CHANGED: true, MODEL_STAGE_CHANGED: true, BIAS_CHECK_RECORDED: true,
  POLICY_SET: true, PROMOTION_REQUESTED: true, PROMOTION_APPROVED: true, PROMOTION_REJECTED: true, PROMOTION_CANCELLED: true,
  PROMOTION_CHECKS_CHANGED: true, PROMOTION_COMPLETED: true, EVIDENCE_SIGNED_OFF: true,
  WEBHOOK_CREATED: true, WEBHOOK_UPDATED: true, WEBHOOK_DELETED: true, VALIDATION_TEMPLATE_CREATED: true, VALIDATION_TEMPLATE_UPDATED: true,
};

// auditKinds are the kinds the audit log can be filtered by: all of them.
export const auditKinds = Object.keys(everyKind) as EventKind[];

// approvalsLink opens one promotion request in the approvals inbox, under
// "All" so that it is in the list whatever its status.
export function approvalsLink(projectKey: string, requestId: string): string {
  return `/approvals?${new URLSearchParams({ project: projectKey, tab: "all", request: requestId })}`;
}

export function eventLink(e: { kind: string; targetId: string; projectKey: string }): string {
  switch (e.kind) {
    // A project's page, which holds its webhooks panel for its admins and
    // its validation templates.
    case "PROJECT_CREATED":
    case "WEBHOOK_CREATED":
    case "WEBHOOK_UPDATED":
    case "WEBHOOK_DELETED":
    case "VALIDATION_TEMPLATE_CREATED":
    case "VALIDATION_TEMPLATE_UPDATED":
      return `/experiments?project=${encodeURIComponent(e.projectKey)}`;
    case "EXPERIMENT_CREATED":
      return `/experiments/${e.targetId}`;
    case "RUN_STARTED":
    case "RUN_STATUS_CHANGED":
    case "RUN_LINEAGE_CHANGED":
      return `/runs/${e.targetId}`;
    case "DATASET_REGISTERED":
      return `/datasets/${e.targetId}`;
    case "JOB_CREATED":
    case "JOB_UPDATED":
      return `/jobs/${e.targetId}`;
    case "MODEL_CREATED":
    case "MODEL_UPDATED":
      return `/models/${e.targetId}`;
    case "PROMOTION_REQUESTED":
    case "PROMOTION_APPROVED":
    case "PROMOTION_REJECTED":
    case "PROMOTION_CANCELLED":
    case "PROMOTION_CHECKS_CHANGED":
    case "PROMOTION_COMPLETED":
      return approvalsLink(e.projectKey, e.targetId);
    case "EVIDENCE_SIGNED_OFF":
      // A pack's sign-off targets its request, a report's the project.
      return e.targetId.startsWith("pr_") ? approvalsLink(e.projectKey, e.targetId) : `/report?project=${encodeURIComponent(e.projectKey)}`;
    default:
      return `/lineage/${e.targetId}`;
  }
}
