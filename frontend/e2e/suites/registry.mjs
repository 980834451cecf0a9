// Model aliases in the explorer: a contributor names a version
// "challenger" and takes it off again; "champion", governed by the
// project's policy, opens a promotion request instead and lands on the
// version once an approver approves; a malformed alias is not sent; a
// viewer gets no controls.
import assert from "node:assert/strict";
import { base, gql, suite, tokenFor, uniqueKey } from "../harness.mjs";

const key = uniqueKey("e2e-registry");
await gql(`mutation($k: String!) { createProject(input: {key: $k, name: "Registry"}) { project { id } } }`, { k: key });
await gql(`mutation($k: String!) { setPolicy(input: {projectKey: $k, requiredApprovals: 1, requireUpstreamValidationsPassed: false, governedAliases: ["champion"]}) { changed } }`, { k: key });
const register = async (uri) =>
  (await gql(`mutation($k: String!, $u: String!) { registerModelVersion(input: {projectKey: $k, modelName: "ranker", uri: $u}) { modelVersion { id model { id } } } }`, { k: key, u: uri }))
    .registerModelVersion.modelVersion;
const v1 = await register("s3://m/1");
await register("s3://m/2");
const model = v1.model.id;
const contributor = tokenFor("e2e-registry-alice", { [key]: "contributor" });
const approver = tokenFor("e2e-registry-bob", { [key]: "approver" });
const viewer = tokenFor("e2e-registry-vic", { [key]: "viewer" });

const { page, step, done } = await suite("registry");
const row = () => page.locator(`tr[data-version="${v1.id}"] [data-testid=aliases]`);
const controls = page.getByTestId("alias-controls");
let requestId = null;

await step("a contributor sets and removes an ungoverned alias", async () => {
  await page.goto(`${base}/?token=${contributor}`);
  await page.getByText("Signed in as").waitFor();
  await page.goto(`${base}/models/${model}?version=${v1.id}`);
  await controls.getByLabel("alias").fill("no way!");
  await controls.getByText("An alias is letters, digits, _ and - only.").waitFor();
  assert.equal(await controls.getByRole("button", { name: "Set on v1" }).isDisabled(), true);
  await controls.getByLabel("alias").fill("challenger");
  await controls.getByRole("button", { name: "Set on v1" }).click();
  await controls.getByRole("status").filter({ hasText: "Alias challenger now names v1." }).waitFor();
  await row().locator("[data-alias=challenger][data-governed=false]").waitFor();
  await controls.getByRole("button", { name: "remove alias challenger" }).click();
  await controls.getByRole("status").filter({ hasText: "Alias challenger removed." }).waitFor();
  await page.waitForFunction((id) => document.querySelector(`tr[data-version="${id}"] [data-testid=aliases]`)?.textContent === "—", v1.id);
});

await step("a governed alias opens a promotion request that moves it", async () => {
  await controls.getByLabel("alias").fill("champion");
  await controls.getByRole("button", { name: "Set on v1" }).click();
  const said = controls.getByRole("status").filter({ hasText: "Alias champion is governed" });
  await said.waitFor();
  requestId = new URL(await said.getByRole("link", { name: "this promotion request" }).getAttribute("href"), base).searchParams.get("request");
  assert.match(requestId ?? "", /^pr_/);
  assert.equal(await row().locator("[data-alias=champion]").count(), 0, "not moved before the approval");
  await gql(`mutation($id: ID!) { approvePromotion(input: {promotionRequestId: $id}) { promoted } }`, { id: requestId }, approver);
  await row().locator("[data-alias=champion][data-governed=true]").waitFor();
  await row().locator("[data-alias=production]").waitFor();
  assert.equal(await controls.getByRole("button", { name: "remove alias champion" }).count(), 0, "a governed alias offers no removal");
});

await step("an archived version is put back into production through a request", async () => {
  // v2 replaces v1 in production; v1 is archived.
  const v2 = (await gql(`query($m: ID!) { node(id: $m) { ... on Model { versions(first: 5) { edges { node { id version } } } } } }`, { m: model }))
    .node.versions.edges.map((e) => e.node).find((v) => v.version === 2).id;
  const up = (await gql(`mutation($mv: ID!) { requestPromotion(input: {modelVersionId: $mv, targetStage: PRODUCTION, justification: "v2 is better"}) { promotionRequest { id } } }`,
    { mv: v2 }, contributor)).requestPromotion.promotionRequest.id;
  await gql(`mutation($id: ID!) { approvePromotion(input: {promotionRequestId: $id}) { promoted } }`, { id: up }, approver);
  await page.goto(`${base}/models/${model}?version=${v1.id}`);
  await page.locator(`tr[data-version="${v1.id}"][data-stage=ARCHIVED]`).waitFor();
  const card = page.getByTestId("model-version");
  await card.getByRole("heading", { name: /Put back into production/ }).waitFor();
  assert.equal(await card.getByLabel("target stage").inputValue(), "PRODUCTION");
  await card.getByLabel("justification").fill("v2 regressed on the holdout; back to v1");
  await card.getByRole("button", { name: "Request promotion" }).click();
  const made = card.getByTestId("requested");
  await made.waitFor();
  const back = new URL(await made.getByRole("link", { name: "open it in Approvals" }).getAttribute("href"), base).searchParams.get("request");
  await gql(`mutation($id: ID!) { approvePromotion(input: {promotionRequestId: $id}) { promoted } }`, { id: back }, approver);
  await page.locator(`tr[data-version="${v1.id}"][data-stage=PRODUCTION]`).waitFor();
  await page.locator(`tr[data-version="${v2}"][data-stage=ARCHIVED]`).waitFor();
});

await step("a contributor describes the model and tags a version", async () => {
  await page.goto(`${base}/models/${model}?version=${v1.id}`);
  const describe = page.getByTestId("describe-model");
  await describe.getByRole("button", { name: "Describe the model" }).click();
  await describe.getByLabel("model description").fill("Ranks search results for the storefront.");
  await describe.getByRole("button", { name: "Save" }).click();
  await page.getByTestId("model-description").filter({ hasText: "Ranks search results for the storefront." }).waitFor();
  const version = page.getByTestId("describe-version");
  await version.getByLabel("version tag key").fill("holdout_ndcg");
  await version.getByLabel("version tag value").fill("0.71");
  await version.getByRole("button", { name: "Set tag" }).click();
  await page.getByTestId("model-version").locator("[data-testid=tags] [data-tag=holdout_ndcg]").waitFor();
  const read = await gql(`query($id: ID!) { node(id: $id) { ... on ModelVersion { tags { key value } } } }`, { id: v1.id });
  assert.deepEqual(read.node.tags, [{ key: "holdout_ndcg", value: "0.71" }]);
});

await step("a contributor archives a version out of use", async () => {
  const v3 = await register("s3://m/3");
  await page.goto(`${base}/models/${model}?version=${v3.id}`);
  await page.getByTestId("archive").getByRole("button", { name: "Archive v3" }).click();
  await page.locator(`tr[data-version="${v3.id}"][data-stage=ARCHIVED]`).waitFor();
  await page.getByTestId("model-version").getByRole("heading", { name: /Put back into production/ }).waitFor();
});

await step("a viewer gets no alias controls", async () => {
  await page.goto(`${base}/?token=${viewer}`);
  await page.getByText("Signed in as").waitFor();
  await page.goto(`${base}/models/${model}?version=${v1.id}`);
  await row().locator("[data-alias=champion]").waitFor();
  assert.equal(await controls.count(), 0);
  assert.equal(await page.getByTestId("describe-model").count(), 0);
  await page.getByTestId("model-description").waitFor();
});

await done();
