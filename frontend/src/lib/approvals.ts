// Governance in the explorer: promotion requests, their checks and who may
// act on them, fairness values, and the JSON documents the views download.
import type { CheckName, CheckVerdict, PromotionRequestFilter, PromotionStatus, Role } from "../gql/graphql";

// ---------------------------------------------------------------- the inbox's tabs

export type Tab = "decide" | "open" | "all";

export const tabs: { tab: Tab; label: string }[] = [
  { tab: "decide", label: "To decide" },
  { tab: "open", label: "Open" },
  { tab: "all", label: "All" },
];

// parseTab reads ?tab=; anything else is the default, "To decide".
export function parseTab(v: string | null): Tab {
  return v === "open" || v === "all" ? v : "decide";
}

// tabFilter is the promotionRequests filter a tab lists.
export function tabFilter(tab: Tab): PromotionRequestFilter | null {
  switch (tab) {
    case "decide":
      return { decidableByViewer: true };
    case "open":
      return { statuses: ["PENDING", "BLOCKED"] };
    default:
      return null;
  }
}

// ---------------------------------------------------------------- statuses

// Open requests first (the ones that need someone), then the closed ones.
const statusRank: Record<PromotionStatus, number> = { BLOCKED: 0, PENDING: 1, APPROVED: 2, REJECTED: 3, CANCELLED: 4 };

export function isOpen(status: PromotionStatus): boolean {
  return status === "PENDING" || status === "BLOCKED";
}

// compareStatus orders requests by status (open first, blocked before
// pending), for sorting.
export function compareStatus(a: PromotionStatus, b: PromotionStatus): number {
  return statusRank[a] - statusRank[b];
}

// statusClass is the badge class of a status: "pstatus blocked" etc.
export function statusClass(status: PromotionStatus): string {
  return `pstatus ${status.toLowerCase()}`;
}

// statusLabel says a status in words, for a badge.
export function statusLabel(status: PromotionStatus): string {
  return status === "BLOCKED" ? "blocked: a check fails" : status.toLowerCase();
}

// ---------------------------------------------------------------- checks

export interface CheckLike {
  name: CheckName;
  verdict: CheckVerdict;
}

const checkLabels: Record<CheckName, string> = {
  UPSTREAM_VALIDATIONS: "Upstream validations",
  BIAS: "Bias",
  REPRODUCIBILITY: "Reproducibility",
  REPRODUCED: "Reproduced",
};

export function checkLabel(name: CheckName): string {
  return checkLabels[name] ?? name;
}

// sortChecks puts failing checks first, otherwise keeping the server's order.
export function sortChecks<C extends CheckLike>(checks: readonly C[]): C[] {
  return checks.map((c, i) => ({ c, i })).sort((x, y) => Number(x.c.verdict === "PASSED") - Number(y.c.verdict === "PASSED") || x.i - y.i).map((x) => x.c);
}

// failingChecks names the checks that fail, for a list row: "" when all pass.
export function failingChecks(checks: readonly CheckLike[]): string {
  return checks.filter((c) => c.verdict === "FAILED").map((c) => checkLabel(c.name)).join(", ");
}

// checksSummary says how the checks stand in a few words.
export function checksSummary(checks: readonly CheckLike[]): string {
  if (checks.length === 0) return "the policy asks for no check";
  const failing = checks.filter((c) => c.verdict === "FAILED").length;
  if (failing === 0) return checks.length === 1 ? "the check passes" : `all ${checks.length} checks pass`;
  return `${failing} of ${checks.length} ${checks.length === 1 ? "check fails" : "checks fail"}`;
}

// ---------------------------------------------------------------- who may do what

const ladder: Record<Role, number> = { VIEWER: 1, CONTRIBUTOR: 2, APPROVER: 3, ADMIN: 4, AUDITOR: 0 };

// allows is the hub's rule of roles: VIEWER < CONTRIBUTOR < APPROVER <
// ADMIN is a ladder, each including the ones before it; an AUDITOR reads
// (VIEWER) and reads the audit trail, which as a need (AUDITOR) approvers
// and admins meet too; an auditor writes and decides nothing.
export function allows(role: Role, need: Role): boolean {
  if (role === "AUDITOR") return need === "VIEWER" || need === "AUDITOR";
  if (need === "AUDITOR") return role === "APPROVER" || role === "ADMIN";
  return ladder[role] >= ladder[need];
}

// rolesIn is the caller's grants that apply to a project, from its
// token: the project's own and the one for every project ("*").
export function rolesIn(grants: readonly { projectKey: string; role: Role }[], projectKey: string): Role[] {
  return grants.filter((g) => g.projectKey === projectKey || g.projectKey === "*").map((g) => g.role);
}

// can says whether any of roles allows need, as the hub decides it.
export function can(roles: readonly Role[], need: Role): boolean {
  return roles.some((r) => allows(r, need));
}

export interface RequestForActions {
  status: PromotionStatus;
  requestedBy: string;
  viewerCanDecide: boolean;
}

export interface Actions {
  // Approve and reject: only when the hub says the caller may decide now.
  decide: boolean;
  // Withdraw: the requester, or an admin, while it is open.
  cancel: boolean;
  // Evaluate the checks again: contributors, while it is open.
  reevaluate: boolean;
  // The evidence pack: auditors, approvers and admins, whatever the status.
  evidence: boolean;
  // Sign off the pack: the auditor only (approvers and admins decide).
  signOff: boolean;
}

// requestActions decides which buttons a request shows to the viewer with
// the given subject and roles in the request's project (rolesIn). The hub checks each
// again; this only keeps buttons that would be refused off the page.
export function requestActions(r: RequestForActions, viewer: { subject: string; roles: readonly Role[] }): Actions {
  const open = isOpen(r.status);
  return {
    decide: open && r.viewerCanDecide,
    cancel: open && (r.requestedBy === viewer.subject || can(viewer.roles, "ADMIN")),
    reevaluate: open && can(viewer.roles, "CONTRIBUTOR"),
    evidence: can(viewer.roles, "AUDITOR"),
    signOff: viewer.roles.includes("AUDITOR"),
  };
}

// maxFindings is the longest findings text the hub takes (16 KiB).
export const maxFindings = 16 * 1024;

// signOffProblem says why a sign-off cannot be sent as it is, or null: a
// rejection needs findings, and findings have a limit.
export function signOffProblem(decision: "ACCEPTED" | "REJECTED", findings: string): string | null {
  if (new TextEncoder().encode(findings).length > maxFindings) return `Findings can have at most ${maxFindings.toLocaleString("en-US")} bytes.`;
  if (decision === "REJECTED" && findings.trim() === "") return "Say what you found: a rejection needs findings.";
  return null;
}

// sha256Hex is the hex SHA-256 of text's UTF-8 bytes, what a sign-off
// identifies a document by; null where the browser offers no digest (a
// page not served over https or from localhost).
export async function sha256Hex(text: string): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const d = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export const maxComment = 4000;

// decisionProblem says why a decision cannot be sent as it is, or null:
// a rejection needs a comment, and comments have a limit.
export function decisionProblem(decision: "APPROVED" | "REJECTED", comment: string): string | null {
  if (comment.length > maxComment) return `A comment can have at most ${maxComment.toLocaleString("en-US")} characters.`;
  if (decision === "REJECTED" && comment.trim() === "") return "Say why you reject it: a rejection needs a comment.";
  return null;
}

// justificationProblem is decisionProblem for a promotion request's
// justification: 1 to 4,000 characters.
export function justificationProblem(text: string): string | null {
  if (text.trim() === "") return "Say why this version should be promoted.";
  if (text.length > maxComment) return `A justification can have at most ${maxComment.toLocaleString("en-US")} characters.`;
  return null;
}

// ---------------------------------------------------------------- fairness

export interface FairnessValueLike {
  value?: number | null;
  reason?: string | null;
}

// formatFairness shows a fairness metric: the value to three decimals, or
// "undefined: reason" when the metric is undefined for this data.
export function formatFairness(v: FairnessValueLike): string {
  if (v.value === null || v.value === undefined || !Number.isFinite(v.value)) return `undefined: ${v.reason || "no reason given"}`;
  return v.value.toFixed(3);
}

// ---------------------------------------------------------------- evidence

export interface EvidenceNode {
  __typename?: string;
  id: string;
  version?: string | number;
  name?: string;
  dataset?: { id: string; name: string };
  datasetVersion?: { id: string; version: string; dataset: { id: string; name: string } };
  suiteName?: string;
}

// evidenceLink is where an object a check rests on opens in the explorer,
// with a label: dataset versions (and validation runs, on their version's
// page) and runs link; anything else (a bias check, a reproduction, an
// object the caller may not read) is shown by its ID only.
export function evidenceLink(id: string, node: EvidenceNode | null | undefined): { href: string | null; label: string } {
  switch (node?.__typename) {
    case "DatasetVersion":
      return node.dataset ? { href: `/datasets/${node.dataset.id}?version=${node.id}`, label: `${node.dataset.name} ${node.version}` } : { href: null, label: id };
    case "ValidationRun": {
      const v = node.datasetVersion;
      if (!v) return { href: null, label: id };
      return { href: `/datasets/${v.dataset.id}?version=${v.id}`, label: `${node.suiteName ? `${node.suiteName} validation` : "validation"} of ${v.dataset.name} ${v.version}` };
    }
    case "Run":
      return { href: `/runs/${node.id}`, label: `run ${node.name ?? node.id}` };
    default:
      return { href: null, label: id };
  }
}

// ---------------------------------------------------------------- downloads

// jsonDownload is the file a JSON document the hub returns is saved as:
// prefix-id.json (characters a file name should not have become "_"),
// pretty-printed, with a final newline.
export function jsonDownload(prefix: string, id: string, value: unknown): { name: string; text: string } {
  return { name: `${prefix}-${id.replace(/[^A-Za-z0-9._-]/g, "_")}.json`, text: `${JSON.stringify(value, null, 2)}\n` };
}

// aliasBadges marks which of a version's aliases move only through an
// approved promotion: "production" always (it is the PRODUCTION stage), and
// those the project's policy names (governed, lower case).
export function aliasBadges(aliases: readonly string[], governed: readonly string[]): { alias: string; governed: boolean }[] {
  const g = new Set(["production", ...governed.map((a) => a.toLowerCase())]);
  return aliases.map((alias) => ({ alias, governed: g.has(alias.toLowerCase()) }));
}

// decidableElsewhere groups the requests the viewer may decide that are
// not in the project shown, most first (then by key).
export function decidableElsewhere(requests: readonly { projectKey: string }[], shown: string | null): { projectKey: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const r of requests) {
    if (r.projectKey !== shown) counts.set(r.projectKey, (counts.get(r.projectKey) ?? 0) + 1);
  }
  return [...counts].map(([projectKey, count]) => ({ projectKey, count })).sort((a, b) => b.count - a.count || a.projectKey.localeCompare(b.projectKey));
}

// duration says a number of seconds in the largest whole unit.
export function duration(seconds: number): string {
  for (const [secs, name] of [[86400, "day"], [3600, "hour"], [60, "minute"]] as const) {
    if (seconds >= secs && seconds % secs === 0) return `${seconds / secs} ${name}${seconds / secs === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

// groupNeeds says what a policy asks beyond the count of approvals: the
// groups approvals must come from and how long an approval counts; null
// when it asks neither.
export function groupNeeds(groups: readonly { group: string; approvals: number }[], validFor: number | null | undefined): string | null {
  const parts: string[] = [];
  if (groups.length > 0) parts.push(`of them, ${groups.map((g) => `${g.approvals} from group ${g.group}`).join(" and ")}`);
  if (validFor != null) parts.push(`an approval counts for ${duration(validFor)}`);
  return parts.length > 0 ? parts.join("; ") : null;
}

export interface ApprovalStanding {
  decision: string;
  counted: boolean;
  notCountedReason?: string | null;
  countedForGroup?: string | null;
}

// approvalStanding says whether an approval counts toward the request
// (and for which group), or why not; null for a rejection.
export function approvalStanding(a: ApprovalStanding): { counts: boolean; label: string } | null {
  if (a.decision !== "APPROVED") return null;
  if (a.counted) return { counts: true, label: a.countedForGroup ? `counts, for group ${a.countedForGroup}` : "counts" };
  return { counts: false, label: `does not count: ${a.notCountedReason ?? "no reason recorded"}` };
}

// aliasProblem says why a model alias is not one the hub takes, or null:
// letters, digits, _ and -, at most 100.
export function aliasProblem(alias: string): string | null {
  if (alias.length > 100) return "An alias has at most 100 characters.";
  if (!/^[A-Za-z0-9_-]+$/.test(alias)) return "An alias is letters, digits, _ and - only.";
  return null;
}
