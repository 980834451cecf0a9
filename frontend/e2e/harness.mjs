// What every browser suite needs: the hub's address and the admin's token
// (e2e/run.sh sets them), GraphQL as anyone, tokens for other people, a
// Chromium page, and steps that screenshot what failed.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";

export const base = process.env.EXPHUB_URL;
export const token = process.env.EXPHUB_TOKEN;
if (!base || !token) throw new Error("EXPHUB_URL and EXPHUB_TOKEN must be set (e2e/run.sh sets them)");
export const artifacts = new URL("./artifacts/", import.meta.url).pathname;
mkdirSync(artifacts, { recursive: true });

// gql asks the hub as the admin, or as the holder of another token; an
// answer with errors throws them.
export async function gql(query, variables = {}, as = token) {
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
// before it is done (OpenLineage events, validations) shows up a moment
// later. It polls a condition with a deadline, never a fixed sleep.
export async function eventually(ask, what, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const answer = await ask();
    if (answer) return answer;
    if (Date.now() > deadline) throw new Error(`still not so after ${ms / 1000} s: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// tokenFor mints a token with hubctl and the server's secret:
// roles is {projectKey: role}.
export function tokenFor(sub, roles) {
  const args = ["token", "--sub", sub, "--ttl", "2h"];
  for (const [k, r] of Object.entries(roles)) args.push("--role", `${k}=${r}`);
  return execFileSync(process.env.HUBCTL, args, { env: process.env, encoding: "utf8" }).trim();
}

// uniqueKey is a project key no earlier run of the suite used.
export function uniqueKey(prefix) {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

// suite opens Chromium and returns the page, step (which records a
// failure with a screenshot and goes on), show (which names the page a
// failure's screenshot shows, when a step works in a tab of its own) and
// done (which exits non-zero when a step failed).
export async function suite(name) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const failures = [];
  let shown = page;
  const show = (p) => {
    shown = p;
  };
  async function step(title, fn) {
    const started = Date.now();
    try {
      await fn();
      console.log(`ok   ${name}: ${title} (${Date.now() - started} ms)`);
    } catch (err) {
      failures.push(title);
      console.log(`FAIL ${name}: ${title}: ${err.message}`);
      await shown.screenshot({ path: `${artifacts}FAILED-${name}-${title.replace(/\W+/g, "-")}.png`, fullPage: true }).catch(() => {});
    }
  }
  async function done() {
    await browser.close();
    if (failures.length) {
      console.log(`${name}: ${failures.length} failed: ${failures.join(", ")}`);
      process.exit(1);
    }
  }
  return { browser, context, page, step, show, done };
}
