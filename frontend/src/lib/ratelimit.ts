// The hub refuses a request over the caller's share before running it:
// HTTP 429 with Retry-After, or a GraphQL answer whose error has code
// RATE_LIMITED and extensions.retryAfter (seconds). Nothing ran, so the
// request is sent again after that wait, a few times, instead of showing
// the refusal; a page that re-reads after each change stays usable.

export const maxRetries = 3;
// maxWait caps one wait, in seconds.
export const maxWait = 10;

type Sleep = (ms: number) => Promise<void>;
const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// retryAfter is how long the hub asks to wait, in seconds, or null when
// the response is not a refusal for rate.
export async function retryAfter(res: Response): Promise<number | null> {
  if (res.status === 429) {
    const s = Number(res.headers.get("Retry-After"));
    return Number.isFinite(s) && s > 0 ? s : 1;
  }
  if (!res.ok || !(res.headers.get("Content-Type") ?? "").includes("json")) return null;
  const body = (await res.clone().json().catch(() => null)) as { errors?: { extensions?: { code?: string; retryAfter?: number } }[] } | null;
  const e = body?.errors?.find((x) => x.extensions?.code === "RATE_LIMITED");
  if (!e) return null;
  const s = Number(e.extensions?.retryAfter);
  return Number.isFinite(s) && s > 0 ? s : 1;
}

// rateLimitedFetch wraps a fetch so that a request refused for rate is
// sent again after the wait the hub asks for, at most maxRetries times.
export function rateLimitedFetch(inner: typeof fetch, wait: Sleep = sleep): typeof fetch {
  return async (input, init) => {
    for (let attempt = 0; ; attempt++) {
      const res = await inner(input, init);
      const s = attempt < maxRetries ? await retryAfter(res) : null;
      if (s === null) return res;
      await wait(Math.min(s, maxWait) * 1000);
    }
  };
}
