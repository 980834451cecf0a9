// Single sign-on with an OpenID provider: the authorization code flow with
// PKCE (S256), state and nonce, as a public client running in the browser,
// built on oauth4webapi (panva's OAuth 2 / OpenID Connect client, no
// hand-rolled protocol or crypto). Loaded lazily: only someone who signs in
// with the provider fetches it.
//
// The token the explorer sends to the hub is the access token: it is the
// credential meant for an API (audience: the hub), while the ID token is
// meant for this client (audience: its client ID) and says who signed in.
import * as oauth from "oauth4webapi";
import type { OIDCConfig } from "./signin";

// What a started sign-in needs when the provider sends the browser back:
// kept in this tab's session storage, used once.
interface Pending {
  issuer: string;
  clientId: string;
  redirectUri: string;
  state: string;
  nonce: string;
  verifier: string;
}

const PENDING_KEY = "exphub.oidc.pending";

// redirectUri is where the provider sends the browser back: register it
// with the provider for the explorer's client.
export function redirectUri(origin: string): string {
  return `${origin}/signin/callback`;
}

// requestOptions allows plain http only to a provider on this machine
// (the hub's configuration refuses any other http issuer).
function requestOptions(issuer: URL): { [oauth.allowInsecureRequests]?: boolean } {
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(issuer.hostname);
  return issuer.protocol === "http:" && loopback ? { [oauth.allowInsecureRequests]: true } : {};
}

async function discover(cfg: OIDCConfig): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(cfg.issuer);
  const res = await oauth.discoveryRequest(issuer, { algorithm: "oidc", ...requestOptions(issuer) });
  return oauth.processDiscoveryResponse(issuer, res);
}

// authorizationUrl is the provider's authorization request for one
// sign-in.
export function authorizationUrl(
  as: Pick<oauth.AuthorizationServer, "authorization_endpoint">,
  cfg: OIDCConfig,
  p: { redirectUri: string; challenge: string; state: string; nonce: string },
): URL {
  if (!as.authorization_endpoint) throw new Error("the provider names no authorization endpoint");
  const url = new URL(as.authorization_endpoint);
  const q = url.searchParams;
  q.set("client_id", cfg.clientId);
  q.set("redirect_uri", p.redirectUri);
  q.set("response_type", "code");
  q.set("scope", cfg.scope);
  q.set("code_challenge", p.challenge);
  q.set("code_challenge_method", "S256");
  q.set("state", p.state);
  q.set("nonce", p.nonce);
  if (cfg.resource) q.set("resource", cfg.resource);
  return url;
}

// startSignIn prepares a sign-in and returns the provider's URL to send
// the browser to.
export async function startSignIn(cfg: OIDCConfig, origin: string): Promise<URL> {
  const as = await discover(cfg);
  const verifier = oauth.generateRandomCodeVerifier();
  const pending: Pending = {
    issuer: cfg.issuer,
    clientId: cfg.clientId,
    redirectUri: redirectUri(origin),
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    verifier,
  };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  return authorizationUrl(as, cfg, { ...pending, challenge: await oauth.calculatePKCECodeChallenge(verifier) });
}

export interface SignedIn {
  accessToken: string;
  idToken: string;
  subject: string;
}

// finishSignIn checks the provider's answer at the redirect URI against
// the sign-in this tab started (state; then the ID token's nonce, issuer
// and audience) and exchanges the code, with the PKCE verifier, for tokens.
// A started sign-in is used once, whatever the outcome.
export async function finishSignIn(cfg: OIDCConfig, current: URL): Promise<SignedIn> {
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  if (!raw) throw new Error("no sign-in was started in this tab, or it has already been used");
  const pending = JSON.parse(raw) as Pending;
  if (pending.issuer !== cfg.issuer || pending.clientId !== cfg.clientId) {
    throw new Error("the hub's sign-in settings changed during the sign-in");
  }
  const error = current.searchParams.get("error");
  if (error) {
    throw new Error(`the provider refused: ${current.searchParams.get("error_description") ?? error}`);
  }
  // oauth4webapi checks the state too; checking it first gives the
  // reason in words.
  if (current.searchParams.get("state") !== pending.state) {
    throw new Error("the answer does not belong to the sign-in this tab started (state mismatch)");
  }
  const as = await discover(cfg);
  const client: oauth.Client = { client_id: cfg.clientId };
  const params = oauth.validateAuthResponse(as, client, current, pending.state);
  const opts = requestOptions(new URL(cfg.issuer));
  const res = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, pending.redirectUri, pending.verifier, {
    ...opts,
    additionalParameters: cfg.resource ? { resource: cfg.resource } : undefined,
  });
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, res, { expectedNonce: pending.nonce, requireIdToken: true });
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  if (!tokens.id_token || !claims) throw new Error("the provider sent no ID token");
  return { accessToken: tokens.access_token, idToken: tokens.id_token, subject: claims.sub };
}

// endSessionUrl is the provider's sign-out for the session of idToken
// (RP-initiated logout), sending the browser back to the sign-in page;
// null when the provider offers none.
export async function endSessionUrl(cfg: OIDCConfig, idToken: string, origin: string): Promise<URL | null> {
  const as = await discover(cfg);
  if (!as.end_session_endpoint) return null;
  const url = new URL(as.end_session_endpoint);
  url.searchParams.set("client_id", cfg.clientId);
  url.searchParams.set("id_token_hint", idToken);
  url.searchParams.set("post_logout_redirect_uri", `${origin}/signin`);
  return url;
}
