// The governance dashboard of a project with requests in every state: a
// viewer sees what waits and for how long, the decisions' lead time, what
// blocks, and which request put a version in production.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
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

// Data quality: two datasets, one version failing its recorded validation
// and one passing, a model trained on the failing one, and in a third
// dataset a version derived from the failing one, never validated itself.
const dataset = async (name) =>
  (await gql(`mutation($k: String!, $n: String!) { registerDataset(input: {projectKey: $k, namespace: "s3://e2e", name: $n}) { dataset { id } } }`, { k: key, n: name }))
    .registerDataset.dataset.id;
const dv = async (d, label, derivedFrom = []) =>
  (await gql(`mutation($d: ID!, $v: String!, $g: String!, $from: [ID!]) { registerDatasetVersion(input: {datasetId: $d, version: $v, uri: "s3://e2e/x.csv", digest: $g, derivedFrom: $from}) { datasetVersion { id } } }`,
    { d, v: label, g: createHash("sha256").update(`${key}-${d}-${label}`).digest("hex"), from: derivedFrom })).registerDatasetVersion.datasetVersion.id;
const result = (status) => JSON.stringify({ engine: "exphub", suite: "ci", row_count: 3, status,
  statistics: { evaluated: 1, passed: status === "PASSED" ? 1 : 0, failed: status === "PASSED" ? 0 : 1, errored: 0, success_percent: status === "PASSED" ? 100 : 0 },
  rules: [{ index: 0, type: "not_null", column: "id", severity: "error", verdict: status, observed: null, element_count: 3, missing_count: 0,
    unexpected_count: status === "PASSED" ? 0 : 1, unexpected_percent: status === "PASSED" ? 0 : 33.3 }] });
const record = (v, status) => gql(`mutation($v: ID!, $r: String!) { recordValidationResult(input: {datasetVersionId: $v, suiteName: "ci", result: $r}) { validationRun { id } } }`,
  { v, r: result(status) });
const raw = await dv(await dataset("raw-events"), "v1");
const clean = await dv(await dataset("clean-events"), "v1");
await record(raw, "FAILED");
await record(clean, "PASSED");
const features = await dv(await dataset("event-features"), "v1", [raw]);
const exp = (await gql(`mutation($k: String!) { createExperiment(input: {projectKey: $k, name: "train"}) { experiment { id } } }`, { k: key })).createExperiment.experiment.id;
const trainRun = (await gql(`mutation($e: ID!) { startRun(input: {experimentId: $e, name: "on raw"}) { run { id } } }`, { e: exp })).startRun.run.id;
await gql(`mutation($r: ID!, $v: ID!) { addRunInputs(input: {runId: $r, datasetVersionIds: [$v]}) { run { id } } }`, { r: trainRun, v: raw });
const risky = (await gql(`mutation($k: String!, $r: ID!) { registerModelVersion(input: {projectKey: $k, modelName: "churn", runId: $r, uri: "s3://m/c1"}) { modelVersion { id } } }`,
  { k: key, r: trainRun })).registerModelVersion.modelVersion.id;

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

await step("the data-quality dashboard and the catalog's quality column", async () => {
  await page.getByRole("link", { name: "Quality", exact: true }).click();
  await page.goto(`${base}/dashboards/quality?project=${key}`);
  const dash = page.locator(`[data-testid=quality-dashboard][data-project="${key}"]`);
  await dash.waitFor();
  const bucket = (id, label) => dash.locator(`[data-testid=${id}] tr[data-bucket="${label}"]`);
  assert.equal(await bucket("coverage", "datasets with a suite").getAttribute("data-count"), "0");
  assert.equal(await bucket("coverage", "versions validated").getAttribute("data-count"), "2");
  assert.equal(await bucket("coverage", "versions failing").getAttribute("data-count"), "1");
  assert.match(await dash.getByTestId("pass-rate").textContent(), /of 2 passed \(50%\)/);
  assert.deepEqual(await dash.locator("[data-testid=failing] li").evaluateAll((ls) => ls.map((l) => l.dataset.version)), [raw]);
  assert.deepEqual(await dash.locator("[data-testid=models-at-risk] li").evaluateAll((ls) => ls.map((l) => l.dataset.version)), [risky]);
  assert.deepEqual(await dash.locator("[data-testid=datasets-at-risk] li").evaluateAll((ls) => ls.map((l) => l.dataset.version)), [features]);
  await page.screenshot({ path: `${artifacts}quality-dashboard.png`, fullPage: true });
  await page.goto(`${base}/catalog?project=${key}`);
  await page.locator("[data-testid=dataset-quality]").nth(2).waitFor();
  const statuses = await page.locator("[data-testid=dataset-quality]").evaluateAll((cs) => cs.map((c) => c.dataset.status).sort());
  assert.deepEqual(statuses, ["FAILED", "NONE", "PASSED"]);
  await page.getByRole("link", { name: "Data-quality dashboard" }).waitFor();
});

await done();
