// Validation templates in the explorer: a contributor writes one in the
// editor, which the server checks as one types (the placeholders it finds
// become parameter rows, a sample value lets the rules be checked and a
// rule that refuses it is named); applies it to the datasets its selector matches;
// saves a new version, which renders the suites again; and the dataset
// page says which template a suite follows. A viewer reads and cannot
// write.
import assert from "node:assert/strict";
import { artifacts, base, gql, suite, tokenFor, uniqueKey } from "../harness.mjs";

const key = uniqueKey("e2e-templates");
await gql(`mutation($k: String!) { createProject(input: {key: $k, name: "Templates"}) { project { id } } }`, { k: key });
const register = async (namespace, name) =>
  (await gql(`mutation($k: String!, $ns: String!, $n: String!) { registerDataset(input: {projectKey: $k, namespace: $ns, name: $n}) { dataset { id } } }`,
    { k: key, ns: namespace, n: name })).registerDataset.dataset.id;
const orders = await register("s3://lake", "raw/orders");
await register("s3://lake", "raw/payments");
await register("s3://lake", "curated/orders");
const contributor = tokenFor("e2e-templates-alice", { [key]: "contributor" });
const viewer = tokenFor("e2e-templates-vic", { [key]: "viewer" });

const { page, step, done } = await suite("templates");
const editor = page.getByTestId("template-editor");
const check = editor.getByTestId("suite-check");
const text = editor.getByLabel("template definition");

await step("write a template: its parameters follow the text, a sample value checks the rules", async () => {
  await page.goto(`${base}/?token=${contributor}`);
  await page.getByText("Signed in as").waitFor();
  await page.goto(`${base}/templates?project=${encodeURIComponent(key)}`);
  await page.getByRole("heading", { name: "Validation templates" }).waitFor();
  await page.getByText("No templates in this project yet.").waitFor();
  await page.getByRole("button", { name: "New template" }).click();
  // The starter is a valid template with defaults for its parameters.
  await editor.locator("[data-testid=suite-check][data-state=valid]").getByText("3 rules, valid").waitFor();
  await editor.getByLabel("template name").fill("raw-keys");
  // A parameter with no default: the rules cannot be checked until a
  // sample stands in, and a sample the rule refuses is named by rule.
  await text.fill("rules:\n  - {type: not_null, column: ${key}}\n  - {type: value_between, column: amount, min: ${lo}, max: 100}\n");
  await editor.locator("[data-testid=template-params] tr[data-name=lo]").waitFor();
  await check.getByText(/give each parameter without a default a sample value/).waitFor();
  await editor.getByLabel("sample of lo").fill("500");
  await editor.locator("[data-testid=suite-check][data-state=invalid]").getByText(/^rules\[1\]/).waitFor();
  assert.ok(await editor.getByRole("button", { name: "Create template" }).isDisabled(), "an invalid template cannot be saved");
  await editor.getByLabel("sample of lo").fill("0");
  await editor.locator("[data-testid=suite-check][data-state=valid]").getByText("2 rules, valid").waitFor();
  // The row of a placeholder taken out of the text goes with it.
  assert.equal(await editor.locator("[data-testid=template-params] tr[data-name=min_rows]").count(), 0);
  await editor.getByLabel("namespace pattern").fill("s3://lake");
  await editor.getByLabel("dataset name pattern").fill("raw/*");
  await page.screenshot({ path: `${artifacts}template-editor.png`, fullPage: true });
  await editor.getByRole("button", { name: "Create template" }).click();
  await page.locator("[data-testid=template-page][data-version='1']").waitFor();
  await page.getByRole("heading", { name: /raw-keys/ }).waitFor();
  await page.getByText("namespace s3://lake; name raw/*").first().waitFor();
});

await step("apply it to every matching dataset, giving the value the template has no default for", async () => {
  const apply = page.getByTestId("apply-template");
  assert.ok(await apply.getByRole("button", { name: "Apply" }).isDisabled(), "lo has no default: Apply waits for its value");
  await apply.getByLabel("value of lo").fill("1");
  await apply.getByRole("button", { name: "Apply" }).click();
  await apply.locator("[data-testid=applied][data-made='2'][data-skipped='0']").waitFor();
  const suites = page.locator("[data-testid=template-suites][data-total='2'][data-up-to-date='2']");
  await suites.locator("tr[data-testid=follower][data-dataset='raw/orders'][data-up-to-date=true]").waitFor();
  await suites.locator("tr[data-testid=follower][data-dataset='raw/payments']").waitFor();
  assert.equal(await suites.locator("tr[data-dataset='curated/orders']").count(), 0, "the selector keeps curated/orders out");
});

await step("a new version renders the suites that follow it", async () => {
  await page.getByRole("button", { name: "Edit" }).click();
  await text.fill("rules:\n  - {type: not_null, column: ${key}}\n  - {type: value_between, column: amount, min: ${lo}, max: 100}\n  - {type: row_count_between, min: 1}\n");
  await editor.getByLabel("default of key").fill("order_id");
  await editor.getByLabel("sample of lo").fill("0");
  await editor.locator("[data-testid=suite-check][data-state=valid]").getByText("3 rules, valid").waitFor();
  // Applying itself needs a default for every parameter.
  await editor.getByLabel("apply itself to matching datasets as their versions arrive").check();
  await editor.getByTestId("auto-apply-needs-defaults").waitFor();
  assert.ok(await editor.getByRole("button", { name: "Save a new version" }).isDisabled(), "lo has no default");
  await editor.getByLabel("default of lo").fill("1");
  await editor.getByTestId("auto-apply-needs-defaults").waitFor({ state: "detached" });
  await editor.locator("[data-testid=suite-check][data-state=valid]").getByText("3 rules, valid").waitFor();
  await editor.getByRole("button", { name: "Save a new version" }).click();
  await page.locator("[data-testid=template-page][data-version='2']").waitFor();
  await page.getByTestId("auto-apply").getByText("applies itself").waitFor();
  await page.locator("[data-testid=template-suites][data-total='2'][data-up-to-date='2']").waitFor();
  const rendered = await gql(`query($d: ID!) { node(id: $d) { ... on Dataset { validationSuites(first: 5) { edges { node { version ruleCount template { version upToDate } } } } } } }`, { d: orders }, contributor);
  const s = rendered.node.validationSuites.edges[0].node;
  assert.deepEqual([s.version, s.ruleCount, s.template.version, s.template.upToDate], [2, 3, 2, true]);
});

await step("the dataset page says which template its suite follows", async () => {
  await page.goto(`${base}/datasets/${orders}`);
  const link = page.locator("[data-testid=suite-template][data-up-to-date=true]");
  await link.getByRole("link", { name: "raw-keys" }).waitFor();
  await link.getByText("v2").waitFor();
  await page.getByRole("button", { name: "Edit" }).first().click();
  await page.getByTestId("leaves-template").getByText("raw-keys").waitFor();
  await page.screenshot({ path: `${artifacts}template-dataset.png`, fullPage: true });
});

await step("a viewer reads the templates and the suites that follow them, with no controls", async () => {
  await page.goto(`${base}/?token=${viewer}`);
  await page.getByText("Signed in as").waitFor();
  await page.goto(`${base}/templates?project=${encodeURIComponent(key)}`);
  await page.locator("tr[data-testid=template][data-name=raw-keys]").getByText("namespace s3://lake; name raw/*").waitFor();
  assert.equal(await page.getByRole("button", { name: "New template" }).count(), 0);
  await page.locator("tr[data-testid=template][data-name=raw-keys]").getByRole("link", { name: "raw-keys" }).click();
  await page.locator("[data-testid=template-page][data-version='2']").waitFor();
  await page.locator("[data-testid=template-suites][data-total='2'][data-up-to-date='2']").waitFor();
  assert.equal(await page.getByTestId("apply-template").count(), 0);
  assert.equal(await page.getByRole("button", { name: "Edit" }).count(), 0);
});

await done();
