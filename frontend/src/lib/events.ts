// Where an event's target opens in the explorer.

// approvalsLink opens one promotion request in the approvals inbox, under
// "All" so that it is in the list whatever its status.
export function approvalsLink(projectKey: string, requestId: string): string {
  return `/approvals?${new URLSearchParams({ project: projectKey, tab: "all", request: requestId })}`;
}

export function eventLink(e: { kind: string; targetId: string; projectKey: string }): string {
  switch (e.kind) {
    case "PROJECT_CREATED":
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
    case "PROMOTION_REQUESTED":
    case "PROMOTION_APPROVED":
    case "PROMOTION_REJECTED":
    case "PROMOTION_CANCELLED":
    case "PROMOTION_CHECKS_CHANGED":
    case "PROMOTION_COMPLETED":
      return approvalsLink(e.projectKey, e.targetId);
    default:
      return `/lineage/${e.targetId}`;
  }
}
