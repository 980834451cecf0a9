import { describe, expect, it } from "vitest";
import { maxRetries, rateLimitedFetch } from "./ratelimit";

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
const limited = json({ errors: [{ message: "spent its budget", extensions: { code: "RATE_LIMITED", retryAfter: 2 } }], data: null });

function fake(answers: Response[]) {
  const calls: number[] = [];
  const waits: number[] = [];
  const f = rateLimitedFetch((async () => {
    calls.push(calls.length);
    return answers[Math.min(calls.length - 1, answers.length - 1)]!;
  }) as typeof fetch, async (ms) => {
    waits.push(ms);
  });
  return { f, calls, waits };
}

describe("rateLimitedFetch", () => {
  it("sends a request refused for its cost again after the wait asked for", async () => {
    const ok = json({ data: { me: { subject: "a" } } });
    const { f, calls, waits } = fake([limited.clone(), ok]);
    const res = await f("/graphql", { method: "POST" });
    expect(await res.json()).toEqual({ data: { me: { subject: "a" } } });
    expect(calls).toHaveLength(2);
    expect(waits).toEqual([2000]);
  });
  it("waits as Retry-After says for HTTP 429, capped", async () => {
    const { f, waits } = fake([json({}, 429, { "Retry-After": "120" }), json({ data: {} })]);
    expect((await f("/graphql")).status).toBe(200);
    expect(waits).toEqual([10000]);
  });
  it("gives up after a few tries and returns the refusal", async () => {
    const { f, calls } = fake([limited]);
    const res = await f("/graphql");
    expect(calls).toHaveLength(maxRetries + 1);
    expect((await res.json()).errors[0].extensions.code).toBe("RATE_LIMITED");
  });
  it("leaves other errors alone", async () => {
    const { f, calls } = fake([json({ errors: [{ message: "no", extensions: { code: "FORBIDDEN" } }] })]);
    await f("/graphql");
    expect(calls).toHaveLength(1);
  });
});
