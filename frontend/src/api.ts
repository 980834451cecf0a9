import { Client, cacheExchange, fetchExchange, subscriptionExchange } from "urql";
import { createClient as createWSClient } from "graphql-ws";
import { causalFetch } from "./lib/causal";
import { rateLimitedFetch } from "./lib/ratelimit";
import { setConnection } from "./lib/connection";
import { resumable, type Sink, type Subscribe } from "./lib/resume";

const TOKEN_KEY = "exphub.token";

export function getToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

// makeClient builds the GraphQL client: queries and mutations over HTTP,
// subscriptions over graphql-transport-ws on the same URL, both with the
// signed-in user's token. Subscriptions that take an after cursor resume
// from the last event they delivered when the connection drops or the
// server restarts (lib/resume); graphql-ws itself does not retry, since it
// would replay the original cursor.
export function makeClient(token: string | null): Client {
  const http = new URL("/graphql", window.location.href);
  const ws = new URL(http);
  ws.protocol = http.protocol === "https:" ? "wss:" : "ws:";
  const wsClient = createWSClient({
    url: ws.toString(),
    connectionParams: token ? { Authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
    on: {
      connected: () => setConnection({ status: "live", resumeFrom: null }),
    },
  });
  return new Client({
    url: http.toString(),
    // Reads after this tab's writes see them on any replica; a request
    // refused for the caller's rate is sent again after the wait asked for.
    fetch: causalFetch(rateLimitedFetch(globalThis.fetch.bind(globalThis))),
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const query = request.query ?? "";
          const variables = (request.variables ?? {}) as Record<string, unknown>;
          return {
            subscribe(sink) {
              const send: Subscribe = (vars, s) => wsClient.subscribe({ ...request, query, variables: vars }, s as Parameters<typeof wsClient.subscribe>[1]);
              const unsubscribe = "after" in variables
                ? resumable(send, variables, sink as Sink, {
                    onRetry: (after) => setConnection({ status: "reconnecting", resumeFrom: after == null ? null : String(after) }),
                  })
                : send(variables, sink as Sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
    fetchOptions: (): RequestInit => {
      const headers: Record<string, string> = {};
      if (token) headers["Authorization"] = `Bearer ${token}`;
      return { headers };
    },
  });
}

// fetchWithToken GETs a path of the hub with the signed-in user's token,
// for what a plain link cannot fetch (a link carries no header): artifact
// files. A refusal becomes an error with the hub's message.
export async function fetchWithToken(path: string, signal?: AbortSignal): Promise<Response> {
  const token = getToken();
  const res = await fetch(new URL(path, window.location.href), {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    signal,
  });
  if (!res.ok) {
    let message = res.statusText;
    try {
      const body = (await res.json()) as { message?: string };
      if (body.message) message = body.message;
    } catch {
      // Not JSON: the status says enough.
    }
    throw new Error(`${res.status}: ${message}`);
  }
  return res;
}
