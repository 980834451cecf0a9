// A reproducibility audit in the explorer: an experiment's runs, their
// tagged reruns offered for comparison, reproductions recorded with a
// tolerance, the outcome per run and metric; a refused tolerance records
// nothing; a viewer reads the audit without the controls.
import assert from "node:assert/strict";
import { artifacts, base, gql, suite, token, tokenFor, uniqueKey } from "../harness.mjs";

const key = uniqueKey("e2e-repro");
await gql(`mutation($k: String!) { createProject(input: {key: $k, name: "Reproducibility audit"}) { project { id } } }`, { k: key });
const experiment = async (name) =>
  (await gql(`mutation($k: String!, $n: String!) { createExperiment(input: {projectKey: $k, name: $n}) { experiment { id } } }`, { k: key, n: name }))
    .createExperiment.experiment.id;
const audited = await experiment("churn-models");
const reruns = await experiment("reruns");
async function run(expId, name, auc, tags = []) {
  const id = (await gql(`mutation($e: ID!, $n: String!, $t: [TagInput!]) {
    startRun(input: {experimentId: $e, name: $n, seed: 7, params: [{key: "lr", value: "0.1"}], tags: $t}) { run { id } } }`, { e: expId, n: name, t: tags })).startRun.run.id;
  await gql(`mutation($r: ID!, $v: Float!) { logMetrics(input: {runId: $r, points: [{key: "auc", value: $v, step: 1}]}) { accepted } }`, { r: id, v: auc });
  await gql(`mutation($r: ID!) { finishRun(input: {runId: $r}) { run { status } } }`, { r: id });
  return id;
}
const a = await run(audited, "gbm-a", 0.9);
const b = await run(audited, "gbm-b", 0.8);
const tag = (id) => [{ key: "exphub.reproduces", value: id }];
await run(reruns, "rerun-a", 0.9004, tag(a));
await run(reruns, "rerun-b", 0.7, tag(b));
const latestRerun = async (runId) =>
  (await gql(`query($e: ID!) { reproducibilityAudit(experimentId: $e) { runs { run { id reproducibility { latestReproduction { reproductionRun { name } } } } } } }`, { e: audited }))
    .reproducibilityAudit.runs.find((r) => r.run.id === runId)?.run.reproducibility.latestReproduction?.reproductionRun.name ?? null;

const { page, step, done } = await suite("repro");
const audit = page.getByTestId("repro-audit");
const summary = page.getByTestId("repro-summary");
const row = (id) => page.locator(`[data-testid=repro-row][data-run="${id}"]`);

await step("the audit offers each run's tagged rerun", async () => {
  await page.goto(`${base}/?token=${token}`);
  await page.getByText("Signed in as").waitFor();
  await page.goto(`${base}/experiments/${audited}`);
  await page.getByRole("button", { name: "Audit reproducibility" }).click();
  await audit.waitFor();
  assert.equal(new URL(page.url()).searchParams.get("audit"), "reproducibility");
  await page.waitForFunction(() => document.querySelector("[data-testid=repro-summary]")?.textContent.includes("2 not attempted"));
  assert.match(await summary.textContent(), /2 runs in the experiment: 0 reproduced, 0 diverged, 2 not attempted/);
  assert.equal(await row(a).getByLabel("rerun of gbm-a").locator("option:checked").textContent(), "rerun-a");
  assert.equal(await row(b).getByLabel("rerun of gbm-b").locator("option:checked").textContent(), "rerun-b");
});

await step("recording compares each pair within the tolerance", async () => {
  await audit.getByLabel("tolerance", { exact: true }).fill("0.001");
  await audit.getByRole("button", { name: "Record 2 reproductions" }).click();
  await audit.getByRole("status").filter({ hasText: "2 reproductions recorded." }).waitFor();
  await row(a).and(page.locator("[data-status=REPRODUCED]")).waitFor();
  await row(b).and(page.locator("[data-status=DIVERGED]")).waitFor();
  assert.match(await row(b).locator("[data-metric-status=DIVERGED]").textContent(), /auc 0\.8 → 0\.7 \(Δ 0\.1\) outside tolerance/);
  // The compared rerun stays shown as such.
  assert.equal(await row(a).getByLabel("rerun of gbm-a").locator("option:checked").textContent(), "rerun-a (compared)");
  assert.match(await summary.textContent(), /1 reproduced, 1 diverged, 0 not attempted/);
  await audit.getByRole("button", { name: "Nothing new to compare" }).waitFor();
  await page.screenshot({ path: `${artifacts}repro-audit.png`, fullPage: true });
});

await step("picking runs narrows the audit", async () => {
  await page.getByLabel("pick gbm-a").check();
  await page.waitForFunction(() => document.querySelector("[data-testid=repro-summary]")?.textContent.startsWith("1 run picked"));
  assert.match(await summary.textContent(), /1 run picked: 1 reproduced, 0 diverged/);
  assert.equal(await page.locator("[data-testid=repro-row]").count(), 1);
  await page.getByLabel("pick gbm-a").uncheck();
});

await step("a refused tolerance records nothing", async () => {
  await run(reruns, "rerun-a-again", 0.95, tag(a));
  await page.reload();
  await audit.getByRole("button", { name: "Record 1 reproduction" }).waitFor();
  await audit.getByLabel("tolerance", { exact: true }).fill("-1");
  await audit.getByRole("button", { name: "Record 1 reproduction" }).click();
  await audit.getByRole("alert").filter({ hasText: 'tolerance: want a number ≥ 0, got "-1"' }).waitFor();
  assert.equal(await latestRerun(a), "rerun-a");
});

await step("a viewer reads the audit without the controls", async () => {
  const viewer = tokenFor("e2e-repro-viewer", { [key]: "viewer" });
  await page.goto(`${base}/?token=${viewer}`);
  await page.getByText("Signed in as").waitFor();
  await page.goto(`${base}/experiments/${audited}?audit=reproducibility`);
  await audit.getByText(`Recording reproductions needs the contributor role in ${key}.`).waitFor();
  assert.equal(await audit.getByRole("button").count(), 0);
  assert.equal(await row(a).getByRole("combobox").isDisabled(), true);
});

await done();
