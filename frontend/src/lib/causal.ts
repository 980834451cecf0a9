// The hub answers a request that wrote with an Exphub-Bookmark header:
// its position in the database's history. Sent back with the following
// requests, it makes the replica that answers them (on a Neo4j cluster,
// whichever follower serves the read) show what this tab wrote.
export const bookmarkHeader = "Exphub-Bookmark";

// causalFetch wraps a fetch so that it sends the latest bookmark it
// received with every request.
export function causalFetch(inner: typeof fetch): typeof fetch {
  let bookmark: string | null = null;
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    if (bookmark) headers.set(bookmarkHeader, bookmark);
    const res = await inner(input, { ...init, headers });
    const got = res.headers.get(bookmarkHeader);
    if (got) bookmark = got;
    return res;
  };
}
