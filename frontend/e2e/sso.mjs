// Single sign-on in the browser: the explorer of a hub that trusts the
// test OpenID provider (e2e/oidc-provider.mjs, started by e2e/run.sh)
// signs people in with the authorization code flow with PKCE, and the
// roles the hub grants come from the access token's groups (mapped to
// roles by EXPHUB_JWT_GROUP_ROLES) and roles claims.
//
//   EXPHUB_SSO_URL  the hub configured for single sign-on
//   OIDC_ISSUER     the provider
import assert from "node:assert/strict";
import { artifacts, suite } from "./harness.mjs";

const hub = process.env.EXPHUB_SSO_URL;
const issuer = process.env.OIDC_ISSUER;
if (!hub || !issuer) throw new Error("EXPHUB_SSO_URL and OIDC_ISSUER must be set (e2e/run.sh sets them)");
const { browser, page: first, step, show, done } = await suite("sso");
// page is the signed-in tab; a step that opens a tab of its own shows
// that one in a failure's screenshot, then comes back.
let page = first;
const use = (p) => {
  page = p;
  show(p);
};

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const p = await context.newPage();
  p.setDefaultTimeout(30_000);
  return p;
}

// logIn answers the provider's login page as ada (or another person).
async function logIn(p, password = "ada-password-e2e", user = "ada") {
  await p.getByRole("heading", { name: "Sign in to the test provider" }).waitFor();
  assert.ok(p.url().startsWith(`${issuer}/interaction/`), `at the provider's login page: ${p.url()}`);
  await p.getByLabel("Username").fill(user);
  await p.getByLabel("Password").fill(password);
  await p.getByRole("button", { name: "Sign in" }).click();
}

async function allow(p) {
  await p.getByRole("heading", { name: "Allow access" }).waitFor();
  await p.getByRole("button", { name: "Allow" }).click();
}

// gql asks the hub with the token the explorer keeps.
async function gql(p, query) {
  return p.evaluate(async (q) => {
    const res = await fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${localStorage.getItem("exphub.token")}` },
      body: JSON.stringify({ query: q }),
    });
    return res.json();
  }, query);
}


await step("sign in with the OpenID provider (code flow with PKCE)", async () => {
  await page.goto(`${hub}/signin`);
  // The pasted-token sign-in stays beside it, for development.
  await page.getByLabel("token").waitFor();
  const authorization = page.waitForRequest((r) => r.url().startsWith(`${issuer}/auth?`));
  await page.getByRole("button", { name: "Sign in with E2E provider" }).click();
  const q = new URL((await authorization).url()).searchParams;
  assert.equal(q.get("response_type"), "code");
  assert.equal(q.get("code_challenge_method"), "S256");
  assert.match(q.get("code_challenge") ?? "", /^[\w-]{43}$/);
  assert.ok(q.get("state") && q.get("nonce"), "state and nonce are sent");
  assert.equal(q.get("resource"), "urn:exphub:e2e");
  assert.equal(q.get("redirect_uri"), `${hub}/signin/callback`);
  await logIn(page, "not-her-password");
  await page.getByRole("alert").filter({ hasText: "Wrong username or password" }).waitFor();
  await logIn(page);
  await allow(page);
  await page.waitForURL(`${hub}/experiments**`);
  await page.getByText("Signed in as").waitFor();
  assert.equal(await page.locator('.card:has-text("Signed in as") strong').textContent(), "ada");
  const url = new URL(page.url());
  assert.ok(!url.searchParams.has("code") && !url.searchParams.has("state"), "code and state leave the address bar");
  // The explorer sends the access token (audience: the hub), not the ID
  // token (audience: the explorer's client).
  const token = await page.evaluate(() => localStorage.getItem("exphub.token"));
  const claims = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
  assert.equal(claims.iss, issuer);
  assert.equal(claims.aud, "exphub-e2e");
  assert.deepEqual(claims.groups, ["risk"]);
  await page.screenshot({ path: `${artifacts}sso-signed-in.png`, fullPage: true });
});

await step("single sign-on: the mapped roles show, nothing else", async () => {
  // risk=fraud:viewer (EXPHUB_JWT_GROUP_ROLES) and pipelines: viewer in the
  // roles claim; churn is granted neither way.
  const grants = page.locator('.card:has-text("Signed in as") li');
  await grants.filter({ hasText: "fraud" }).waitFor();
  const shown = (await grants.allTextContents()).map((t) => t.trim()).sort();
  assert.deepEqual(shown, ["fraud: viewer", "pipelines: viewer"]);
  await page.locator("#project-options option[value=fraud]").waitFor({ state: "attached" });
  assert.equal(await page.locator("#project-options option[value=churn]").count(), 0, "churn is not offered");
  await page.goto(`${hub}/experiments?project=churn`);
  await page.getByTestId("unreadable-project").filter({ hasText: "churn" }).waitFor();
  assert.equal(await page.locator(".card h2").count(), 0, "churn is not shown");
  const d = await gql(page, `{ churn: project(key: "churn") { key } fraud: project(key: "fraud") { key myRole } }`);
  assert.equal(d.data.churn, null, JSON.stringify(d));
  assert.equal(d.data.fraud.myRole, "VIEWER", JSON.stringify(d));
  // A viewer reads and may not write.
  const w = await gql(page, `mutation { createExperiment(input: {projectKey: "fraud", name: "sso-may-not"}) { experiment { id } } }`);
  assert.equal(w.errors?.[0]?.extensions?.code, "FORBIDDEN", JSON.stringify(w));
});

await step("single sign-on: a tampered state is refused", async () => {
  const signedIn = page;
  const p = await newPage();
  use(p); // a failure's screenshot shows this tab
  await p.goto(`${hub}/signin`);
  // The authorization request leaves with another state than the one this
  // tab keeps, as if a different sign-in's answer came back to it (the
  // provider's redirect to the explorer cannot be intercepted, its request
  // can).
  await p.route((u) => u.href.startsWith(`${issuer}/auth?`), (route) => {
    const u = new URL(route.request().url());
    u.searchParams.set("state", "tampered");
    return route.continue({ url: u.toString() });
  });
  await p.getByRole("button", { name: "Sign in with E2E provider" }).click();
  await logIn(p);
  await allow(p);
  await p.getByRole("alert").filter({ hasText: "state mismatch" }).waitFor();
  assert.equal(await p.evaluate(() => localStorage.getItem("exphub.token")), null, "no token kept");
  const answer = p.url();
  assert.ok(answer.includes("code=") && answer.includes("state=tampered"), answer);
  // A started sign-in is used once: the answer, replayed, is refused too.
  await p.unrouteAll();
  await p.goto(answer);
  await p.getByRole("alert").filter({ hasText: "no sign-in was started in this tab" }).waitFor();
  await p.goto(`${hub}/experiments`);
  await p.waitForURL(`${hub}/signin`);
  await p.context().close();
  use(signedIn);
});

await step("single sign-on: a person whose groups map to no role reads nothing", async () => {
  const signedIn = page;
  const p = await newPage();
  use(p);
  await p.goto(`${hub}/signin`);
  await p.getByRole("button", { name: "Sign in with E2E provider" }).click();
  await logIn(p, "bob-password-e2e", "bob");
  await allow(p);
  await p.waitForURL(`${hub}/experiments**`);
  await p.getByText("You can read no project yet: ask an admin for a role.").waitFor();
  assert.equal(await p.locator('.card:has-text("Signed in as") strong').textContent(), "bob");
  const d = await gql(p, `{ fraud: project(key: "fraud") { key } projects(first: 5) { totalCount } }`);
  assert.equal(d.data.fraud, null, JSON.stringify(d));
  assert.equal(d.data.projects.totalCount, 0, JSON.stringify(d));
  await p.context().close();
  use(signedIn);
});

await step("single sign-on: signing out ends the provider's session", async () => {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Yes, sign me out" }).click();
  await page.waitForURL(`${hub}/signin`);
  assert.equal(await page.evaluate(() => localStorage.getItem("exphub.token")), null);
  // The provider asks for the password again.
  await page.getByRole("button", { name: "Sign in with E2E provider" }).click();
  await page.getByRole("heading", { name: "Sign in to the test provider" }).waitFor();
});

await done();
console.log("\nsingle sign-on checks passed");
