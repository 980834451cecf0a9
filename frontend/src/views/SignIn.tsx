import { useState } from "react";
import { useNavigate } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";

export const MeQuery = graphql(`
  query Me {
    me { subject expiresAt grants { projectKey role } }
  }
`);

export function Me() {
  const [{ data, error, fetching }] = useQuery({ query: MeQuery });
  if (fetching) return <p className="muted">Checking your token…</p>;
  if (error) return <p className="error">{error.message}</p>;
  if (!data) return null;
  return (
    <div className="card">
      <p>Signed in as <strong>{data.me.subject}</strong> until {new Date(data.me.expiresAt).toLocaleString()}.</p>
      <ul>
        {data.me.grants.map((g) => (
          <li key={g.projectKey}><code>{g.projectKey}</code>: {g.role.toLowerCase()}</li>
        ))}
      </ul>
    </div>
  );
}

export function SignIn({ onSignIn }: { onSignIn: (token: string) => void }) {
  const [value, setValue] = useState("");
  const navigate = useNavigate();
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      <p>Paste a token. <code>make run</code> prints a link that signs the demo user in; <code>hubctl token</code> makes others.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const t = value.trim().replace(/^Bearer\s+/i, "");
          if (t) {
            onSignIn(t);
            navigate("/experiments");
          }
        }}
      >
        <textarea aria-label="token" rows={4} value={value} onChange={(e) => setValue(e.target.value)} placeholder="eyJhbGciOi…" />
        <button type="submit" disabled={!value.trim()}>Sign in</button>
      </form>
    </section>
  );
}
