/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  subscription Events($after: String) {\n    events(after: $after) { cursor seq at actor projectKey kind targetId payload }\n  }\n": typeof types.EventsDocument,
    "\n  query Experiment($id: ID!) {\n    node(id: $id) {\n      ... on Experiment {\n        id name description projectKey\n        runs(first: 100) {\n          totalCount\n          edges { node { id name status startedAt params { key value } metrics { key latest { value step } } } }\n        }\n      }\n    }\n  }\n": typeof types.ExperimentDocument,
    "\n  query Projects {\n    projects(first: 20) {\n      edges { node { key name myRole experiments(first: 50) { totalCount edges { node { id name description createdAt runs(first: 1) { totalCount } } } } } }\n    }\n  }\n": typeof types.ProjectsDocument,
    "\n  query Lineage($id: ID!, $direction: LineageDirection, $depth: Int, $maxNodes: Int, $kinds: [NodeKind!], $asOf: Time) {\n    lineage(id: $id, direction: $direction, depth: $depth, maxNodes: $maxNodes, kinds: $kinds, asOf: $asOf) {\n      root truncated truncatedBy\n      nodes { id kind name distance hasMore projectKey }\n      edges { from to kind hops }\n    }\n  }\n": typeof types.LineageDocument,
    "\n  query Me {\n    me { subject expiresAt grants { projectKey role } }\n  }\n": typeof types.MeDocument,
};
const documents: Documents = {
    "\n  subscription Events($after: String) {\n    events(after: $after) { cursor seq at actor projectKey kind targetId payload }\n  }\n": types.EventsDocument,
    "\n  query Experiment($id: ID!) {\n    node(id: $id) {\n      ... on Experiment {\n        id name description projectKey\n        runs(first: 100) {\n          totalCount\n          edges { node { id name status startedAt params { key value } metrics { key latest { value step } } } }\n        }\n      }\n    }\n  }\n": types.ExperimentDocument,
    "\n  query Projects {\n    projects(first: 20) {\n      edges { node { key name myRole experiments(first: 50) { totalCount edges { node { id name description createdAt runs(first: 1) { totalCount } } } } } }\n    }\n  }\n": types.ProjectsDocument,
    "\n  query Lineage($id: ID!, $direction: LineageDirection, $depth: Int, $maxNodes: Int, $kinds: [NodeKind!], $asOf: Time) {\n    lineage(id: $id, direction: $direction, depth: $depth, maxNodes: $maxNodes, kinds: $kinds, asOf: $asOf) {\n      root truncated truncatedBy\n      nodes { id kind name distance hasMore projectKey }\n      edges { from to kind hops }\n    }\n  }\n": types.LineageDocument,
    "\n  query Me {\n    me { subject expiresAt grants { projectKey role } }\n  }\n": types.MeDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription Events($after: String) {\n    events(after: $after) { cursor seq at actor projectKey kind targetId payload }\n  }\n"): (typeof documents)["\n  subscription Events($after: String) {\n    events(after: $after) { cursor seq at actor projectKey kind targetId payload }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Experiment($id: ID!) {\n    node(id: $id) {\n      ... on Experiment {\n        id name description projectKey\n        runs(first: 100) {\n          totalCount\n          edges { node { id name status startedAt params { key value } metrics { key latest { value step } } } }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Experiment($id: ID!) {\n    node(id: $id) {\n      ... on Experiment {\n        id name description projectKey\n        runs(first: 100) {\n          totalCount\n          edges { node { id name status startedAt params { key value } metrics { key latest { value step } } } }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Projects {\n    projects(first: 20) {\n      edges { node { key name myRole experiments(first: 50) { totalCount edges { node { id name description createdAt runs(first: 1) { totalCount } } } } } }\n    }\n  }\n"): (typeof documents)["\n  query Projects {\n    projects(first: 20) {\n      edges { node { key name myRole experiments(first: 50) { totalCount edges { node { id name description createdAt runs(first: 1) { totalCount } } } } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Lineage($id: ID!, $direction: LineageDirection, $depth: Int, $maxNodes: Int, $kinds: [NodeKind!], $asOf: Time) {\n    lineage(id: $id, direction: $direction, depth: $depth, maxNodes: $maxNodes, kinds: $kinds, asOf: $asOf) {\n      root truncated truncatedBy\n      nodes { id kind name distance hasMore projectKey }\n      edges { from to kind hops }\n    }\n  }\n"): (typeof documents)["\n  query Lineage($id: ID!, $direction: LineageDirection, $depth: Int, $maxNodes: Int, $kinds: [NodeKind!], $asOf: Time) {\n    lineage(id: $id, direction: $direction, depth: $depth, maxNodes: $maxNodes, kinds: $kinds, asOf: $asOf) {\n      root truncated truncatedBy\n      nodes { id kind name distance hasMore projectKey }\n      edges { from to kind hops }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me { subject expiresAt grants { projectKey role } }\n  }\n"): (typeof documents)["\n  query Me {\n    me { subject expiresAt grants { projectKey role } }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;