import { describe, expect, it } from "vitest";
import {
  aliasBadges, approvalStanding, checkLabel, decidableElsewhere, duration, groupNeeds, checksSummary, compareStatus, decisionProblem, evidenceLink, failingChecks, formatFairness,
  aliasProblem, jsonDownload, justificationProblem, sha256Hex, signOffProblem, parseTab, requestActions, rolesIn, allows, can, sortChecks, statusClass, statusLabel, tabFilter,
} from "./approvals";
import type { PromotionStatus } from "../gql/graphql";

describe("tabs", () => {
  it("read ?tab= with To decide as the default", () => {
    expect(parseTab(null)).toBe("decide");
    expect(parseTab("open")).toBe("open");
    expect(parseTab("all")).toBe("all");
    expect(parseTab("ALL")).toBe("decide");
  });
  it("filter the list the way each tab says", () => {
    expect(tabFilter("decide")).toEqual({ decidableByViewer: true });
    expect(tabFilter("open")).toEqual({ statuses: ["PENDING", "BLOCKED"] });
    expect(tabFilter("all")).toBeNull();
  });
});

describe("statuses", () => {
  it("sort open requests first, blocked before pending", () => {
    const all: PromotionStatus[] = ["APPROVED", "PENDING", "CANCELLED", "BLOCKED", "REJECTED"];
    expect([...all].sort(compareStatus)).toEqual(["BLOCKED", "PENDING", "APPROVED", "REJECTED", "CANCELLED"]);
  });
  it("have a badge class each, and BLOCKED says why", () => {
    expect(statusClass("BLOCKED")).toBe("pstatus blocked");
    expect(statusClass("APPROVED")).toBe("pstatus approved");
    expect(statusLabel("BLOCKED")).toBe("blocked: a check fails");
    expect(statusLabel("PENDING")).toBe("pending");
  });
});

describe("checks", () => {
  const checks = [
    { name: "UPSTREAM_VALIDATIONS" as const, verdict: "PASSED" as const },
    { name: "BIAS" as const, verdict: "FAILED" as const },
    { name: "REPRODUCIBILITY" as const, verdict: "PASSED" as const },
    { name: "REPRODUCED" as const, verdict: "FAILED" as const },
  ];
  it("put failing checks first and keep the order otherwise", () => {
    expect(sortChecks(checks).map((c) => c.name)).toEqual(["BIAS", "REPRODUCED", "UPSTREAM_VALIDATIONS", "REPRODUCIBILITY"]);
    expect(checks[0]!.name).toBe("UPSTREAM_VALIDATIONS"); // not sorted in place
  });
  it("name the failing ones for a list row", () => {
    expect(failingChecks(checks)).toBe("Bias, Reproduced");
    expect(failingChecks(checks.filter((c) => c.verdict === "PASSED"))).toBe("");
    expect(checkLabel("UPSTREAM_VALIDATIONS")).toBe("Upstream validations");
  });
  it("are summed up in words", () => {
    expect(checksSummary([])).toBe("the policy asks for no check");
    expect(checksSummary([checks[0]!])).toBe("the check passes");
    expect(checksSummary([checks[0]!, checks[2]!])).toBe("all 2 checks pass");
    expect(checksSummary([checks[1]!])).toBe("1 of 1 check fails");
    expect(checksSummary(checks)).toBe("2 of 4 checks fail");
  });
});

describe("who may do what", () => {
  it("counts a project's grant and the grant for every project", () => {
    const grants = [{ projectKey: "fraud", role: "CONTRIBUTOR" as const }, { projectKey: "*", role: "VIEWER" as const }];
    expect(rolesIn(grants, "fraud")).toEqual(["CONTRIBUTOR", "VIEWER"]);
    expect(rolesIn(grants, "churn")).toEqual(["VIEWER"]);
    expect(can(rolesIn([{ projectKey: "*", role: "ADMIN" }, { projectKey: "fraud", role: "VIEWER" }], "fraud"), "ADMIN")).toBe(true);
    expect(rolesIn([{ projectKey: "fraud", role: "APPROVER" }], "churn")).toEqual([]);
    expect(can([], "VIEWER")).toBe(false);
  });
  it("keeps the ladder, and the auditor beside it", () => {
    expect(allows("ADMIN", "APPROVER")).toBe(true);
    expect(allows("CONTRIBUTOR", "APPROVER")).toBe(false);
    expect(allows("AUDITOR", "VIEWER")).toBe(true);
    expect(allows("AUDITOR", "CONTRIBUTOR")).toBe(false);
    expect(allows("AUDITOR", "APPROVER")).toBe(false);
    expect(allows("AUDITOR", "AUDITOR")).toBe(true);
    expect(allows("APPROVER", "AUDITOR")).toBe(true);
    expect(allows("CONTRIBUTOR", "AUDITOR")).toBe(false);
    // An auditor of every project who contributes to one writes there.
    expect(can(rolesIn([{ projectKey: "*", role: "AUDITOR" }, { projectKey: "fraud", role: "CONTRIBUTOR" }], "fraud"), "CONTRIBUTOR")).toBe(true);
  });
  const open = { status: "PENDING" as const, requestedBy: "alice", viewerCanDecide: false };
  it("shows the requester cancel but not approve", () => {
    expect(requestActions(open, { subject: "alice", roles: ["CONTRIBUTOR"] })).toEqual({ decide: false, cancel: true, reevaluate: true, evidence: false, signOff: false });
  });
  it("shows an approver the decision only when the hub says they may decide", () => {
    expect(requestActions({ ...open, viewerCanDecide: true }, { subject: "bob", roles: ["APPROVER"] })).toEqual({ decide: true, cancel: false, reevaluate: true, evidence: true, signOff: false });
    // Separation of duties: an approver who trained the model may not decide.
    expect(requestActions(open, { subject: "bob", roles: ["APPROVER"] }).decide).toBe(false);
  });
  it("lets an admin cancel anyone's request, and a viewer do nothing", () => {
    expect(requestActions(open, { subject: "root", roles: ["ADMIN"] }).cancel).toBe(true);
    expect(requestActions(open, { subject: "vic", roles: ["VIEWER"] })).toEqual({ decide: false, cancel: false, reevaluate: false, evidence: false, signOff: false });
  });
  it("offers an auditor the evidence and nothing else", () => {
    expect(requestActions({ ...open, viewerCanDecide: false }, { subject: "ann", roles: ["AUDITOR"] })).toEqual({ decide: false, cancel: false, reevaluate: false, evidence: true, signOff: true });
  });
  it("offers only the evidence once a request is closed", () => {
    const closed = { status: "APPROVED" as const, requestedBy: "alice", viewerCanDecide: true };
    expect(requestActions(closed, { subject: "alice", roles: ["ADMIN"] })).toEqual({ decide: false, cancel: false, reevaluate: false, evidence: true, signOff: false });
  });
  it("requires a comment to reject, not to approve", () => {
    expect(decisionProblem("APPROVED", "")).toBeNull();
    expect(decisionProblem("REJECTED", "  \n")).toMatch(/needs a comment/);
    expect(decisionProblem("REJECTED", "bias too high")).toBeNull();
    expect(decisionProblem("APPROVED", "x".repeat(4001))).toMatch(/4,000/);
    expect(justificationProblem(" ")).not.toBeNull();
    expect(justificationProblem("ready for production")).toBeNull();
  });
});

describe("fairness values", () => {
  it("show the value, or why it is undefined", () => {
    expect(formatFairness({ value: 0.12345, reason: null })).toBe("0.123");
    expect(formatFairness({ value: 0, reason: null })).toBe("0.000");
    expect(formatFairness({ value: null, reason: "a single group" })).toBe("undefined: a single group");
    expect(formatFairness({ value: null, reason: null })).toBe("undefined: no reason given");
  });
});

describe("evidence", () => {
  it("links dataset versions, validation runs and runs, and shows the rest by ID", () => {
    expect(evidenceLink("dsv_1", { __typename: "DatasetVersion", id: "dsv_1", version: "v2", dataset: { id: "ds_1", name: "payments" } }))
      .toEqual({ href: "/datasets/ds_1?version=dsv_1", label: "payments v2" });
    expect(evidenceLink("vr_1", { __typename: "ValidationRun", id: "vr_1", suiteName: "ci", datasetVersion: { id: "dsv_1", version: "v2", dataset: { id: "ds_1", name: "payments" } } }))
      .toEqual({ href: "/datasets/ds_1?version=dsv_1", label: "ci validation of payments v2" });
    expect(evidenceLink("run_1", { __typename: "Run", id: "run_1", name: "train" })).toEqual({ href: "/runs/run_1", label: "run train" });
    expect(evidenceLink("bc_1", { __typename: "BiasCheck", id: "bc_1" })).toEqual({ href: null, label: "bc_1" });
    expect(evidenceLink("dsv_9", null)).toEqual({ href: null, label: "dsv_9" });
  });
  it("are saved as prefix-id.json, pretty-printed, and read back the same", () => {
    const pack = { format: "exphub.evidence/v1", promotionRequest: { approvals: [{ actor: "bob" }] } };
    const f = jsonDownload("evidence", "pr_01a2", pack);
    expect(f.name).toBe("evidence-pr_01a2.json");
    expect(f.text.endsWith("}\n")).toBe(true);
    expect(f.text).toContain('\n  "format": "exphub.evidence/v1"');
    expect(JSON.parse(f.text)).toEqual(pack);
    expect(jsonDownload("reproduce", "../run 1", {}).name).toBe("reproduce-.._run_1.json");
  });
});

describe("aliasBadges", () => {
  it("marks production and the policy's aliases as governed", () => {
    expect(aliasBadges(["champion", "challenger", "production"], ["Champion"])).toEqual([
      { alias: "champion", governed: true },
      { alias: "challenger", governed: false },
      { alias: "production", governed: true },
    ]);
  });
  it("marks production even without a policy", () => {
    expect(aliasBadges(["production", "shadow"], [])).toEqual([{ alias: "production", governed: true }, { alias: "shadow", governed: false }]);
  });
});

describe("decidableElsewhere", () => {
  it("counts the requests of the other projects, most first", () => {
    const rs = [{ projectKey: "fraud" }, { projectKey: "risk" }, { projectKey: "ads" }, { projectKey: "risk" }, { projectKey: "fraud" }];
    expect(decidableElsewhere(rs, "fraud")).toEqual([{ projectKey: "risk", count: 2 }, { projectKey: "ads", count: 1 }]);
    expect(decidableElsewhere(rs, null)).toEqual([{ projectKey: "fraud", count: 2 }, { projectKey: "risk", count: 2 }, { projectKey: "ads", count: 1 }]);
    expect(decidableElsewhere([{ projectKey: "fraud" }], "fraud")).toEqual([]);
  });
});

describe("approval groups and expiry", () => {
  it("says durations in their largest whole unit", () => {
    expect(duration(604800)).toBe("7 days");
    expect(duration(86400)).toBe("1 day");
    expect(duration(7200)).toBe("2 hours");
    expect(duration(90)).toBe("90 seconds");
    expect(duration(60)).toBe("1 minute");
  });
  it("says what a policy asks beyond the count", () => {
    expect(groupNeeds([], null)).toBeNull();
    expect(groupNeeds([{ group: "risk", approvals: 1 }, { group: "ml-platform", approvals: 2 }], 3600)).toBe(
      "of them, 1 from group risk and 2 from group ml-platform; an approval counts for 1 hour");
    expect(groupNeeds([], 86400)).toBe("an approval counts for 1 day");
  });
  it("says whether an approval counts, and why not", () => {
    expect(approvalStanding({ decision: "REJECTED", counted: false })).toBeNull();
    expect(approvalStanding({ decision: "APPROVED", counted: true, countedForGroup: "risk" })).toEqual({ counts: true, label: "counts, for group risk" });
    expect(approvalStanding({ decision: "APPROVED", counted: true })).toEqual({ counts: true, label: "counts" });
    expect(approvalStanding({ decision: "APPROVED", counted: false, notCountedReason: "expired" })).toEqual({ counts: false, label: "does not count: expired" });
  });
});

describe("signOffProblem", () => {
  it("needs findings to reject, and bounds them in bytes", () => {
    expect(signOffProblem("ACCEPTED", "")).toBeNull();
    expect(signOffProblem("REJECTED", "  ")).toBe("Say what you found: a rejection needs findings.");
    expect(signOffProblem("REJECTED", "no reproduction")).toBeNull();
    expect(signOffProblem("ACCEPTED", "é".repeat(8 * 1024 + 1))).toBe("Findings can have at most 16,384 bytes.");
  });
});

describe("sha256Hex", () => {
  it("is the SHA-256 of the UTF-8 bytes", async () => {
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("aliasProblem", () => {
  it("takes letters, digits, _ and -, up to 100", () => {
    expect(aliasProblem("champion_2-b")).toBeNull();
    expect(aliasProblem("no way!")).toBe("An alias is letters, digits, _ and - only.");
    expect(aliasProblem("a".repeat(101))).toBe("An alias has at most 100 characters.");
  });
});
