// How the explorer signs people in: the hub's GET /auth/config says
// whether single sign-on with an OpenID provider is offered. This module
// is small and loads with the first page; the OpenID Connect flow itself
// (lib/oidc) loads only when someone signs in with the provider.

// OIDCConfig is the hub's single sign-on setting (internal/api/signin.go).
export interface OIDCConfig {
  issuer: string;
  clientId: string;
  scope: string;
  resource?: string;
  providerName: string;
}

export interface SignInConfig {
  oidc: OIDCConfig | null;
}

let config: Promise<SignInConfig> | null = null;

// loadSignInConfig asks the hub once per page load; a failed answer is
// forgotten so the next call asks again.
export function loadSignInConfig(): Promise<SignInConfig> {
  config ??= fetch(new URL("/auth/config", window.location.href), { headers: { Accept: "application/json" } })
    .then(async (res) => {
      if (!res.ok) throw new Error(`the hub answered ${res.status} for its sign-in settings`);
      return parseSignInConfig(await res.json());
    })
    .catch((err: unknown) => {
      config = null;
      throw err;
    });
  return config;
}

// parseSignInConfig checks the hub's answer's shape.
export function parseSignInConfig(body: unknown): SignInConfig {
  const oidc = (body as { oidc?: unknown } | null)?.oidc;
  if (oidc == null) return { oidc: null };
  const o = oidc as Record<string, unknown>;
  for (const k of ["issuer", "clientId", "scope", "providerName"]) {
    if (typeof o[k] !== "string" || !o[k]) throw new Error(`the hub's sign-in settings lack ${k}`);
  }
  if (o.resource !== undefined && typeof o.resource !== "string") throw new Error("the hub's sign-in settings have a bad resource");
  return { oidc: o as unknown as OIDCConfig };
}

// The ID token of a single sign-on session is kept beside the access token
// (api.ts) for one use: telling the provider who signs out.
const ID_TOKEN_KEY = "exphub.idToken";

export function getIdToken(): string | null {
  return localStorage.getItem(ID_TOKEN_KEY);
}

export function setIdToken(token: string | null): void {
  if (token) localStorage.setItem(ID_TOKEN_KEY, token);
  else localStorage.removeItem(ID_TOKEN_KEY);
}
