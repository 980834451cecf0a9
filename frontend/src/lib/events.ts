// Where an event's target opens in the explorer.

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
    default:
      return `/lineage/${e.targetId}`;
  }
}
