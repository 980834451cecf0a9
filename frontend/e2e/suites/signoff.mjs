// A compliance reviewer signs off an evidence pack in the explorer: the
// request shows no sign-off, the auditor prepares the pack, keeps the exact
// file, accepts it with findings; the sign-off is listed, hubctl finds it
// by the kept file, and the file verifies offline. An approver sees the
// sign-off and no form.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { base, gql, suite, tokenFor, uniqueKey } from "../harness.mjs";

const key = uniqueKey("e2e-signoff");
await gql(`mutation($k: String!) { createProject(input: {key: $k, name: "Sign-off"}) { project { id } } }`, { k: key });
await gql(`mutation($k: String!) { setPolicy(input: {projectKey: $k, requiredApprovals: 1, requireUpstreamValidationsPassed: false}) { changed } }`, { k: key });
const mv = (await gql(`mutation($k: String!) { registerModelVersion(input: {projectKey: $k, modelName: "scorer", uri: "s3://models/scorer/1"}) { modelVersion { id } } }`, { k: key }))
  .registerModelVersion.modelVersion.id;
const requester = tokenFor("e2e-signoff-requester", { [key]: "contributor" });
const approver = tokenFor("e2e-signoff-approver", { [key]: "approver" });
const auditor = tokenFor("e2e-signoff-auditor", { [key]: "auditor" });
const pr = (await gql(`mutation($mv: ID!) { requestPromotion(input: {modelVersionId: $mv, targetStage: STAGING, justification: "holdout AUC 0.91"}) { promotionRequest { id } } }`,
  { mv }, requester)).requestPromotion.promotionRequest.id;
await gql(`mutation($id: ID!) { approvePromotion(input: {promotionRequestId: $id, comment: "ok"}) { promoted } }`, { id: pr }, approver);

const { page, step, done } = await suite("signoff");
const request = page.locator(`[data-testid=request][data-request="${pr}"]`);
let kept = null;
let digest = null;

await step("the auditor signs off the exact pack file they keep", async () => {
  await page.goto(`${base}/?token=${auditor}`);
  await page.getByText("Signed in as").waitFor();
  await page.goto(`${base}/approvals?project=${key}&tab=all&request=${pr}`);
  await request.getByText("No compliance sign-off yet.").waitFor();
  await request.getByRole("button", { name: "Prepare the evidence pack for sign-off" }).click();
  const shown = request.getByTestId("sign-off-digest").locator("code");
  await shown.waitFor();
  digest = await shown.textContent();
  assert.match(digest, /^[0-9a-f]{64}$/);
  const [download] = await Promise.all([page.waitForEvent("download"), request.getByRole("button", { name: "Download this exact file" }).click()]);
  kept = `${await download.path()}.json`;
  await download.saveAs(kept);
  await request.getByRole("button", { name: "Reject the pack" }).and(page.locator(":disabled")).waitFor();
  await request.getByLabel("findings").fill("Checks and approvals as the policy asks.");
  await request.getByRole("button", { name: "Accept the pack" }).click();
  await request.getByRole("status").filter({ hasText: `of the pack with SHA-256 ${digest}` }).waitFor();
  const listed = request.locator(`[data-testid=sign-offs] li[data-digest="${digest}"]`);
  await listed.waitFor();
  assert.equal(await listed.getAttribute("data-decision"), "ACCEPTED");
  assert.match(await listed.textContent(), /accepted by e2e-signoff-auditor.*Checks and approvals as the policy asks\./s);
});

await step("hubctl finds the sign-off by the kept file, which verifies", async () => {
  assert.ok(kept, "the first step kept the file");
  const env = { ...process.env, EXPHUB_TOKEN: auditor };
  const status = execFileSync(process.env.HUBCTL, ["signoff", "status", "--url", `${base}/graphql`, kept], { env, encoding: "utf8" });
  assert.match(status, new RegExp(`^${digest}`));
  assert.match(status, new RegExp(`ACCEPTED evidence pack of ${pr} by e2e-signoff-auditor`));
  assert.match(execFileSync(process.env.HUBCTL, ["evidence", "verify", kept], { encoding: "utf8" }), /pack consistent/);
});

await step("a report signed off with hubctl is listed on the report page", async () => {
  const env = { ...process.env, EXPHUB_TOKEN: auditor };
  const file = `${kept ?? "/tmp/e2e-signoff"}.report.json`;
  execFileSync(process.env.HUBCTL, ["report", "--url", `${base}/graphql`, "--project", key, "--format", "json", "-o", file], { env });
  execFileSync(process.env.HUBCTL, ["signoff", "reject", "--url", `${base}/graphql`, "--findings", "lead time too long", file], { env });
  await page.goto(`${base}/report?project=${key}`);
  const listed = page.locator("[data-testid=sign-offs] li[data-decision=REJECTED]");
  await listed.waitFor();
  assert.match(await listed.textContent(), /rejected by e2e-signoff-auditor.*report.*lead time too long/s);
});

await step("an approver sees the sign-off and no form", async () => {
  await page.goto(`${base}/?token=${approver}`);
  await page.getByText("Signed in as").waitFor();
  await page.goto(`${base}/approvals?project=${key}&tab=all&request=${pr}`);
  await request.locator(`[data-testid=sign-offs] li[data-digest="${digest}"]`).waitFor();
  assert.equal(await request.getByTestId("sign-off").count(), 0);
});

await done();
