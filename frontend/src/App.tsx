import { lazy, Suspense, useCallback, useMemo, useState } from "react";
import { Link, NavLink, Navigate, Route, Routes, useSearchParams } from "react-router-dom";
import { Provider } from "urql";
import { getToken, makeClient, setToken } from "./api";
import { SignIn, SignInCallback } from "./views/SignIn";
import { getIdToken, loadSignInConfig, setIdToken } from "./lib/signin";
import { Experiments } from "./views/Experiments";
import { Experiment } from "./views/Experiment";
import { Activity } from "./views/Activity";
import { Loading } from "./components/States";
import { LineageRoute } from "./views/LineageRoute";
import { ApprovalsNav } from "./components/ApprovalsNav";

// Views with charts carry uPlot; the rest are small but rarely the first
// page, so every view but the experiments list loads when first opened.
const Run = lazy(() => import("./views/Run"));
const Compare = lazy(() => import("./views/Compare"));
const Catalog = lazy(() => import("./views/Catalog"));
const Dataset = lazy(() => import("./views/Dataset"));
const FeatureViews = lazy(() => import("./views/FeatureViews"));
const Templates = lazy(() => import("./views/Templates"));
const Template = lazy(() => import("./views/Template"));
const Job = lazy(() => import("./views/Job"));
const Model = lazy(() => import("./views/Model"));
const Impact = lazy(() => import("./views/Impact"));
const Audit = lazy(() => import("./views/Audit"));
const Approvals = lazy(() => import("./views/Approvals"));
const Report = lazy(() => import("./views/Report"));
const GovernanceDashboard = lazy(() => import("./views/GovernanceDashboard"));
const QualityDashboard = lazy(() => import("./views/QualityDashboard"));

export function App() {
  const [params] = useSearchParams();
  // The make run banner links here with ?token=…: sign in and drop it
  // from the address bar.
  const linked = params.get("token");
  if (linked) {
    setToken(linked);
    setIdToken(null);
    params.delete("token");
    window.history.replaceState(null, "", `${window.location.pathname}${params.size ? `?${params}` : ""}`);
  }
  const [token, setTok] = useState<string | null>(getToken());
  const client = useMemo(() => makeClient(token), [token]);
  const signIn = useCallback((t: string) => {
    setToken(t);
    setTok(t);
  }, []);
  const signOut = () => {
    const idToken = getIdToken();
    setToken(null);
    setIdToken(null);
    setTok(null);
    // A single sign-on session ends at the provider too, which then sends
    // the browser back to the sign-in page.
    if (idToken) {
      loadSignInConfig()
        .then(async ({ oidc }) => (oidc ? (await import("./lib/oidc")).endSessionUrl(oidc, idToken, window.location.origin) : null))
        .then((url) => url && window.location.assign(url))
        .catch(() => {
          // Signed out here; the provider's session stays until it ends.
        });
    }
  };
  return (
    <Provider value={client}>
      <header className="bar">
        <Link to="/" className="brand">exphub</Link>
        {token && (
          <nav>
            <NavLink to="/experiments">Experiments</NavLink>
            <NavLink to="/catalog">Datasets and models</NavLink>
            <NavLink to="/feature-views">Feature views</NavLink>
            <NavLink to="/templates">Templates</NavLink>
            <NavLink to="/activity">Activity</NavLink>
            <ApprovalsNav />
            <NavLink to="/audit">Audit log</NavLink>
            <NavLink to="/report">Reports</NavLink>
            <NavLink to="/dashboards/quality">Quality</NavLink>
            <NavLink to="/dashboards/governance">Governance</NavLink>
          </nav>
        )}
        <span className="spacer" />
        {token ? <button onClick={signOut}>Sign out</button> : <NavLink to="/signin">Sign in</NavLink>}
      </header>
      <main>
        <Suspense fallback={<Loading what="the view" />}>
          <Routes>
            <Route path="/signin" element={<SignIn onSignIn={(t) => { setIdToken(null); signIn(t); }} />} />
            <Route path="/signin/callback" element={<SignInCallback onSignIn={signIn} />} />
            {token ? (
              <>
                <Route path="/" element={<Navigate to="/experiments" replace />} />
                <Route path="/experiments" element={<Experiments />} />
                <Route path="/experiments/:id" element={<Experiment />} />
                <Route path="/runs/:id" element={<Run />} />
                <Route path="/compare" element={<Compare />} />
                <Route path="/catalog" element={<Catalog />} />
                <Route path="/datasets/:id" element={<Dataset />} />
                <Route path="/feature-views" element={<FeatureViews />} />
                <Route path="/templates" element={<Templates />} />
                <Route path="/templates/:id" element={<Template />} />
                <Route path="/jobs/:id" element={<Job />} />
                <Route path="/models/:id" element={<Model />} />
                <Route path="/lineage/:id" element={<LineageRoute />} />
                <Route path="/impact/:id" element={<Impact />} />
                <Route path="/audit" element={<Audit />} />
                <Route path="/activity" element={<Activity />} />
                <Route path="/approvals" element={<Approvals />} />
                <Route path="/report" element={<Report />} />
                <Route path="/dashboards/governance" element={<GovernanceDashboard />} />
                <Route path="/dashboards/quality" element={<QualityDashboard />} />
                <Route path="*" element={<p>Nothing here. <Link to="/">Back to the start</Link>.</p>} />
              </>
            ) : (
              <Route path="*" element={<Navigate to="/signin" replace />} />
            )}
          </Routes>
        </Suspense>
      </main>
    </Provider>
  );
}
