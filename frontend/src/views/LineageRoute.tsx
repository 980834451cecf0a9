import { lazy, Suspense, useEffect } from "react";
import { useParams, useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { Loading } from "../components/States";
import { elkInput, warmUpGraph } from "../lib/graph";
import { warmUp } from "../lib/layout";
import { parseLineageState } from "../lib/url";
import { LineageQuery, lineageVariables } from "./lineageQueries";

// The view carries React Flow: loaded when first opened.
const Lineage = lazy(() => import("./Lineage"));

// LineageRoute starts the three slow things of the lineage view at once:
// the walk (the view's identical query is then answered from the client's
// cache or joins it in flight), the layout engine's warm-up, and the
// view's code.
export function LineageRoute() {
  const { id = "" } = useParams();
  const [params] = useSearchParams();
  useQuery({ query: LineageQuery, variables: lineageVariables(id, parseLineageState(params)) });
  useEffect(() => warmUp(elkInput(warmUpGraph())), []);
  return (
    <Suspense fallback={<Loading what="the lineage view" />}>
      <Lineage />
    </Suspense>
  );
}
