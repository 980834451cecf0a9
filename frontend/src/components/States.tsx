import type { CombinedError } from "urql";

// Loading and error states shared by the views, so each looks and reads
// the same everywhere.

export function Loading({ what }: { what: string }) {
  return <p className="muted loading" role="status" aria-busy="true">Loading {what}…</p>;
}

// Problem shows a GraphQL or network error in words a user can act on.
export function Problem({ error }: { error: CombinedError }) {
  const code = error.graphQLErrors[0]?.extensions?.["code"];
  let hint = "";
  if (error.networkError) hint = "The hub did not answer; check that the server is running, then reload.";
  else if (code === "UNAUTHENTICATED") hint = "Your token is missing or has expired: sign in again.";
  else if (code === "FORBIDDEN") hint = "Your role in this project does not allow this.";
  else if (code === "NOT_FOUND") hint = "It does not exist, or it is in a project you may not read.";
  return (
    <div className="error" role="alert">
      <p>{error.graphQLErrors[0]?.message ?? error.message}</p>
      {hint && <p className="muted">{hint}</p>}
    </div>
  );
}
