// End-to-end tests of the explorer: playwright-core drives Debian's
// Chromium against a real server with the demo data (e2e/run.sh starts
// it). Screenshots of each view go to e2e/artifacts/.
import { chromium } from "playwright-core";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash, createHmac, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { execFileSync } from "node:child_process";
import assert from "node:assert/strict";

const base = process.env.EXPHUB_URL;
const token = process.env.EXPHUB_TOKEN;
if (!base || !token) throw new Error("EXPHUB_URL and EXPHUB_TOKEN must be set (e2e/run.sh sets them)");
const artifacts = new URL("./artifacts/", import.meta.url).pathname;
mkdirSync(artifacts, { recursive: true });

// gql asks the hub as the demo admin, or as the holder of another token.
async function gql(query, variables = {}, as = token) {
  const res = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${as}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

// eventually asks until the answer is there: work the hub acknowledges
// before it is applied (OpenLineage events) shows up a moment later. The
// deadline is the page's, generous for a loaded machine.
async function eventually(ask, what) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answer = await ask();
    if (answer) return answer;
    if (Date.now() > deadline) throw new Error(`still not so after 60 s: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// testExperiment is where the tests start runs: an experiment of their
// own, so that the demo's experiments stay as they are when the tests run
// again on one database.
async function testExperiment() {
  const found = await gql(`{ experiments(projectKey: "fraud", filter: {nameContains: "e2e-live"}, first: 1) { edges { node { id } } } }`);
  return found.experiments.edges[0]?.node.id ??
    (await gql(`mutation { createExperiment(input: {projectKey: "fraud", name: "e2e-live"}) { experiment { id } } }`)).createExperiment.experiment.id;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
const failures = [];
async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    failures.push(name);
    console.log(`FAIL ${name}: ${err.message}`);
    await page.screenshot({ path: `${artifacts}FAILED-${name.replace(/\W+/g, "-")}.png`, fullPage: true }).catch(() => {});
  }
}

const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
const page = await context.newPage();
page.setDefaultTimeout(60_000);

await step("sign in with the banner link", async () => {
  await page.goto(`${base}/?token=${token}`);
  await page.getByRole("heading", { name: "Experiments" }).waitFor();
  await page.getByText("Signed in as").waitFor();
  assert.ok(!page.url().includes("token="), "the token stays out of the address bar");
  // The test database holds many projects: pick the demo's, then search.
  await page.getByLabel("project", { exact: true }).fill("fraud");
  await page.locator("#project-options option[value=fraud]").waitFor({ state: "attached" });
  await page.getByLabel("project", { exact: true }).press("Enter");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("project") === "fraud");
  assert.equal(new URL(page.url()).searchParams.get("project"), "fraud");
  await page.locator(".card h2", { hasText: "fraud" }).waitFor();
  await page.getByLabel("search experiments").fill("gbm");
  await page.getByLabel("search experiments").press("Enter");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("q") === "gbm");
  // Only matching experiments remain once the search has answered.
  await page.waitForFunction(() => {
    const names = [...document.querySelectorAll(".card tbody td:first-child a")].map((a) => a.textContent.toLowerCase());
    return names.length >= 1 && names.every((n) => n.includes("gbm"));
  });
  await page.screenshot({ path: `${artifacts}experiments.png`, fullPage: true });
});

let experimentUrl = "";
await step("open an experiment and sort its runs", async () => {
  // The test database holds many projects; go to the demo's training experiment.
  const d = await gql(`{ experiments(projectKey: "fraud", first: 20) { edges { node { id name runs(first: 1) { totalCount } } } } }`);
  const exp = d.experiments.edges.map((e) => e.node).find((e) => e.name === "fraud-gbm");
  await page.goto(`${base}/experiments/${exp.id}`);
  await page.locator("table.runs tbody tr").nth(1).waitFor();
  const rows = await page.locator("table.runs tbody tr").count();
  assert.ok(rows >= 2, `${rows} runs`);
  experimentUrl = page.url();
  const header = page.locator("table.runs th").last();
  await header.click();
  assert.equal(await header.getAttribute("aria-sort"), "ascending");
  await header.click();
  assert.equal(await header.getAttribute("aria-sort"), "descending");
  await page.screenshot({ path: `${artifacts}experiment.png`, fullPage: true });
});

await step("compare two runs: param diff and overlaid metric charts", async () => {
  await page.goto(experimentUrl);
  // Two of the demo's training runs: they have params and metrics.
  const expId = new URL(experimentUrl).pathname.split("/").pop();
  const r = await gql(`query($id: ID!) { runs(experimentId: $id, first: 100) { edges { node { name params { key } } } } }`, { id: expId });
  const trained = r.runs.edges.map((e) => e.node).filter((n) => n.params.length > 0).map((n) => n.name);
  assert.ok(trained.length >= 2, `runs with params: ${trained}`);
  await page.getByLabel(`pick ${trained[0]}`, { exact: true }).check();
  await page.getByLabel(`pick ${trained[1]}`, { exact: true }).check();
  await page.getByRole("button", { name: /Compare 2 runs/ }).click();
  await page.getByRole("heading", { name: "Comparing 2 runs" }).waitFor();
  const ids = new URL(page.url()).searchParams.get("runs").split(",");
  assert.equal(ids.length, 2, "both runs are in the link");
  // The demo's training runs differ in their learning rate: a differing
  // row, marked, and one chart per metric with a series per run.
  const differing = page.locator("table.compare tr[data-differs=true]");
  await differing.first().waitFor();
  const d = await gql(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on Run { params { key value } metrics { key } } } }`, { ids });
  const [a, b] = d.nodes.map((n) => new Map(n.params.map((p) => [p.key, p.value])));
  const want = [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).length;
  assert.equal(await differing.count(), want, "exactly the params that differ are marked");
  const keys = new Set(d.nodes.flatMap((n) => n.metrics.map((m) => m.key)));
  await page.locator("[data-testid=metric-chart] canvas").nth(keys.size - 1).waitFor();
  assert.equal(await page.getByTestId("metric-chart").count(), keys.size, "one chart per metric key");
  // The legend: the x axis and one series per run.
  await page.waitForFunction(() => document.querySelector("[data-testid=metric-chart]")?.querySelectorAll(".u-series").length === 3);
  await page.screenshot({ path: `${artifacts}compare.png`, fullPage: true });
  // The run page: params, inputs linked into lineage, a chart per metric.
  await page.locator("table.compare thead a").first().click();
  await page.getByRole("heading", { name: "Params" }).waitFor();
  await page.getByRole("heading", { name: "Inputs" }).waitFor();
  await page.getByTestId("metric-chart").first().locator("canvas").waitFor();
  assert.ok((await page.locator(".card", { hasText: "Inputs" }).getByRole("link", { name: "lineage" }).count()) >= 1, "inputs link into lineage");
  await page.getByRole("button", { name: "time" }).click();
  assert.equal(new URL(page.url()).searchParams.get("axis"), "time", "the axis is in the URL");
  await page.screenshot({ path: `${artifacts}run.png`, fullPage: true });
});

await step("browse the catalog to a dataset's versions", async () => {
  await page.goto(`${base}/catalog?project=fraud`);
  await page.getByRole("heading", { name: "Datasets and models" }).waitFor();
  await page.getByLabel("search the catalog").fill("features");
  await page.getByLabel("search the catalog").press("Enter");
  await page.getByRole("link", { name: "features/transactions" }).first().click();
  const details = page.getByTestId("version-details");
  await details.waitFor();
  await details.getByRole("heading", { name: "Schema" }).waitFor();
  assert.ok((await details.locator(".kv th").count()) >= 1, "the schema is shown");
  assert.ok((await details.getByText("Consumed by").count()) === 1);
  assert.ok((await details.locator("a[href^='/runs/']").count()) >= 1, "producing and consuming runs are linked");
  await page.screenshot({ path: `${artifacts}dataset.png`, fullPage: true });
});

await step("open a dataset's lineage and expand a node", async () => {
  const d = await gql(`{ datasets(projectKey: "fraud", first: 20) { edges { node { id name } } } }`);
  const ds = d.datasets.edges.map((e) => e.node).find((n) => n.name.includes("raw")) ?? d.datasets.edges[0].node;
  await page.goto(`${base}/lineage/${ds.id}?depth=2`);
  await page.locator(".react-flow__node").nth(2).waitFor();
  await page.getByRole("status").filter({ hasText: "This graph was cut" }).waitFor(); // cut at depth 2: says so
  // The count of the whole graph: nodes outside the viewport are not drawn.
  const count = async () => Number(await page.getByTestId("node-count").getAttribute("data-count"));
  await page.getByTestId("node-count").waitFor();
  const before = await count();
  await page.locator(".lnode.more").first().dblclick();
  await page.waitForFunction((n) => Number(document.querySelector("[data-testid=node-count]")?.getAttribute("data-count")) > n, before);
  const expanded = await count();
  // Selecting a node puts it in the URL, so the view is a link, and keeps
  // the expansion.
  await page.locator(".react-flow__node").nth(1).click();
  await page.locator("aside.details").waitFor();
  assert.ok(new URL(page.url()).searchParams.get("selected"), "the selection is in the URL");
  assert.equal(await count(), expanded, "selecting kept the expansion");
  // The minimap draws every node of the graph, in its kind's colour (not
  // React Flow's pale default, which read as an empty box).
  const minimap = page.getByTestId("rf__minimap");
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=rf__minimap] .react-flow__minimap-node").length === n, expanded);
  const fills = await minimap.locator(".react-flow__minimap-node").evaluateAll((els) => els.map((e) => getComputedStyle(e).fill));
  assert.ok(fills.every((f) => f && f !== "rgb(226, 226, 226)"), `minimap nodes are coloured: ${[...new Set(fills)].join(", ")}`);
  assert.ok(new Set(fills).size >= 2, "the minimap tells kinds apart");
  await page.screenshot({ path: `${artifacts}lineage.png` });
});

await step("highlight the path between two nodes", async () => {
  const d = await gql(`{ datasets(projectKey: "fraud", first: 20) { edges { node { name versions(first: 1) { edges { node { id } } } } } } models(projectKey: "fraud", filter: {nameContains: "fraud-classifier"}, first: 1) { edges { node { versions(first: 1) { edges { node { id } } } } } } }`);
  const raw = d.datasets.edges.map((e) => e.node).find((n) => n.name.includes("raw")).versions.edges[0].node.id;
  const mv = d.models.edges[0].node.versions.edges[0].node.id;
  await page.goto(`${base}/lineage/${raw}?direction=DOWNSTREAM&depth=6&selected=${raw}`);
  await page.locator("aside.details").waitFor();
  await page.getByRole("button", { name: "Find a path from here…" }).click();
  // Select the model version by its node, then ask for the path.
  const p = await gql(`query($a: ID!, $b: ID!) { lineagePath(from: $a, to: $b) { nodes { id } } }`, { a: raw, b: mv });
  await page.locator(`.react-flow__node[data-id="${mv}"]`).click();
  await page.getByRole("button", { name: /Highlight the path from/ }).click();
  await page.getByTestId("path").waitFor();
  assert.equal(Number(await page.getByTestId("path").getAttribute("data-length")), p.lineagePath.nodes.length);
  assert.equal(await page.locator(".lnode.path").count(), p.lineagePath.nodes.length, "every node of the path is highlighted");
  assert.equal(new URL(page.url()).searchParams.get("path"), `${raw},${mv}`, "the path is in the URL");
  await page.screenshot({ path: `${artifacts}path.png` });
});

await step("open impact and export it as CSV", async () => {
  const d = await gql(`{ datasets(projectKey: "fraud", first: 20) { edges { node { id name } } } }`);
  const ds = d.datasets.edges.map((e) => e.node).find((n) => n.name.includes("raw"));
  const want = await gql(`query($id: ID!) { impact(id: $id) { totalAffected modelVersions { id } } }`, { id: ds.id });
  await page.goto(`${base}/lineage/${ds.id}`);
  await page.locator(".react-flow__node").first().waitFor();
  await page.goto(`${base}/impact/${ds.id}`);
  await page.getByTestId("impact-total").waitFor();
  assert.equal(Number(await page.getByTestId("impact-total").getAttribute("data-total")), want.impact.totalAffected);
  assert.ok(want.impact.totalAffected > 0, "the raw data has something downstream");
  await page.getByRole("heading", { name: "Owners to notify" }).waitFor();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
  const text = readFileSync(await download.path(), "utf8");
  const lines = text.split("\r\n");
  assert.equal(lines[0], "kind,name,id,project,distance,owner,stage,in_production");
  assert.equal(lines.length - 1, want.impact.totalAffected, "one CSV row per affected node");
  assert.ok(lines[1].startsWith("MODEL_VERSION,"), "model versions come first");
  await page.screenshot({ path: `${artifacts}impact.png`, fullPage: true });
});

await step("validate a dataset version, see the result live and the risk downstream", async () => {
  // A dataset version whose data the server can read, a run that reads it
  // and the model version that run trains.
  const dir = mkdtempSync(join(tmpdir(), "exphub-e2e-"));
  const file = join(dir, "payments.csv");
  const csvText = "id,amount,currency\n1,10.5,EUR\n2,-3,USD\n3,7,XXX\n";
  writeFileSync(file, csvText);
  const digest = createHash("sha256").update(csvText).digest("hex");
  const name = `payments-${Date.now()}`;
  const ds = (await gql(`mutation($n: String!) { registerDataset(input: {projectKey: "fraud", namespace: "file://e2e", name: $n}) { dataset { id } } }`, { n: name })).registerDataset.dataset.id;
  const dv = (await gql(`mutation($d: ID!, $u: String!, $g: String!) { registerDatasetVersion(input: {datasetId: $d, version: "v1", uri: $u, digest: $g, rowCount: 3}) { datasetVersion { id } } }`,
    { d: ds, u: `file://${file}`, g: digest })).registerDatasetVersion.datasetVersion.id;
  const expId = await testExperiment();
  const run = (await gql(`mutation($e: ID!, $n: String!) { startRun(input: {experimentId: $e, name: $n}) { run { id } } }`, { e: expId, n: `train-on-${name}` })).startRun.run.id;
  await gql(`mutation($r: ID!, $v: ID!) { addRunInputs(input: {runId: $r, datasetVersionIds: [$v]}) { run { id } } }`, { r: run, v: dv });
  const mv = (await gql(`mutation($r: ID!, $m: String!) { registerModelVersion(input: {projectKey: "fraud", modelName: $m, runId: $r, uri: "s3://models/e2e"}) { modelVersion { id } } }`,
    { r: run, m: `model-${name}` })).registerModelVersion.modelVersion.id;
  await gql(`mutation($d: ID!, $def: String!) { createValidationSuite(input: {datasetId: $d, name: "payments", definition: $def}) { validationSuite { id } } }`, {
    d: ds,
    def: "rules:\n  - {type: not_null, column: id}\n  - {type: value_between, column: amount, min: 0}\n  - {type: in_set, column: currency, values: [EUR, USD], severity: warn}\n",
  });
  await page.goto(`${base}/datasets/${ds}`);
  await page.getByRole("heading", { name: "Data quality" }).waitFor();
  assert.equal(await page.getByTestId("health").getAttribute("data-health"), "UNKNOWN", "not validated yet");
  await page.getByRole("button", { name: "Validate v1" }).click();
  // The page updates by itself when the run finishes.
  await page.locator("[data-testid=validation-runs] tr[data-status=FAILED]").waitFor();
  await page.getByText("Validation started").waitFor({ state: "detached" });
  const verdicts = await page.locator("[data-testid=validation-run] tr[data-verdict]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-verdict")));
  assert.deepEqual(verdicts, ["PASSED", "FAILED", "FAILED"]);
  await page.locator("[data-testid=validation-run] tr[data-verdict=FAILED] code.sample", { hasText: "-3" }).waitFor();
  await page.locator("[data-testid=health][data-health=FAILED]").waitFor();
  await page.screenshot({ path: `${artifacts}quality.png`, fullPage: true });
  // Downstream, the model version is at risk, and says why.
  await page.goto(`${base}/lineage/${dv}?direction=DOWNSTREAM&selected=${mv}`);
  await page.locator(`.react-flow__node[data-id="${mv}"] .lnode.h-at_risk`).waitFor();
  await page.locator(`.react-flow__node[data-id="${dv}"] .lnode.h-failed`).waitFor();
  await page.getByTestId("quality-issues").getByText(name).waitFor();
  await page.screenshot({ path: `${artifacts}lineage-health.png` });
  // A version registered now is validated on arrival by the suite, with
  // nobody pressing a button; turning that off is one click.
  const dv2 = (await gql(`mutation($d: ID!, $u: String!, $g: String!) { registerDatasetVersion(input: {datasetId: $d, version: "v2", uri: $u, digest: $g}) { datasetVersion { id } } }`,
    { d: ds, u: `file://${file}`, g: digest })).registerDatasetVersion.datasetVersion.id;
  await page.goto(`${base}/datasets/${ds}?version=${dv2}`);
  await page.locator("[data-testid=validation-runs] tr[data-status=FAILED] td[data-trigger=ARRIVAL]").waitFor();
  // A controlled box: it changes when the hub answered.
  await page.locator("[data-testid=on-arrival][data-on=true] input").click();
  await page.locator("[data-testid=on-arrival][data-on=false]").waitFor();
  const suites = await gql(`query($d: ID!) { node(id: $d) { ... on Dataset { validationSuites { edges { node { onArrival } } } } } }`, { d: ds });
  assert.equal(suites.node.validationSuites.edges[0].node.onArrival, false, "the suite no longer runs on arrival");
  // A suite written in the explorer: checked as it is typed, by the
  // server's parser, with the rule catalogue beside it.
  await page.getByRole("button", { name: "New suite" }).click();
  const editor = page.getByTestId("suite-editor");
  await editor.getByTestId("rule-catalogue").getByText("fails a row when the value is null").waitFor();
  await editor.getByLabel("suite name").fill("typed-here");
  await editor.getByLabel("suite definition").fill("rules:\n  - {type: value_between, column: amount, min: 5, max: 3}\n");
  await editor.locator("[data-testid=suite-check][data-state=invalid]", { hasText: "rules[0]" }).waitFor();
  assert.ok(await editor.getByRole("button", { name: "Create suite" }).isDisabled(), "an invalid suite cannot be saved");
  await editor.getByLabel("suite definition").fill("rules:\n  - {type: not_null, column: id}\n");
  await editor.getByRole("button", { name: "not_in_set" }).click(); // adds a rule to fill in
  await editor.locator("[data-testid=suite-check][data-state=invalid]").waitFor();
  await editor.getByLabel("suite definition").fill("rules:\n  - {type: not_null, column: id}\n  - {type: not_in_set, column: currency, values: [XXX]}\n");
  await editor.locator("[data-testid=suite-check][data-state=valid]", { hasText: "2 rules" }).waitFor();
  await page.screenshot({ path: `${artifacts}suite-editor.png`, fullPage: true });
  await editor.getByRole("button", { name: "Create suite" }).click();
  await page.locator("table.suites td", { hasText: "typed-here" }).waitFor();
  rmSync(dir, { recursive: true, force: true });
});

await step("lay out a 1,000-node lineage graph and pan and zoom it", async () => {
  const d = await gql(`{ datasets(projectKey: "perf-0", filter: {nameContains: "reference.table_0"}) { edges { node { name versions(first: 1) { edges { node { id } } } } } } }`);
  const hub = d.datasets.edges.map((e) => e.node).find((n) => n.name === "reference.table_0").versions.edges[0].node.id;
  // One unmeasured call of the same walk first, as make bench-lineage
  // does: Neo4j plans a statement on its first use (100–200 ms) and reads
  // the pages from disk once.
  await gql(`query($id: ID!) { lineage(id: $id, depth: 10, maxNodes: 1000) { nodes { id health } } }`, { id: hub });
  const fresh = await context.newPage();
  await fresh.goto(`${base}/lineage/${hub}?depth=10&maxNodes=1000`);
  const mark = (name) => fresh.evaluate((n) => performance.getEntriesByName(n)[0]?.startTime ?? null, name);
  await fresh.waitForFunction(() => performance.getEntriesByName("exphub:lineage-interactive").length > 0, null, { timeout: 90_000 });
  const interactive = await mark("exphub:lineage-interactive");
  // Interactive: a wheel zoom and a drag move the viewport at once; count
  // the frames the browser draws meanwhile. This happens while ELK is still
  // working in its worker.
  const viewport = fresh.locator(".react-flow__viewport");
  const before = await viewport.getAttribute("style");
  const box = await fresh.locator(".react-flow__pane").boundingBox();
  await fresh.evaluate(() => {
    window.__frames = [];
    const tick = (t) => { window.__frames.push(t); if (window.__frames.length < 10_000) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const t0 = Date.now();
  await fresh.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await fresh.mouse.wheel(0, -600);
  await fresh.mouse.down();
  for (let i = 0; i < 30; i++) await fresh.mouse.move(box.x + box.width / 2 + i * 10, box.y + box.height / 2 + i * 4);
  await fresh.mouse.up();
  const interactMs = Date.now() - t0;
  assert.notEqual(await viewport.getAttribute("style"), before, "panning and zooming moved the viewport");
  const frames = await fresh.evaluate(() => { const f = window.__frames; const gaps = f.slice(1).map((t, i) => t - f[i]).sort((a, b) => a - b); return { p95: gaps[Math.floor(gaps.length * 0.95)] ?? 0, max: gaps.at(-1) ?? 0 }; });
  await fresh.waitForFunction(() => performance.getEntriesByName("exphub:lineage-laid-out").length > 0, null, { timeout: 90_000 });
  const laidOut = await mark("exphub:lineage-laid-out");
  const arrived = await mark("exphub:lineage-data");
  const count = Number(await fresh.getByTestId("node-count").getAttribute("data-count"));
  assert.equal(count, 1000, "the walk is cut at 1,000 nodes");
  const layoutMs = Number((await fresh.getByTestId("node-count").textContent()).match(/in (\d+) ms/)[1]);
  const figures = { nodes: count, graphArrivedMs: Math.round(arrived), interactiveMs: Math.round(interactive), elkLaidOutMs: Math.round(laidOut), elkLayoutMs: layoutMs, zoomAndDragMs: interactMs, frameGapP95Ms: Math.round(frames.p95), frameGapMaxMs: Math.round(frames.max) };
  console.log(`     1,000 nodes: ${JSON.stringify(figures)}`);
  writeFileSync(`${artifacts}perf.json`, JSON.stringify(figures, null, 2));
  await fresh.screenshot({ path: `${artifacts}lineage-1000.png` });
  // A speed target is a benchmark's business: a loaded CI machine says
  // nothing about it. The figure is reported above and kept in perf.json;
  // E2E_PERF_TARGETS=1 (when measuring for bench/README.md) enforces it.
  if (process.env.E2E_PERF_TARGETS === "1") {
    assert.ok(interactive <= 1500, `on screen and interactive ${Math.round(interactive)} ms after navigation, over the 1.5 s target`);
  }
  await fresh.close();
});

await step("open a pipeline job reported by OpenLineage, and a column's lineage", async () => {
  // Unmapped OpenLineage namespaces land in the dev server's default
  // project; the demo admin creates it when it is missing.
  const project = "pipelines";
  if (!(await gql(`query($k: String!) { project(key: $k) { key } }`, { k: project })).project) {
    await gql(`mutation($k: String!) { createProject(input: {key: $k, name: "pipelines"}) { project { key } } }`, { k: project });
  }
  const stamp = Date.now();
  const ns = "e2e-airflow", job = `orders.daily_agg-${stamp}`, db = "postgres://e2e-db:5432";
  const orders = `shop.orders-${stamp}`, agg = `shop.agg-${stamp}`;
  const runId = randomUUID();
  const facet = (f) => ({ _producer: "https://example.invalid/e2e", _schemaURL: "https://openlineage.io/spec/facets/1-0-0/Facet.json", ...f });
  const event = (type, at, extra = {}) => ({
    eventType: type, eventTime: new Date(at).toISOString(), producer: "https://example.invalid/e2e",
    schemaURL: "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    run: { runId, facets: {} },
    job: { namespace: ns, name: job, facets: {
      documentation: facet({ description: "Sums the day's orders per customer." }),
      sourceCodeLocation: facet({ type: "git", url: "https://git.example/etl", version: "c0ffee" }),
    } },
    inputs: [], outputs: [], ...extra,
  });
  const post = async (body) => {
    const res = await fetch(`${base}/api/v1/lineage`, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    assert.ok(res.ok, `POST /api/v1/lineage: HTTP ${res.status} ${await res.text()}`);
  };
  const now = Date.now();
  await post(event("START", now - 60_000));
  await post(event("COMPLETE", now, {
    inputs: [{ namespace: db, name: orders, facets: { version: facet({ datasetVersion: "v1" }), schema: facet({ fields: [{ name: "id", type: "BIGINT" }, { name: "amount", type: "DOUBLE" }] }) },
      inputFacets: { dataQualityAssertions: facet({ assertions: [{ assertion: "not_null", success: true, column: "id" }] }) } }],
    outputs: [{ namespace: db, name: agg, facets: {
      schema: facet({ fields: [{ name: "id", type: "BIGINT" }, { name: "total", type: "DOUBLE" }] }),
      columnLineage: facet({ fields: { total: { inputFields: [{ namespace: db, name: orders, field: "amount", transformations: [{ type: "DIRECT", subtype: "AGGREGATION", description: "sum", masking: false }] }] } } }),
    } }],
  }));
  // The hub acknowledges an event once it is recorded and applies it a
  // moment later: wait until the COMPLETE event's output is on the job.
  const d = await eventually(async () => {
    const got = await gql(`query($k: String!, $ns: String!, $n: String!) { job(projectKey: $k, namespace: $ns, name: $n) { id outputs { id } } }`, { k: project, ns, n: job });
    return got.job?.outputs.length ? got : null;
  }, "the job and its output are in the hub");
  await page.goto(`${base}/jobs/${d.job.id}`);
  await page.getByRole("heading", { name: job }).waitFor();
  await page.getByTestId("description").getByText("Sums the day's orders").waitFor();
  await page.getByTestId("source-code").getByText("https://git.example/etl").waitFor();
  await page.locator("[data-testid=job-runs] tr[data-status=FINISHED]").waitFor();
  assert.equal(await page.locator("[data-testid=run-timeline] .span").count(), 1, "one bar per run on the timeline");
  await page.locator("[data-testid=facets] details[data-facet=documentation]").waitFor();
  assert.ok((await page.getByRole("link", { name: agg }).count()) >= 1, "the job's output is linked");
  await page.screenshot({ path: `${artifacts}job.png`, fullPage: true });
  // The output version: no digest, and its column's lineage upstream.
  await page.getByRole("link", { name: agg }).first().click();
  const details = page.getByTestId("version-details");
  await details.waitFor();
  await details.locator("[data-testid=integrity][data-integrity=NONE]").getByText("no digest — reported by OpenLineage").waitFor();
  await page.getByTestId("dataset-jobs").getByRole("link", { name: job }).waitFor();
  await details.getByLabel("column").selectOption("total");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("column") === "total");
  await page.locator("[data-testid=upstream-columns] li[data-column=amount]").getByText("aggregation").waitFor();
  await page.screenshot({ path: `${artifacts}column-lineage.png`, fullPage: true });
  // The input carries the producer's quality assertions and no suite: its
  // page says it was validated from outside, not that it never was; the
  // output, with neither, says it never was.
  const input = (await gql(`query($k: String!, $ns: String!, $n: String!, $v: String!) { datasetVersionByName(projectKey: $k, namespace: $ns, name: $n, version: $v) { dataset { id } } }`,
    { k: project, ns: db, n: orders, v: "v1" })).datasetVersionByName.dataset.id;
  await page.getByTestId("quality-summary").and(page.locator("[data-kind=never]")).waitFor();
  await page.goto(`${base}/datasets/${input}`);
  await page.locator("[data-testid=quality-summary][data-kind=recorded][data-recorded='1']").waitFor();
  await page.locator("table.versions .vstatus.passed").waitFor();
});

await step("read the audit log", async () => {
  await page.goto(`${base}/audit?project=fraud`);
  await page.locator("table.audit tbody tr").first().waitFor();
  const want = await gql(`{ auditEvents(filter: {projectKeys: ["fraud"]}, first: 1) { totalCount edges { node { seq hash } } } }`);
  assert.equal(await page.locator("table.audit tbody tr td").first().textContent(), String(want.auditEvents.edges[0].node.seq), "oldest first");
  await page.getByLabel("kind").selectOption("RUN_STARTED");
  await page.waitForFunction(() => [...document.querySelectorAll("table.audit tbody tr td:nth-child(5)")].every((td) => td.textContent.startsWith("Run started")));
  assert.equal(new URL(page.url()).searchParams.get("kind"), "RUN_STARTED");
  await page.screenshot({ path: `${artifacts}audit.png`, fullPage: true });
});

await step("see live events, and resume without a gap after the connection drops", async () => {
  // Route the page's websockets through the test, so it can cut them.
  const live = await context.newPage();
  const sockets = [];
  await live.routeWebSocket(/\/graphql$/, (ws) => {
    const server = ws.connectToServer();
    sockets.push({ ws, server });
  });
  await live.goto(`${base}/activity`);
  await live.getByRole("heading", { name: "Activity" }).waitFor();
  await live.locator("[data-testid=connection][data-status=live]").waitFor();
  await live.locator(".feed li").first().waitFor(); // the recent history is there
  const expId = await testExperiment();
  const name = `e2e-${Date.now()}`;
  const started = await gql(`mutation($e: ID!, $n: String!) { startRun(input: {experimentId: $e, name: $n}) { run { id } } }`, { e: expId, n: name });
  await live.locator(".feed li[data-kind=RUN_STARTED]", { hasText: name }).waitFor();
  await live.screenshot({ path: `${artifacts}activity.png` });
  // Cut the connection, finish the run while it is down: the feed
  // reconnects, resumes after its last event, and shows the change once.
  for (const { ws, server } of sockets) {
    await server.close();
    await ws.close({ code: 1011, reason: "test cut" });
  }
  await live.locator("[data-testid=connection][data-status=reconnecting]").waitFor();
  await gql(`mutation($r: ID!) { finishRun(input: {runId: $r}) { run { status } } }`, { r: started.startRun.run.id });
  await live.locator(".feed li[data-kind=RUN_STATUS_CHANGED]", { hasText: name }).getByText("FINISHED").waitFor();
  await live.locator("[data-testid=connection][data-status=live]").waitFor();
  assert.ok(sockets.length >= 2, "a new connection was opened");
  assert.equal(await live.locator(".feed li[data-kind=RUN_STARTED]", { hasText: name }).count(), 1, "nothing was delivered twice");
  assert.equal(await live.locator(".feed li[data-kind=RUN_STATUS_CHANGED]", { hasText: name }).count(), 1);
  await live.close();
});

// Governance: besides the demo admin, two people whose tokens run.sh mints
// with the server's secret, both with a role in the governance project
// only: one who asks for promotions (a contributor) and one who approves
// them. Separation of duties keeps a requester from approving their own
// request, so it takes two.
const governance = process.env.EXPHUB_GOVERNANCE_PROJECT ?? "e2e-governance";
const requesterToken = process.env.EXPHUB_TOKEN_REQUESTER;
const approverToken = process.env.EXPHUB_TOKEN_APPROVER;
const gov = {};

// badgeShows waits until the nav's count of requests to decide is n (the
// badge is absent at 0).
function badgeShows(p, n) {
  return p.waitForFunction((want) => Number(document.querySelector("[data-testid=approvals-badge]")?.getAttribute("data-count") ?? 0) === want, n);
}

await step("approve a promotion request that arrives live, and download its evidence", async () => {
  assert.ok(requesterToken && approverToken, "EXPHUB_TOKEN_REQUESTER and EXPHUB_TOKEN_APPROVER must be set (e2e/run.sh sets them)");
  // The project and its policy, as the demo admin: one approval, and every
  // dataset version upstream of the model must have passed its validation.
  if (!(await gql(`query($k: String!) { project(key: $k) { key } }`, { k: governance })).project) {
    await gql(`mutation($k: String!) { createProject(input: {key: $k, name: "e2e governance"}) { project { key } } }`, { k: governance });
  }
  await gql(`mutation($k: String!) { setPolicy(input: {projectKey: $k, requiredApprovals: 1, requireUpstreamValidationsPassed: true, separationOfDuties: true,
    requiredGroups: [{group: "risk", approvals: 1}], approvalsValidFor: 86400}) { policy { version } } }`, { k: governance });
  // As the requester: a model version trained on a dataset version whose
  // validation (recorded from CI) passed.
  const asRequester = (q, v) => gql(q, v, requesterToken);
  const name = `gov-${Date.now()}`;
  const exp = (await asRequester(`mutation($k: String!, $n: String!) { createExperiment(input: {projectKey: $k, name: $n}) { experiment { id } } }`, { k: governance, n: name })).createExperiment.experiment.id;
  gov.dataset = (await asRequester(`mutation($k: String!, $n: String!) { registerDataset(input: {projectKey: $k, namespace: "s3://e2e", name: $n}) { dataset { id } } }`, { k: governance, n: `training-${name}` })).registerDataset.dataset.id;
  gov.datasetVersion = (await asRequester(`mutation($d: ID!, $g: String!) { registerDatasetVersion(input: {datasetId: $d, version: "v1", uri: "s3://e2e/training.csv", digest: $g, rowCount: 3}) { datasetVersion { id } } }`,
    { d: gov.dataset, g: createHash("sha256").update(name).digest("hex") })).registerDatasetVersion.datasetVersion.id;
  const passed = { engine: "exphub", suite: "ci", row_count: 3, status: "PASSED", statistics: { evaluated: 1, passed: 1, failed: 0, errored: 0, success_percent: 100 },
    rules: [{ index: 0, type: "not_null", column: "id", severity: "error", verdict: "PASSED", observed: null, element_count: 3, missing_count: 0, unexpected_count: 0, unexpected_percent: 0 }] };
  await asRequester(`mutation($v: ID!, $r: String!) { recordValidationResult(input: {datasetVersionId: $v, suiteName: "ci", result: $r}) { validationRun { id } } }`, { v: gov.datasetVersion, r: JSON.stringify(passed) });
  gov.run = (await asRequester(`mutation($e: ID!) { startRun(input: {experimentId: $e, name: "train"}) { run { id } } }`, { e: exp })).startRun.run.id;
  await asRequester(`mutation($r: ID!, $v: ID!) { addRunInputs(input: {runId: $r, datasetVersionIds: [$v]}) { run { id } } }`, { r: gov.run, v: gov.datasetVersion });
  await asRequester(`mutation($r: ID!) { logMetrics(input: {runId: $r, points: [{key: "auc", value: 0.91}]}) { accepted } }`, { r: gov.run });
  await asRequester(`mutation($r: ID!) { finishRun(input: {runId: $r}) { run { id } } }`, { r: gov.run });
  const registered = [];
  for (let i = 0; i < 2; i++) {
    registered.push((await asRequester(`mutation($k: String!, $r: ID!, $m: String!) { registerModelVersion(input: {projectKey: $k, modelName: $m, runId: $r, uri: "s3://models/e2e"}) { modelVersion { id model { id } } } }`,
      { k: governance, r: gov.run, m: `model-${name}` })).registerModelVersion.modelVersion);
  }
  [gov.version, gov.second] = registered.map((v) => v.id);
  gov.model = registered[0].model.id;
  // And a version with no recorded lineage, whose request is blocked: its
  // upstream check fails. It is withdrawn at the end.
  const untraced = (await asRequester(`mutation($k: String!, $m: String!) { registerModelVersion(input: {projectKey: $k, modelName: $m, uri: "s3://models/untraced"}) { modelVersion { id } } }`,
    { k: governance, m: `untraced-${name}` })).registerModelVersion.modelVersion.id;
  const blocked = (await asRequester(`mutation($m: ID!) { requestPromotion(input: {modelVersionId: $m, targetStage: STAGING, justification: "Quick fix; e2e"}) { promotionRequest { id status } } }`,
    { m: untraced })).requestPromotion.promotionRequest;
  assert.equal(blocked.status, "BLOCKED");

  // The approver signs in (a browser of their own) and opens the inbox
  // before the request exists.
  const approverContext = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  const inbox = await approverContext.newPage();
  inbox.setDefaultTimeout(60_000);
  try {
    await inbox.goto(`${base}/?token=${approverToken}`);
    await inbox.getByText("Signed in as").waitFor();
    await inbox.getByRole("link", { name: /^Approvals/ }).click();
    await inbox.getByRole("heading", { name: "Approvals" }).waitFor();
    await inbox.getByRole("button", { name: "To decide" }).and(inbox.locator("[aria-pressed=true]")).waitFor();
    await inbox.getByTestId("request-count").waitFor(); // the list has been read
    await inbox.locator("[data-testid=connection][data-status=live]").waitFor();
    const decidable = async () => (await gql(`{ promotionRequests(filter: {decidableByViewer: true}, first: 0) { totalCount } }`, {}, approverToken)).promotionRequests.totalCount;
    const before = await decidable();
    await badgeShows(inbox, before);

    // The requester asks for production: the checks pass, it waits for an
    // approval. The approver's inbox and nav badge show it without a reload.
    const made = (await asRequester(`mutation($m: ID!) { requestPromotion(input: {modelVersionId: $m, targetStage: PRODUCTION, justification: "AUC up 2 points on the holdout; e2e"}) { promotionRequest { id status viewerCanDecide } } }`,
      { m: gov.version })).requestPromotion.promotionRequest;
    assert.equal(made.status, "PENDING");
    assert.equal(made.viewerCanDecide, false, "the requester may not decide their own request");
    const row = inbox.locator(`table.requests tr[data-request="${made.id}"]`);
    await row.waitFor();
    // Open requests come first, a blocked one naming its failing check.
    assert.match(await inbox.locator(`table.requests tr[data-request="${blocked.id}"][data-status=BLOCKED]`).textContent(), /Upstream validations/);
    const order = await inbox.locator("table.requests tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-request")));
    assert.ok(order.indexOf(blocked.id) < order.indexOf(made.id), "the blocked request is listed before the pending one");
    assert.equal(await row.getAttribute("data-status"), "PENDING");
    assert.match(await row.textContent(), /e2e-requester/);
    await badgeShows(inbox, before + 1);

    // Open it: the request is in the URL, its check and the evidence it
    // rests on (the dataset version, linked) are shown.
    await row.getByRole("link").click();
    const detail = inbox.locator(`[data-testid=request][data-request="${made.id}"]`);
    await detail.waitFor();
    assert.equal(new URL(inbox.url()).searchParams.get("request"), made.id, "the open request is in the URL");
    // The policy asks for an approval from group risk, valid for a day;
    // the request says what it still lacks.
    await detail.getByTestId("group-needs").getByText("1 from group risk; an approval counts for 1 day").waitFor();
    await detail.getByTestId("approvals-outstanding").getByText(/group risk/).waitFor();
    const check = detail.locator("tr[data-check=UPSTREAM_VALIDATIONS][data-verdict=PASSED]");
    await check.locator(`a[href="/datasets/${gov.dataset}?version=${gov.datasetVersion}"]`).waitFor();
    assert.equal(await detail.getByRole("button", { name: "Reject" }).isDisabled(), true, "a rejection needs a comment");
    await detail.getByLabel("comment").fill("Validated upstream data; approved for production.");
    assert.equal(await detail.getByRole("button", { name: "Reject" }).isDisabled(), false);
    await detail.getByRole("button", { name: "Approve" }).click();

    // Approved and carried out: the request closes, leaves "To decide" and
    // the badge, and the version is in production.
    await inbox.locator(`[data-testid=request][data-request="${made.id}"][data-status=APPROVED]`).waitFor();
    const decision = detail.locator("li[data-actor=e2e-approver][data-decision=APPROVED]", { hasText: "approved for production" });
    await decision.waitFor();
    // The approver's token carries group risk: the approval fills its slot.
    await decision.locator("[data-testid=standing][data-counted=true]", { hasText: "counts, for group risk" }).waitFor();
    assert.match(await decision.getByTestId("approver-groups").textContent(), /risk/);
    assert.equal(await detail.getByTestId("approvals-outstanding").count(), 0, "nothing outstanding once approved");
    assert.equal(await detail.getByRole("button", { name: "Approve" }).count(), 0, "no decision once it is closed");
    await row.waitFor({ state: "detached" });
    await badgeShows(inbox, before);
    await inbox.getByRole("button", { name: "All" }).click();
    await row.and(inbox.locator("[data-status=APPROVED]")).waitFor();
    assert.equal(new URL(inbox.url()).searchParams.get("tab"), "all");
    await inbox.screenshot({ path: `${artifacts}approvals.png` });
    await asRequester(`mutation($r: ID!) { cancelPromotion(input: {promotionRequestId: $r}) { promotionRequest { status } } }`, { r: blocked.id });
    await inbox.locator(`table.requests tr[data-request="${blocked.id}"][data-status=CANCELLED]`).waitFor();
    await badgeShows(inbox, before - 1); // withdrawn by the requester: nothing to decide

    // The evidence pack, saved by the browser, is the hub's document and
    // checks out offline.
    const [download] = await Promise.all([inbox.waitForEvent("download"), detail.getByRole("button", { name: "Download evidence pack" }).click()]);
    assert.equal(download.suggestedFilename(), `evidence-${made.id}.json`);
    const file = await download.path();
    const pack = JSON.parse(readFileSync(file, "utf8"));
    assert.equal(pack.format, "exphub.evidence/v3");
    assert.equal(pack.promotionRequest.id, made.id);
    assert.equal(pack.promotionRequest.status, "APPROVED");
    assert.deepEqual(pack.promotionRequest.approvals.map((a) => [a.actor, a.decision]), [["e2e-approver", "APPROVED"]]);
    if (process.env.HUBCTL) assert.match(execFileSync(process.env.HUBCTL, ["evidence", "verify", file], { encoding: "utf8" }), /^pack consistent/);

    // The model page shows the version in production, and the request.
    await detail.getByRole("link", { name: `model-${name}` }).click();
    await inbox.locator(`table.versions tr[data-version="${gov.version}"][data-stage=PRODUCTION]`).waitFor();
    // In production, the version has MLflow's alias "production", which only a promotion moves.
    await inbox.locator(`table.versions tr[data-version="${gov.version}"] [data-alias=production][data-governed=true]`).getByText("production — governed").waitFor();
    await inbox.locator(`table.versions tr[data-version="${gov.version}"]`).click();
    await inbox.locator(`[data-testid=version-requests] li[data-request="${made.id}"][data-status=APPROVED]`).waitFor();
  } finally {
    await approverContext.close();
  }
});

await step("ask for a promotion on the model page, be refused a second one, and cancel it", async () => {
  assert.ok(gov.second, "the governance step registered the model");
  await page.goto(`${base}/models/${gov.model}?version=${gov.second}`);
  const form = page.getByTestId("request-promotion");
  await form.waitFor();
  await form.getByLabel("target stage").selectOption("PRODUCTION");
  await form.getByLabel("justification").fill("Retrained on the same data; e2e.");
  await form.getByRole("button", { name: "Request promotion" }).click();
  const made = form.getByTestId("requested");
  await made.waitFor();
  assert.equal(await made.getAttribute("data-status"), "PENDING");
  await made.locator("tr[data-check=UPSTREAM_VALIDATIONS][data-verdict=PASSED]").waitFor();
  // The version has an open request: a second is refused, with the hub's reason.
  await form.getByLabel("justification").fill("Again.");
  await form.getByRole("button", { name: "Request promotion" }).click();
  await form.getByRole("alert").getByText(/already has an open promotion request/).waitFor();
  // The page follows promotions live: the request is listed on its own.
  await page.locator(`[data-testid=version-requests] li[data-status=PENDING]`).waitFor();
  await page.screenshot({ path: `${artifacts}model-governance.png`, fullPage: true });
  // The requester may withdraw it; deciding it is for someone else.
  await page.locator("[data-testid=version-requests] li[data-status=PENDING]").getByRole("link", { name: "details" }).click();
  const detail = page.getByTestId("request");
  await detail.and(page.locator("[data-status=PENDING]")).waitFor();
  assert.equal(await detail.getByRole("button", { name: "Approve" }).count(), 0, "separation of duties: no approving one's own request");
  await detail.getByRole("button", { name: "Cancel the request" }).click();
  await detail.and(page.locator("[data-status=CANCELLED]")).waitFor();
});

await step("the approvals count says which projects it covers", async () => {
  // A request the demo admin may decide outside the project the inbox
  // shows: the requester asks to stage the governance model's second
  // version (its checks pass, so it waits for an approval).
  const asRequester = (q, v) => gql(q, v, requesterToken);
  const waiting = (await asRequester(`mutation($m: ID!) { requestPromotion(input: {modelVersionId: $m, targetStage: STAGING, justification: "Staging for the count check; e2e"}) { promotionRequest { id status } } }`,
    { m: gov.second })).requestPromotion.promotionRequest;
  assert.equal(waiting.status, "PENDING");
  try {
    const decidable = async (k) => (await gql(`query($k: String) { promotionRequests(projectKey: $k, filter: {decidableByViewer: true}, first: 0) { totalCount } }`, { k })).promotionRequests.totalCount;
    const all = await decidable(null);
    const here = await decidable("fraud");
    assert.ok(all > here, `a request waits outside fraud (${all} in all, ${here} in fraud)`);
    await page.goto(`${base}/approvals?project=fraud`);
    // The inbox lists fraud's; the nav counts every project and says so;
    // the inbox says how many wait elsewhere, and where.
    await page.locator(`[data-testid=request-count][data-count="${here}"]`).waitFor();
    await badgeShows(page, all);
    assert.equal(await page.getByTestId("approvals-badge").getAttribute("aria-label"), `${all} to decide in all your projects`);
    const elsewhere = page.locator(`[data-testid=decide-elsewhere][data-count="${all - here}"]`);
    await elsewhere.waitFor();
    await elsewhere.getByRole("link", { name: governance }).click();
    await page.locator(`table.requests tr[data-request="${waiting.id}"]`).waitFor();
    assert.equal(new URL(page.url()).searchParams.get("project"), governance);
  } finally {
    await asRequester(`mutation($r: ID!) { cancelPromotion(input: {promotionRequestId: $r}) { promotionRequest { status } } }`, { r: waiting.id });
  }
});

await step("read a project's governance report, and of an empty period", async () => {
  assert.ok(gov.version, "the governance step promoted a version");
  const want = (await gql(`query($k: String!) { governanceReport(projectKey: $k) { figures { runs promotionRequests approved } inProduction { id } } }`,
    { k: governance })).governanceReport;
  assert.ok(want.figures.promotionRequests >= 2 && want.figures.approved >= 1, `the governance project's requests: ${JSON.stringify(want.figures)}`);
  await page.goto(`${base}/report?project=${governance}`);
  const report = page.locator(`[data-testid=report][data-project="${governance}"]`);
  await report.waitFor();
  // The page shows the figures the hub computed, and the version the
  // governance step put in production.
  for (const [figure, value] of [["runs", want.figures.runs], ["promotionRequests", want.figures.promotionRequests]]) {
    assert.equal(Number(await report.locator(`[data-figure=${figure}]`).getAttribute("data-value")), value, figure);
  }
  await report.locator(`[data-testid=in-production] li[data-version="${gov.version}"]`).waitFor();
  await page.screenshot({ path: `${artifacts}report.png`, fullPage: true });
  await page.getByLabel("until").fill("2000-01-01");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("until") === "2000-01-01");
  await report.locator("[data-figure=runs][data-value='0']").waitFor();
  await report.locator("[data-figure=promotionRequests][data-value='0']").waitFor();
});

await step("see a run's reproducibility and download its reproduce spec", async () => {
  assert.ok(gov.run, "the governance step started a run");
  await page.goto(`${base}/runs/${gov.run}`);
  const box = page.getByTestId("reproducibility");
  await box.waitFor();
  assert.equal(await box.getAttribute("data-complete"), "false");
  const want = await gql(`query($id: ID!) { node(id: $id) { ... on Run { experiment { id } reproducibility { missing } } } }`, { id: gov.run });
  assert.deepEqual(await box.locator("ul.missing li").allTextContents(), want.node.reproducibility.missing);
  await box.getByText("Never reproduced.").waitFor();
  // A rerun, compared with it: the box shows the outcome and links the rerun.
  const asRequester = (q, v) => gql(q, v, requesterToken);
  const rerun = (await asRequester(`mutation($e: ID!) { startRun(input: {experimentId: $e, name: "rerun"}) { run { id } } }`, { e: want.node.experiment.id })).startRun.run.id;
  await asRequester(`mutation($r: ID!) { logMetrics(input: {runId: $r, points: [{key: "auc", value: 0.91}]}) { accepted } }`, { r: rerun });
  await asRequester(`mutation($r: ID!) { finishRun(input: {runId: $r}) { run { id } } }`, { r: rerun });
  const rep = (await asRequester(`mutation($o: ID!, $r: ID!) { recordReproduction(input: {originalRunId: $o, reproductionRunId: $r}) { reproduction { status } } }`, { o: gov.run, r: rerun })).recordReproduction.reproduction;
  await page.reload();
  assert.equal(rep.status, "REPRODUCED", "the same AUC");
  await box.getByTestId("reproduction").and(page.locator("[data-status=REPRODUCED]")).locator(`a[href="/runs/${rerun}"]`).waitFor();
  const [download] = await Promise.all([page.waitForEvent("download"), box.getByRole("button", { name: "Reproduce spec" }).click()]);
  assert.equal(download.suggestedFilename(), `reproduce-${gov.run}.json`);
  const spec = JSON.parse(readFileSync(await download.path(), "utf8"));
  assert.equal(spec.format, "exphub.reproduce/v1");
  assert.deepEqual(spec.inputs.map((i) => i.datasetVersionId), [gov.datasetVersion]);
});

await step("list a run's artifacts, preview a text file and an image, and download one", async () => {
  // The files are logged as the mlflow client logs them: a run created
  // through the MLflow API, its files PUT through the artifact proxy.
  const mlflow = async (method, path, body) => {
    const res = await fetch(`${base}/api/2.0/mlflow/${path}`, {
      method, headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` }, body: body && JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const name = "fraud/e2e-artifacts";
  let exp = await mlflow("GET", `experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`);
  if (exp.status === 404) exp = await mlflow("POST", "experiments/create", { name });
  const expId = exp.body.experiment_id ?? exp.body.experiment.experiment_id;
  const created = await mlflow("POST", "runs/create", { experiment_id: expId, run_name: `artifacts-${randomUUID().slice(0, 8)}` });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  const info = created.body.run.info;
  const root = info.artifact_uri.replace(/^mlflow-artifacts:\//, "");
  // A real PNG: a corner of the page as it is now.
  const png = await page.screenshot({ clip: { x: 0, y: 0, width: 48, height: 32 } });
  const notes = "converged after 40 epochs\nauc 0.91\n";
  const files = { "notes/summary.txt": notes, "notes/params.json": '{"lr": 0.01}', "plots/roc curve.png": png, "report.html": "<script>alert(1)</script>" };
  for (const [path, body] of Object.entries(files)) {
    const res = await fetch(`${base}/api/2.0/mlflow-artifacts/artifacts/${root}/${path.split("/").map(encodeURIComponent).join("/")}`, {
      method: "PUT", headers: { Authorization: `Bearer ${token}` }, body,
    });
    assert.equal(res.status, 200, `PUT ${path}: ${res.status} ${await res.text()}`);
  }
  const r = info.run_id;
  const runId = `run_${r.slice(0, 8)}-${r.slice(8, 12)}-${r.slice(12, 16)}-${r.slice(16, 20)}-${r.slice(20)}`;

  await page.goto(`${base}/runs/${runId}`);
  const box = page.getByTestId("artifacts");
  const row = (path) => box.locator(`tr[data-artifact="${path}"]`);
  await row("notes").and(page.locator("[data-dir=true]")).waitFor();
  await row("plots").waitFor();
  await row("report.html").waitFor();
  const sha = createHash("sha256").update("<script>alert(1)</script>").digest("hex");
  assert.equal(await row("report.html").locator("code").textContent(), sha.slice(0, 12), "the digest's prefix");
  // Into a directory, and a text file's preview.
  await row("notes").getByRole("button", { name: "notes/", exact: true }).click();
  await page.locator("[data-testid=artifacts][data-dir=notes]").waitFor();
  await row("notes/summary.txt").getByRole("button", { name: "summary.txt", exact: true }).click();
  const text = box.getByTestId("artifact-text");
  await text.waitFor();
  assert.equal(await text.textContent(), notes);
  await page.screenshot({ path: `${artifacts}run-artifacts-text.png`, fullPage: true });
  // Back up through the crumbs and into plots: the image's preview.
  await box.getByTestId("artifact-crumbs").getByRole("button", { name: "artifacts", exact: true }).click();
  await row("plots").getByRole("button", { name: "plots/", exact: true }).click();
  await row("plots/roc curve.png").getByRole("button", { name: "roc curve.png", exact: true }).click();
  const img = box.getByTestId("artifact-image");
  await img.waitFor();
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
  assert.equal(await img.evaluate((el) => [el.naturalWidth, el.src.startsWith("blob:")].join()), `${48},true`);
  await page.screenshot({ path: `${artifacts}run-artifacts-image.png`, fullPage: true });
  // The picked file is in the URL: a reload shows it again.
  assert.equal(new URL(page.url()).searchParams.get("artifact"), "plots/roc curve.png");
  // HTML is never rendered, only downloaded, with the token.
  await box.getByTestId("artifact-crumbs").getByRole("button", { name: "artifacts", exact: true }).click();
  await row("report.html").getByRole("button", { name: "report.html", exact: true }).click();
  await box.locator("[data-testid=artifact-preview][data-kind=none]").waitFor();
  const [download] = await Promise.all([page.waitForEvent("download"), row("report.html").getByRole("button", { name: "download report.html", exact: true }).click()]);
  assert.equal(download.suggestedFilename(), "report.html");
  assert.equal(readFileSync(await download.path(), "utf8"), "<script>alert(1)</script>");
});

await step("manage a project's webhooks: create one, get a signed delivery, delete it", async () => {
  // A project of the step's own (kept between runs, like the others), so
  // that its receiver gets only the step's events.
  const project = "e2e-webhooks";
  if (!(await gql(`query($k: String!) { project(key: $k) { key } }`, { k: project })).project) {
    await gql(`mutation($k: String!) { createProject(input: {key: $k, name: "e2e webhooks"}) { project { key } } }`, { k: project });
  }
  // The receiver: answers 204 and keeps what it got. The dev server admits
  // any receiver URL.
  const received = [];
  const receiver = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      received.push({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${receiver.address().port}/hooks/${randomUUID().slice(0, 8)}`;
  let made = null;
  try {
    await page.goto(`${base}/experiments?project=${project}`);
    const panel = page.getByTestId("webhooks");
    await page.locator("[data-testid=webhooks][data-count]").waitFor(); // the list has been read
    const form = panel.getByTestId("new-webhook");
    await form.getByLabel("receiver url").fill(url);
    await form.getByLabel("receiver description").fill("e2e receiver");
    await form.locator("input[name=topic][value=DATASET_VERSION_REGISTERED]").check();
    await form.getByRole("button", { name: "Create receiver" }).click();
    // The secret, shown this once.
    const once = panel.getByTestId("webhook-secret-once");
    await once.waitFor();
    made = await once.getAttribute("data-webhook");
    const secret = await once.getByTestId("webhook-secret").textContent();
    assert.match(secret, /^whsec_/);
    await once.getByText("only this once").waitFor();
    const row = panel.locator(`tr[data-webhook="${made}"]`);
    await row.and(page.locator("[data-state=ACTIVE]")).waitFor();
    assert.equal(await row.getAttribute("data-url"), url);
    assert.equal(await row.getByRole("button", { name: "Redeliver", exact: true }).isDisabled(), true, "nothing to redeliver while it is active");
    await page.screenshot({ path: `${artifacts}webhooks.png`, fullPage: true });

    // A dataset version registered in the project: the receiver gets it,
    // signed with the secret the panel showed.
    const name = `hooked-${Date.now()}`;
    const ds = (await gql(`mutation($k: String!, $n: String!) { registerDataset(input: {projectKey: $k, namespace: "s3://e2e", name: $n}) { dataset { id } } }`, { k: project, n: name })).registerDataset.dataset.id;
    const dv = (await gql(`mutation($d: ID!, $g: String!) { registerDatasetVersion(input: {datasetId: $d, version: "v1", uri: "s3://e2e/hooked.csv", digest: $g}) { datasetVersion { id } } }`,
      { d: ds, g: createHash("sha256").update(name).digest("hex") })).registerDatasetVersion.datasetVersion.id;
    const parse = (body) => { try { return JSON.parse(body); } catch { return null; } };
    const got = await eventually(() => received.find((r) => r.method === "POST" && parse(r.body)?.data?.kind === "DATASET_VERSION_REGISTERED"),
      "the receiver got the dataset version's event");
    for (const h of ["webhook-id", "webhook-timestamp", "webhook-signature"]) assert.ok(got.headers[h], `header ${h}`);
    const message = parse(got.body);
    assert.equal(message.data.projectKey, project);
    assert.equal(message.data.targetId, dv);
    const want = "v1," + createHmac("sha256", Buffer.from(secret.slice("whsec_".length), "base64"))
      .update(`${got.headers["webhook-id"]}.${got.headers["webhook-timestamp"]}.${got.body}`).digest("base64");
    assert.ok(got.headers["webhook-signature"].split(" ").includes(want), "signed with the secret shown");
    // The hub counts the acknowledgement once the receiver answered: the
    // page, reloaded, shows it.
    await eventually(async () => {
      await page.reload();
      await row.waitFor();
      return Number(await row.getAttribute("data-delivered")) >= 1;
    }, "the panel shows the delivery");
    assert.equal(await row.getAttribute("data-state"), "ACTIVE");
    await row.locator("[data-field=last-status]").getByText("204").waitFor();
    assert.equal(await panel.getByTestId("webhook-secret").count(), 0, "the secret is not shown again");

    // Deleting asks first; then the receiver is gone, from the page and the hub.
    await row.getByRole("button", { name: "Delete", exact: true }).click();
    await row.getByRole("button", { name: "Yes, delete it" }).click();
    await row.waitFor({ state: "detached" });
    const left = await gql(`query($k: String!) { webhooks(projectKey: $k) { id } }`, { k: project });
    assert.ok(!left.webhooks.some((w) => w.id === made), "the hub no longer has the receiver");
    made = null;
  } finally {
    // A receiver the step could not delete would be tried, in vain, for hours.
    if (made) await gql(`mutation($id: ID!) { deleteWebhook(id: $id) { webhook { id } } }`, { id: made }).catch(() => {});
    receiver.close();
    receiver.closeAllConnections();
  }
});

await step("a project's webhooks are not shown to who is not its admin", async () => {
  // The requester is a contributor of the governance project: its page
  // shows no webhooks panel, and no error for the lack of one.
  assert.ok(requesterToken, "EXPHUB_TOKEN_REQUESTER must be set (e2e/run.sh sets it)");
  const other = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const p = await other.newPage();
    p.setDefaultTimeout(60_000);
    await p.goto(`${base}/?token=${requesterToken}`);
    await p.getByText("Signed in as").waitFor();
    await p.goto(`${base}/experiments?project=${governance}`);
    await p.locator(".card h2", { hasText: governance }).getByText("contributor").waitFor();
    await p.waitForLoadState("networkidle"); // whatever the page asks for has been answered
    assert.equal(await p.getByTestId("webhooks").count(), 0, "no webhooks panel");
    assert.equal(await p.getByRole("alert").count(), 0, "no error");
  } finally {
    await other.close();
  }
});

await browser.close();
if (failures.length) {
  console.log(`${failures.length} failed: ${failures.join(", ")}`);
  process.exit(1);
}
