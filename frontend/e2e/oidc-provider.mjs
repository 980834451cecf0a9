// A real OpenID provider for the single sign-on browser test: panva's
// oidc-provider (an OpenID Certified implementation), with one public
// client (the explorer, authorization code with PKCE), two test people
// with passwords, and its own login and consent pages. It issues JWT
// access tokens for the hub's resource indicator, carrying the person's
// groups and roles claims, signed with an RSA key made at start-up and
// published at /jwks.
//
// Usage: node e2e/oidc-provider.mjs
//   OIDC_PORT     port to listen on (127.0.0.1)
//   OIDC_HUB      the hub's origin, e.g. http://127.0.0.1:8081: the client's
//                 redirect URI is <hub>/signin/callback
//   OIDC_RESOURCE the hub's resource indicator, e.g. urn:exphub:e2e
//   OIDC_AUDIENCE the audience of the access tokens (the hub's)
// It prints "oidc-provider listening on <issuer>" once it serves.
import { generateKeyPairSync, randomBytes, timingSafeEqual } from "node:crypto";
import { Provider, errors } from "oidc-provider";

const port = Number(process.env.OIDC_PORT);
const hub = process.env.OIDC_HUB;
const resource = process.env.OIDC_RESOURCE;
const audience = process.env.OIDC_AUDIENCE;
if (!port || !hub || !resource || !audience) throw new Error("OIDC_PORT, OIDC_HUB, OIDC_RESOURCE and OIDC_AUDIENCE must be set");
const issuer = `http://127.0.0.1:${port}`;

// The people who may sign in. Their groups go into the groups claim (the
// hub maps them to roles); rolesClaim is a roles claim of its own, under a
// namespaced name as providers such as Auth0 require.
const people = {
  ada: { password: "ada-password-e2e", name: "Ada Lovelace", groups: ["risk"], roles: { pipelines: "viewer" } },
  bob: { password: "bob-password-e2e", name: "Bob Builder", groups: ["sales"], roles: {} },
};
const rolesClaim = "https://exphub.test/roles";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: "jwk" }), kid: "e2e-" + randomBytes(4).toString("hex"), use: "sig", alg: "RS256" };

const provider = new Provider(issuer, {
  clients: [{
    client_id: "exphub-explorer",
    token_endpoint_auth_method: "none",
    application_type: "web",
    grant_types: ["authorization_code"],
    response_types: ["code"],
    redirect_uris: [`${hub}/signin/callback`],
    post_logout_redirect_uris: [`${hub}/signin`],
  }],
  jwks: { keys: [jwk] },
  cookies: { keys: [randomBytes(32).toString("hex")] },
  claims: { openid: ["sub"], profile: ["name"] },
  pkce: { required: () => true },
  // The explorer exchanges the code from the browser: the token endpoint
  // answers its origin (the client's redirect URIs' origins), no other.
  clientBasedCORS: (ctx, origin, client) => client.redirectUris.some((u) => new URL(u).origin === origin),
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: (ctx, form) => {
        ctx.body = page("Sign out of the test provider", `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>`);
      },
      postLogoutSuccessSource: (ctx) => {
        ctx.body = page("Signed out", "<p>You are signed out of the test provider.</p>");
      },
    },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => undefined,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, indicator) => {
        if (indicator !== resource) throw new errors.InvalidTarget();
        return { scope: "", audience, accessTokenTTL: 3600, accessTokenFormat: "jwt", jwt: { sign: { alg: "RS256" } } };
      },
    },
  },
  extraTokenClaims: (ctx, token) => {
    const p = people[token.accountId];
    return p && token.kind === "AccessToken" ? { groups: p.groups, [rolesClaim]: p.roles } : undefined;
  },
  findAccount: (ctx, sub) => people[sub] && { accountId: sub, claims: () => ({ sub, name: people[sub].name }) },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // The library's own pages load web fonts; these load nothing.
  renderError: (ctx, out) => {
    ctx.type = "html";
    ctx.body = page("Error", `<p role="alert">${escape(out.error)}: ${escape(out.error_description ?? "")}</p>`);
  },
});

// The login and consent pages (the library leaves them to the host).
const page = (title, body) => `<!doctype html><meta charset="utf-8"><title>${title}</title>
<style>body{font:16px system-ui;max-width:28em;margin:4em auto}input,button{display:block;margin:.5em 0;font:inherit}</style>
<h1>${title}</h1>${body}`;
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function samePassword(a, b) {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function form(ctx) {
  const chunks = [];
  for await (const c of ctx.req) chunks.push(c);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

provider.use(async (ctx, next) => {
  const m = ctx.path.match(/^\/interaction\/([\w-]+)(\/login|\/consent)?$/);
  if (!m) return next();
  ctx.set("Cache-Control", "no-store");
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const { prompt, params, session, grantId } = details;
  if (ctx.method === "GET" && !m[2]) {
    ctx.type = "html";
    if (prompt.name === "login") {
      ctx.body = page("Sign in to the test provider", `<form method="post" action="/interaction/${details.uid}/login">
<label>Username <input name="login" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
${ctx.query.failed ? `<p role="alert">Wrong username or password.</p>` : ""}
<button type="submit">Sign in</button></form>`);
    } else {
      ctx.body = page("Allow access", `<p><strong>${escape(params.client_id)}</strong> asks for: ${escape(params.scope)}</p>
<form method="post" action="/interaction/${details.uid}/consent"><button type="submit">Allow</button></form>`);
    }
    return;
  }
  if (ctx.method !== "POST") return next();
  if (m[2] === "/login") {
    const body = await form(ctx);
    const who = body.get("login") ?? "";
    const person = Object.hasOwn(people, who) ? people[who] : null;
    if (!person || !samePassword(body.get("password") ?? "", person.password)) {
      ctx.redirect(`/interaction/${details.uid}?failed=1`);
      return;
    }
    await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: who } }, { mergeWithLastSubmission: false });
    return;
  }
  if (m[2] === "/consent" && prompt.name === "consent") {
    const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const d = prompt.details;
    if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(" "));
    if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(" "));
    // The hub's resource has no scopes of its own; granting it is what
    // lets the token endpoint issue an access token for it.
    if (params.resource) grant.addResourceScope(params.resource, "");
    await provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    return;
  }
  return next();
});

provider.listen(port, "127.0.0.1", () => console.log(`oidc-provider listening on ${issuer}`));
