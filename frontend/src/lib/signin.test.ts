import { describe, expect, it } from "vitest";
import { parseSignInConfig } from "./signin";
import { authorizationUrl, redirectUri } from "./oidc";

describe("parseSignInConfig", () => {
  it("reads no single sign-on", () => {
    expect(parseSignInConfig({ oidc: null })).toEqual({ oidc: null });
    expect(parseSignInConfig({})).toEqual({ oidc: null });
  });
  it("reads the provider's settings", () => {
    const oidc = { issuer: "https://idp.example.com", clientId: "explorer", scope: "openid profile", providerName: "Corp SSO" };
    expect(parseSignInConfig({ oidc })).toEqual({ oidc });
  });
  it("refuses settings that lack what the flow needs", () => {
    expect(() => parseSignInConfig({ oidc: { issuer: "https://idp", scope: "openid", providerName: "x" } })).toThrow(/clientId/);
    expect(() => parseSignInConfig({ oidc: { issuer: "https://idp", clientId: "c", scope: "openid", providerName: "x", resource: 3 } })).toThrow(/resource/);
  });
});

describe("authorizationUrl", () => {
  const cfg = { issuer: "https://idp.example.com", clientId: "explorer", scope: "openid profile", providerName: "Corp" };
  const p = { redirectUri: redirectUri("https://hub.example.com"), challenge: "ch", state: "st", nonce: "no" };
  it("asks for a code with PKCE S256, state and nonce", () => {
    const u = authorizationUrl({ authorization_endpoint: "https://idp.example.com/auth?tenant=a" }, cfg, p);
    expect(u.origin + u.pathname).toBe("https://idp.example.com/auth");
    expect(Object.fromEntries(u.searchParams)).toEqual({
      tenant: "a",
      client_id: "explorer",
      redirect_uri: "https://hub.example.com/signin/callback",
      response_type: "code",
      scope: "openid profile",
      code_challenge: "ch",
      code_challenge_method: "S256",
      state: "st",
      nonce: "no",
    });
  });
  it("names the hub's resource when there is one", () => {
    const u = authorizationUrl({ authorization_endpoint: "https://idp.example.com/auth" }, { ...cfg, resource: "https://hub.example.com" }, p);
    expect(u.searchParams.get("resource")).toBe("https://hub.example.com");
  });
  it("refuses a provider without an authorization endpoint", () => {
    expect(() => authorizationUrl({}, cfg, p)).toThrow(/authorization endpoint/);
  });
});
