// Feast's feature views: the hub takes Feast's own OpenLineage events
// (recorded from `feast apply`), a data source's latest version fails
// validation, and the explorer shows the view at risk — in the project's
// feature-view list, on the view's dataset page and on the source's.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { artifacts, base, eventually, gql, suite, tokenFor } from "../harness.mjs";

// run.sh maps the events' namespace (Feast's project, hub_demo) to a
// project of this run's own (EXPHUB_OPENLINEAGE_PROJECTS).
const key = process.env.EXPHUB_FEAST_PROJECT;
if (!key) throw new Error("EXPHUB_FEAST_PROJECT must be set (e2e/run.sh sets it)");
await gql(`mutation($k: String!) { createProject(input: {key: $k, name: "Feast feature store"}) { project { id } } }`, { k: key });
const contributor = tokenFor("e2e-feast-contributor", { [key]: "contributor" });
const viewer = tokenFor("e2e-feast-viewer", { [key]: "viewer" });

const events = new URL("../../../internal/openlineage/testdata/events/", import.meta.url);
for (const name of ["feast-apply-01-complete.json", "feast-apply-02-complete.json"]) {
  const res = await fetch(`${base}/api/v1/lineage`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${contributor}` },
    body: readFileSync(new URL(name, events)),
  });
  assert.ok(res.ok, `POST /api/v1/lineage ${name}: HTTP ${res.status} ${await res.text()}`);
}
// Events are acknowledged when recorded and applied a moment later: wait
// for the view, its source and its service.
const views = `query($k: String!, $r: Boolean) { featureViews(projectKey: $k, atRisk: $r, first: 20) { totalCount edges { node { id name health sources { id name } services { id name } } } } }`;
const view = await eventually(async () => {
  const v = (await gql(views, { k: key }, viewer)).featureViews.edges.map((e) => e.node).find((n) => n.name === "driver_hourly_stats");
  return v?.sources.some((s) => s.name === "driver_hourly_stats_source") && v.services.length > 0 ? v : null;
}, "driver_hourly_stats with its source and service");
const source = view.sources.find((s) => s.name === "driver_hourly_stats_source");

// A version of the source's data, and Great Expectations saying its
// driver_id has nulls.
const version = (await gql(`mutation($d: ID!, $g: String!) { registerDatasetVersion(input: {datasetId: $d, version: "2026-12-02", uri: "file:///data/driver_stats.parquet", digest: $g}) { datasetVersion { id } } }`,
  { d: source.id, g: createHash("sha256").update(`${key}-driver_stats`).digest("hex") }, contributor)).registerDatasetVersion.datasetVersion.id;
const ge = { success: false, results: [{ success: false, expectation_config: { expectation_type: "expect_column_values_to_not_be_null", kwargs: { column: "driver_id" } }, result: {} }] };
await gql(`mutation($v: ID!, $r: String!) { recordValidationResult(input: {datasetVersionId: $v, suiteName: "ge-driver-stats", result: $r}) { validationRun { id status } } }`,
  { v: version, r: JSON.stringify(ge) }, contributor);
await eventually(async () => (await gql(views, { k: key, r: true }, viewer)).featureViews.totalCount === 1, "driver_hourly_stats at risk");

// A training run that read the view's feature service.
const exp = (await gql(`mutation($k: String!) { createExperiment(input: {projectKey: $k, name: "driver-ranking"}) { experiment { id } } }`, { k: key }, contributor)).createExperiment.experiment.id;
const run = (await gql(`mutation($e: ID!) { startRun(input: {experimentId: $e, name: "train on driver_activity_v1"}) { run { id } } }`, { e: exp }, contributor)).startRun.run.id;
await gql(`mutation($r: ID!, $s: [ID!]!) { useFeatureServices(input: {runId: $r, featureServiceIds: $s}) { run { id } } }`, { r: run, s: view.services.map((s) => s.id) }, contributor);

const { page, step, done } = await suite("feast");

await step("the project's feature views, one at risk, and the at-risk filter", async () => {
  await page.goto(`${base}/?token=${viewer}`);
  await page.getByText("Signed in as").waitFor();
  await page.getByRole("link", { name: "Feature views", exact: true }).click();
  await page.waitForURL(/\/feature-views/);
  await page.goto(`${base}/feature-views?project=${key}`);
  const list = page.locator("[data-testid=feature-views][data-at-risk=false]");
  const row = list.locator("tr[data-testid=feature-view][data-name=driver_hourly_stats]");
  await row.locator("[data-health=AT_RISK]").waitFor();
  assert.equal(await row.getAttribute("data-health"), "AT_RISK");
  await row.getByText("2 features").waitFor();
  await row.getByRole("link", { name: "driver_hourly_stats_source" }).waitFor();
  await row.getByRole("link", { name: "driver_activity_v1" }).waitFor();
  await row.getByText("ml@example.com").waitFor();
  // The filter lives in the URL, and the router commits a navigation in a
  // transition: the box shows checked when that commits, which on a loaded
  // machine is later than the click (check() asserts at once), so click
  // and wait for both.
  await page.getByLabel("at risk only").click();
  await page.waitForURL((u) => u.searchParams.get("atRisk") === "1");
  await page.getByRole("checkbox", { name: "at risk only", checked: true }).waitFor();
  const risky = page.locator("[data-testid=feature-views][data-at-risk=true]");
  await risky.locator("tr[data-testid=feature-view][data-name=driver_hourly_stats][data-health=AT_RISK]").waitFor();
  assert.equal(await risky.locator("tr[data-testid=feature-view]").count(), 1);
  await page.screenshot({ path: `${artifacts}feature-views.png`, fullPage: true });
});

await step("a feature view's dataset page: its Feast kind and its feature-view panel", async () => {
  await page.locator("tr[data-testid=feature-view][data-name=driver_hourly_stats]").getByRole("link", { name: "driver_hourly_stats", exact: true }).click();
  await page.getByRole("heading", { name: "driver_hourly_stats" }).waitFor();
  await page.locator("[data-testid=feast-kind][data-kind=FEATURE_VIEW]").waitFor();
  const panel = page.locator("[data-testid=feature-view-panel][data-health=AT_RISK]");
  await panel.waitFor();
  await panel.getByTestId("features").getByText("conv_rate").waitFor();
  await panel.getByText("1 d", { exact: true }).waitFor();
  await panel.getByText("served online").waitFor();
  await panel.getByTestId("fv-services").getByRole("link", { name: "driver_activity_v1" }).waitFor();
  await panel.getByTestId("at-risk-sources").getByRole("link", { name: "driver_hourly_stats_source" }).waitFor();
  await panel.getByTestId("at-risk-sources").locator(".vstatus.failed").waitFor();
  await page.screenshot({ path: `${artifacts}feature-view.png`, fullPage: true });
});

await step("a data source's page: the feature views that use it", async () => {
  await page.locator("[data-testid=feature-view-panel]").getByTestId("fv-sources").getByRole("link", { name: "driver_hourly_stats_source" }).click();
  await page.getByRole("heading", { name: "driver_hourly_stats_source" }).waitFor();
  await page.locator("[data-testid=feast-kind][data-kind=DATA_SOURCE]").waitFor();
  const used = page.getByTestId("used-by-feature-views");
  await used.getByRole("heading", { name: /Used by feature views/ }).waitFor();
  await used.locator("li[data-name=driver_hourly_stats][data-health=AT_RISK]").getByRole("link", { name: "driver_hourly_stats" }).waitFor();
  await page.screenshot({ path: `${artifacts}feature-source.png`, fullPage: true });
});

await step("Feast objects are drawn as such in lineage", async () => {
  await page.goto(`${base}/lineage/${version}?direction=DOWNSTREAM`);
  await page.locator(".lnode.feast[data-feast=DATA_SOURCE]").first().waitFor();
});

await step("a run lists the feature services it read", async () => {
  await page.goto(`${base}/runs/${run}`);
  await page.getByTestId("feature-services").getByRole("link", { name: "driver_activity_v1" }).waitFor();
});

await done();
