import { describe, expect, it } from "vitest";
import { bookmarkHeader, causalFetch } from "./causal";

describe("causalFetch", () => {
  it("sends back the latest bookmark a response gave, and none before", async () => {
    const sent: (string | null)[] = [];
    const answers = ["b1", null, "b2"];
    const f = causalFetch(async (_input, init) => {
      sent.push(new Headers(init?.headers).get(bookmarkHeader));
      const b = answers.shift();
      return new Response("{}", { headers: b ? { [bookmarkHeader]: b } : {} });
    });
    for (let i = 0; i < 4; i++) await f("/graphql", { headers: { Authorization: "Bearer t" } });
    expect(sent).toEqual([null, "b1", "b1", "b2"]);
  });
  it("keeps the request's own headers", async () => {
    let auth: string | null = null;
    const f = causalFetch(async (_input, init) => {
      auth = new Headers(init?.headers).get("Authorization");
      return new Response("{}");
    });
    await f("/graphql", { headers: { Authorization: "Bearer t" } });
    expect(auth).toBe("Bearer t");
  });
});
