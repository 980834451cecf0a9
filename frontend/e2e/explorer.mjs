// End-to-end tests of the explorer: playwright-core drives Debian's
// Chromium against a real server with the demo data (e2e/run.sh starts
// it). Screenshots of each view go to e2e/artifacts/.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import assert from "node:assert/strict";

const base = process.env.EXPHUB_URL;
const token = process.env.EXPHUB_TOKEN;
if (!base || !token) throw new Error("EXPHUB_URL and EXPHUB_TOKEN must be set (e2e/run.sh sets them)");
const artifacts = new URL("./artifacts/", import.meta.url).pathname;
mkdirSync(artifacts, { recursive: true });

async function gql(query, variables = {}) {
  const res = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
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

const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const page = await context.newPage();
page.setDefaultTimeout(15_000);

await step("sign in with the banner link", async () => {
  await page.goto(`${base}/?token=${token}`);
  await page.getByRole("heading", { name: "Experiments" }).waitFor();
  await page.getByText("Signed in as").waitFor();
  assert.ok(!page.url().includes("token="), "the token stays out of the address bar");
  await page.locator(".card h2").first().waitFor();
  await page.screenshot({ path: `${artifacts}experiments.png`, fullPage: true });
});

let experimentUrl = "";
await step("open an experiment and sort its runs", async () => {
  // The test database holds many projects; go to the demo's training experiment.
  const d = await gql(`{ experiments(projectKey: "fraud", first: 20) { edges { node { id name runs(first: 1) { totalCount } } } } }`);
  const exp = d.experiments.edges.map((e) => e.node).sort((a, b) => b.runs.totalCount - a.runs.totalCount)[0];
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

await step("open a dataset's lineage and expand a node", async () => {
  const d = await gql(`{ datasets(projectKey: "fraud", first: 20) { edges { node { id name } } } }`);
  const ds = d.datasets.edges.map((e) => e.node).find((n) => n.name.includes("raw")) ?? d.datasets.edges[0].node;
  await page.goto(`${base}/lineage/${ds.id}?depth=2`);
  await page.locator(".react-flow__node").nth(2).waitFor();
  await page.getByRole("status").waitFor(); // cut at depth 2: says so
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
  await page.screenshot({ path: `${artifacts}lineage.png` });
});

await step("see a live event when a run starts through the API", async () => {
  await page.goto(`${base}/activity`);
  await page.getByRole("heading", { name: "Activity" }).waitFor();
  await page.waitForTimeout(500); // the subscription is open
  const exp = await gql(`{ projects(first: 1) { edges { node { experiments(first: 1) { edges { node { id } } } } } } }`);
  const expId = exp.projects.edges[0].node.experiments.edges[0].node.id;
  const name = `e2e-${Date.now()}`;
  await gql(`mutation($e: ID!, $n: String!) { startRun(input: {experimentId: $e, name: $n}) { run { id } } }`, { e: expId, n: name });
  await page.locator(".feed li", { hasText: name }).waitFor();
  await page.screenshot({ path: `${artifacts}activity.png`, fullPage: true });
});

await browser.close();
if (failures.length) {
  console.log(`${failures.length} failed: ${failures.join(", ")}`);
  process.exit(1);
}
