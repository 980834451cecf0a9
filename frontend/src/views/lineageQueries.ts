// The lineage view's operations, apart from the view itself: the route
// starts the walk while the view's code (React Flow) is still loading.
import { graphql } from "../gql";
import type { NodeKind } from "../gql/graphql";
import type { LineageState } from "../lib/url";

export const LineageQuery = graphql(`
  query Lineage($id: ID!, $direction: LineageDirection, $depth: Int, $maxNodes: Int, $kinds: [NodeKind!], $asOf: Time) {
    lineage(id: $id, direction: $direction, depth: $depth, maxNodes: $maxNodes, kinds: $kinds, asOf: $asOf) {
      root truncated truncatedBy
      nodes { id kind name distance hasMore projectKey health }
      edges { from to kind hops }
    }
  }
`);

export const PathQuery = graphql(`
  query LineagePath($from: ID!, $to: ID!, $asOf: Time) {
    lineagePath(from: $from, to: $to, asOf: $asOf) {
      root truncated truncatedBy
      nodes { id kind name distance hasMore projectKey }
      edges { from to kind hops }
    }
  }
`);

// FeastKindsQuery asks which dataset and dataset-version nodes are Feast
// objects; the view sends it after the walk, for at most a few hundred
// nodes (lib/featureviews).
export const FeastKindsQuery = graphql(`
  query LineageFeastKinds($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      ... on Dataset { id feastKind }
      ... on DatasetVersion { id dataset { id feastKind } }
    }
  }
`);

export function lineageVariables(id: string, s: LineageState) {
  return { id, direction: s.direction, depth: s.depth, maxNodes: s.maxNodes, kinds: s.kinds.length ? (s.kinds as NodeKind[]) : null, asOf: s.asOf };
}
