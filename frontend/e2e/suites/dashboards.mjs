// The governance dashboard of a project with requests in every state: a
// viewer sees what waits and for how long, the decisions' lead time, what
// blocks, and which request put a version in production.
import assert from "node:assert/strict";
import { artifacts, base, gql, suite, tokenFor, uniqueKey } from "../harness.mjs";

const key = uniqueKey("e2e-dash");
await gql(`mutation($k: String!) { createProject(input: {key: $k, name: "Governance dashboard"}) { project { id } } }`, { k: key });
const policy = (validations) =>
  gql(`mutation($k: String!, $v: Boolean!) { setPolicy(input: {projectKey: $k, requiredApprovals: 1, requireUpstreamValidationsPassed: $v}) { changed } }`, { k: key, v: validations });
const version = async (uri) =>
  (await gql(`mutation($k: String!, $u: String!) { registerModelVersion(input: {projectKey: $k, modelName: "scorer", uri: $u}) { modelVersion { id } } }`, { k: key, u: uri }))
    .registerModelVersion.modelVersion.id;
const requester = tokenFor("e2e-dash-requester", { [key]: "contributor" });
const approver = tokenFor("e2e-dash-approver", { [key]: "approver" });
const viewer = tokenFor("e2e-dash-viewer", { [key]: "viewer" });
const request = async (mv, stage) =>
  (await gql(`mutation($mv: ID!, $s: ModelStage!) { requestPromotion(input: {modelVersionId: $mv, targetStage: $s, justification: "better"}) { promotionRequest { id status } } }`,
    { mv, s: stage }, requester)).requestPromotion.promotionRequest;
const decide = (op, id) => gql(`mutation($id: ID!) { ${op}(input: {promotionRequestId: $id, comment: "seen"}) { promotionRequest { status } } }`, { id }, approver);

await policy(false);
const v1 = await version("s3://m/1");
const v2 = await version("s3://m/2");
const v3 = await version("s3://m/3");
const approved = await request(v1, "PRODUCTION");
await decide("approvePromotion", approved.id);
const rejected = await request(v2, "STAGING");
await decide("rejectPromotion", rejected.id);
const pending = await request(v3, "STAGING");
await policy(true);
const blocked = await request(await version("s3://m/4"), "STAGING");
assert.equal(pending.status, "PENDING");
assert.equal(blocked.status, "BLOCKED");

const { page, step, done } = await suite("dashboards");

await step("a viewer reads the governance dashboard", async () => {
  await page.goto(`${base}/?token=${viewer}`);
  await page.getByText("Signed in as").waitFor();
  await page.getByRole("link", { name: "Governance", exact: true }).click();
  await page.waitForURL(/\/dashboards\/governance/);
  await page.goto(`${base}/dashboards/governance?project=${key}`);
  const dash = page.locator(`[data-testid=governance-dashboard][data-project="${key}"]`);
  await dash.waitFor();
  assert.equal(await dash.locator("[data-testid=open-by-age] tr[data-bucket='under a day']").getAttribute("data-count"), "2");
  const open = await dash.locator("[data-testid=open-requests] li").evaluateAll((ls) => ls.map((l) => [l.dataset.request, l.dataset.status]));
  assert.deepEqual(open.map(([id]) => id).sort(), [pending.id, blocked.id].sort());
  assert.equal(await dash.locator("[data-testid=blocked-by-check] li[data-check=UPSTREAM_VALIDATIONS]").getAttribute("data-count"), "1");
  assert.match(await dash.getByRole("heading", { name: /Lead time/ }).textContent(), /2 decided/);
  const prod = dash.locator(`[data-testid=production] li[data-version="${v1}"]`);
  assert.equal(await prod.getAttribute("data-request"), approved.id);
  assert.equal(await dash.locator("[data-testid=production] li").count(), 1);
  await page.screenshot({ path: `${artifacts}governance-dashboard.png`, fullPage: true });
});

await step("a blocked request opens from the dashboard", async () => {
  await page.locator("[data-testid=blocked-by-check] a").first().click();
  await page.locator(`[data-testid=request][data-request="${blocked.id}"][data-status=BLOCKED]`).waitFor();
});

await done();
