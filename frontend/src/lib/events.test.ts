import { describe, expect, it } from "vitest";
import { approvalsLink, auditKinds, eventLink } from "./events";

describe("eventLink", () => {
  it("opens each kind of target in its view", () => {
    const at = (kind: string) => eventLink({ kind, targetId: "x_1", projectKey: "fraud" });
    expect(at("PROJECT_CREATED")).toBe("/experiments?project=fraud");
    expect(at("EXPERIMENT_CREATED")).toBe("/experiments/x_1");
    expect(at("RUN_STATUS_CHANGED")).toBe("/runs/x_1");
    expect(at("DATASET_REGISTERED")).toBe("/datasets/x_1");
    expect(at("JOB_CREATED")).toBe("/jobs/x_1");
    expect(at("JOB_UPDATED")).toBe("/jobs/x_1");
    expect(at("DATASET_VERSION_REGISTERED")).toBe("/lineage/x_1");
    expect(at("MODEL_VERSION_REGISTERED")).toBe("/lineage/x_1");
    expect(at("PROMOTION_APPROVED")).toBe("/approvals?project=fraud&tab=all&request=x_1");
    expect(at("MODEL_STAGE_CHANGED")).toBe("/lineage/x_1");
    expect(at("MODEL_CREATED")).toBe("/models/x_1");
    expect(at("MODEL_UPDATED")).toBe("/models/x_1");
    expect(at("MODEL_ALIAS_CHANGED")).toBe("/lineage/x_1");
    expect(at("WEBHOOK_CREATED")).toBe("/experiments?project=fraud");
    expect(at("WEBHOOK_DELETED")).toBe("/experiments?project=fraud");
    expect(eventLink({ kind: "EVIDENCE_SIGNED_OFF", targetId: "pr_1", projectKey: "fraud" })).toBe("/approvals?project=fraud&tab=all&request=pr_1");
    expect(eventLink({ kind: "EVIDENCE_SIGNED_OFF", targetId: "prj_1", projectKey: "fraud team" })).toBe("/report?project=fraud%20team");
  });
});

describe("auditKinds", () => {
  it("lists the model registry's kinds, each kind once", () => {
    for (const k of ["MODEL_CREATED", "MODEL_UPDATED", "MODEL_DELETED", "MODEL_VERSION_UPDATED", "MODEL_VERSION_DELETED", "MODEL_ALIAS_CHANGED"]) {
      expect(auditKinds).toContain(k);
    }
    expect(new Set(auditKinds).size).toBe(auditKinds.length);
  });
});

describe("approvalsLink", () => {
  it("opens a request under All, so it is listed whatever its status", () => {
    const u = new URL(approvalsLink("fraud team", "pr_1"), "http://x");
    expect(u.pathname).toBe("/approvals");
    expect(Object.fromEntries(u.searchParams)).toEqual({ project: "fraud team", tab: "all", request: "pr_1" });
  });
});
