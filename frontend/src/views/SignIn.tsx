import { useEffect, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { loadSignInConfig, setIdToken, type OIDCConfig } from "../lib/signin";

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

// useOIDC is the hub's single sign-on setting: undefined while asking,
// null when the hub offers none (or could not say).
function useOIDC(): { oidc: OIDCConfig | null | undefined; error: string | null } {
  const [state, setState] = useState<{ oidc: OIDCConfig | null | undefined; error: string | null }>({ oidc: undefined, error: null });
  useEffect(() => {
    let live = true;
    loadSignInConfig().then(
      (c) => live && setState({ oidc: c.oidc, error: null }),
      (err: unknown) => live && setState({ oidc: null, error: String(err instanceof Error ? err.message : err) }),
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}

function SingleSignOn({ oidc }: { oidc: OIDCConfig }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="card">
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setError(null);
          import("../lib/oidc")
            .then((m) => m.startSignIn(oidc, window.location.origin))
            .then((url) => window.location.assign(url))
            .catch((err: unknown) => {
              setBusy(false);
              setError(`Could not reach ${oidc.providerName}: ${err instanceof Error ? err.message : String(err)}`);
            });
        }}
      >
        Sign in with {oidc.providerName}
      </button>
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}

export function SignIn({ onSignIn }: { onSignIn: (token: string) => void }) {
  const [value, setValue] = useState("");
  const navigate = useNavigate();
  const { oidc, error } = useOIDC();
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      {oidc && <SingleSignOn oidc={oidc} />}
      {error && <p className="muted">Single sign-on is unavailable: {error}</p>}
      <p>{oidc ? "Or, for development, paste" : "Paste"} a token. <code>make run</code> prints a link that signs the demo user in; <code>hubctl token</code> makes others.</p>
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

// finishing holds the sign-in being finished, by callback URL: React runs
// an effect twice in development, and a sign-in may be finished only once.
let finishing: { href: string; done: Promise<string> } | null = null;

// finish completes the sign-in the provider answered at href and checks
// that the hub accepts the access token before anyone is signed in with
// it; it resolves to the token.
function finish(href: string): Promise<string> {
  if (finishing?.href === href) return finishing.done;
  const done = (async () => {
    const { oidc } = await loadSignInConfig();
    if (!oidc) throw new Error("this hub does not offer single sign-on");
    const { finishSignIn } = await import("../lib/oidc");
    const signed = await finishSignIn(oidc, new URL(href));
    const res = await fetch(new URL("/graphql", href), {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${signed.accessToken}` },
      body: JSON.stringify({ query: "{ me { subject } }" }),
    });
    const body = (await res.json().catch(() => ({}))) as { errors?: { message: string }[] };
    if (!res.ok || body.errors?.length) {
      throw new Error(`the hub refused the provider's access token: ${body.errors?.[0]?.message ?? res.statusText}`);
    }
    setIdToken(signed.idToken);
    return signed.accessToken;
  })();
  finishing = { href, done };
  return done;
}

// SignInCallback is where the provider sends the browser back (the
// redirect URI, /signin/callback).
export function SignInCallback({ onSignIn }: { onSignIn: (token: string) => void }) {
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    finish(window.location.href).then(
      (token) => {
        if (!live) return;
        onSignIn(token);
        // Replace the callback, code and state included, in the history.
        navigate("/experiments", { replace: true });
      },
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, [navigate, onSignIn]);
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      {error ? (
        <>
          <p className="error" role="alert">Sign-in refused: {error}.</p>
          <p><Link to="/signin" replace>Start again</Link></p>
        </>
      ) : (
        <p className="muted">Finishing the sign-in…</p>
      )}
    </section>
  );
}
