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
    "\n  query ProjectPicker($q: String) {\n    projects(filter: { nameContains: $q }, first: 20) { totalCount edges { node { key name myRole } } }\n  }\n": typeof types.ProjectPickerDocument,
    "\n  query PickedProject($key: String!) {\n    project(key: $key) { key name myRole }\n  }\n": typeof types.PickedProjectDocument,
    "\n  query QualityIssuesUpstream($id: ID!) {\n    qualityIssuesUpstream(id: $id) {\n      status distance\n      datasetVersion { id version dataset { id name } }\n      failingRuns { id suiteName }\n      failingRules { index type column verdict observed }\n    }\n  }\n": typeof types.QualityIssuesUpstreamDocument,
    "\n  query VersionValidationRuns($id: ID!) {\n    node(id: $id) {\n      ... on DatasetVersion {\n        id qualityStatus health\n        validationRuns(first: 20) {\n          totalCount\n          edges {\n            node {\n              id status suiteName suiteVersion engine engineVersion startedAt finishedAt createdBy rowCount sha256\n              error { code message row column }\n              statistics { evaluated passed failed errored }\n              results { index type name column columns severity verdict observed elementCount unexpectedCount unexpectedPercent unexpectedSample message }\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.VersionValidationRunsDocument,
    "\n  query RecentEvents {\n    recentEvents(last: 50) { cursor events { cursor seq at actor projectKey kind targetId payload } }\n  }\n": typeof types.RecentEventsDocument,
    "\n  subscription Events($after: String) {\n    events(after: $after) { cursor seq at actor projectKey kind targetId payload }\n  }\n": typeof types.EventsDocument,
    "\n  query Audit($filter: EventFilter, $after: String) {\n    auditEvents(filter: $filter, first: 50, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { cursor seq at actor projectKey kind targetId payload prevHash hash } }\n    }\n  }\n": typeof types.AuditDocument,
    "\n  query Catalog($projectKey: String!, $q: String) {\n    datasets(projectKey: $projectKey, filter: { nameContains: $q }, first: 100) {\n      totalCount\n      edges { node { id namespace name description versions(first: 1) { totalCount edges { node { version createdAt } } } } }\n    }\n    models(projectKey: $projectKey, filter: { nameContains: $q }, first: 100) {\n      totalCount\n      edges { node { id name versions(first: 1) { totalCount edges { node { version stage createdAt } } } } }\n    }\n  }\n": typeof types.CatalogDocument,
    "\n  query CompareRuns($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      ... on Run {\n        id name status projectKey startedAt\n        experiment { id name }\n        params { key value }\n        metrics { key latest { value step } history { step value timestamp } }\n      }\n    }\n  }\n": typeof types.CompareRunsDocument,
    "\n  query Dataset($id: ID!) {\n    node(id: $id) {\n      ... on Dataset {\n        id namespace name description projectKey createdAt createdBy\n        validationSuites(first: 20) { totalCount edges { node { id name version ruleCount updatedAt updatedBy } } }\n        versions(first: 50) {\n          totalCount\n          edges {\n            node {\n              id version uri digest rowCount createdAt createdBy qualityStatus health\n              schema { name type nullable }\n              producedBy { id name experiment { id name } }\n              consumedBy { id name projectKey experiment { id name } }\n              derivedFrom { id version dataset { id name } }\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.DatasetDocument,
    "\n  query EventHead {\n    recentEvents(last: 0) { cursor }\n  }\n": typeof types.EventHeadDocument,
    "\n  subscription ValidationCompleted($datasetId: ID!, $after: String) {\n    validationCompleted(datasetId: $datasetId, after: $after) { cursor seq payload }\n  }\n": typeof types.ValidationCompletedDocument,
    "\n  mutation RunValidation($suiteId: ID!, $versionId: ID!) {\n    runValidation(input: { suiteId: $suiteId, datasetVersionId: $versionId }) { validationRun { id status } }\n  }\n": typeof types.RunValidationDocument,
    "\n  query Experiment($id: ID!) {\n    node(id: $id) {\n      ... on Experiment {\n        id name description projectKey\n        runs(first: 100) {\n          totalCount\n          edges { node { id name status startedAt params { key value } metrics { key latest { value step } } } }\n        }\n      }\n    }\n  }\n": typeof types.ExperimentDocument,
    "\n  query Experiments($projectKey: String!, $q: String, $after: String) {\n    experiments(projectKey: $projectKey, filter: { nameContains: $q }, first: 50, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id name description createdAt createdBy runs(first: 1) { totalCount } } }\n    }\n  }\n": typeof types.ExperimentsDocument,
    "\n  query Impact($id: ID!, $depth: Int, $asOf: Time) {\n    impact(id: $id, depth: $depth, asOf: $asOf) {\n      root totalAffected hiddenAffected truncated truncatedBy openPromotionRequests owners atRisk\n      runs { id kind name projectKey distance owner }\n      datasetVersions { id kind name projectKey distance owner }\n      modelVersions { id name projectKey distance owner stage inProduction }\n    }\n  }\n": typeof types.ImpactDocument,
    "\n  query ImpactRoot($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Run { name }\n      ... on Dataset { name }\n      ... on DatasetVersion { version dataset { name } }\n      ... on Model { name }\n      ... on ModelVersion { number: version model { name } }\n      ... on Experiment { name }\n    }\n  }\n": typeof types.ImpactRootDocument,
    "\n  query Model($id: ID!) {\n    node(id: $id) {\n      ... on Model {\n        id name projectKey createdAt createdBy\n        versions(first: 50) {\n          totalCount\n          edges { node { id version uri stage createdAt createdBy run { id name experiment { id name } } } }\n        }\n      }\n    }\n  }\n": typeof types.ModelDocument,
    "\n  query Run($id: ID!) {\n    node(id: $id) {\n      ... on Run {\n        id name status projectKey startedAt endedAt createdBy seed\n        experiment { id name }\n        params { key value }\n        tags { key value }\n        code { repo commit dirty }\n        environment { imageDigest lockfileHash platform }\n        metrics { key count latest { value step } history { step value timestamp } }\n        inputs { id version digest dataset { id name namespace } }\n        outputs { id version digest dataset { id name namespace } }\n        modelOutputs { id version stage model { id name } }\n      }\n    }\n  }\n": typeof types.RunDocument,
    "\n  query Me {\n    me { subject expiresAt grants { projectKey role } }\n  }\n": typeof types.MeDocument,
    "\n  query Lineage($id: ID!, $direction: LineageDirection, $depth: Int, $maxNodes: Int, $kinds: [NodeKind!], $asOf: Time) {\n    lineage(id: $id, direction: $direction, depth: $depth, maxNodes: $maxNodes, kinds: $kinds, asOf: $asOf) {\n      root truncated truncatedBy\n      nodes { id kind name distance hasMore projectKey health }\n      edges { from to kind hops }\n    }\n  }\n": typeof types.LineageDocument,
    "\n  query LineagePath($from: ID!, $to: ID!, $asOf: Time) {\n    lineagePath(from: $from, to: $to, asOf: $asOf) {\n      root truncated truncatedBy\n      nodes { id kind name distance hasMore projectKey }\n      edges { from to kind hops }\n    }\n  }\n": typeof types.LineagePathDocument,
};
const documents: Documents = {
    "\n  query ProjectPicker($q: String) {\n    projects(filter: { nameContains: $q }, first: 20) { totalCount edges { node { key name myRole } } }\n  }\n": types.ProjectPickerDocument,
    "\n  query PickedProject($key: String!) {\n    project(key: $key) { key name myRole }\n  }\n": types.PickedProjectDocument,
    "\n  query QualityIssuesUpstream($id: ID!) {\n    qualityIssuesUpstream(id: $id) {\n      status distance\n      datasetVersion { id version dataset { id name } }\n      failingRuns { id suiteName }\n      failingRules { index type column verdict observed }\n    }\n  }\n": types.QualityIssuesUpstreamDocument,
    "\n  query VersionValidationRuns($id: ID!) {\n    node(id: $id) {\n      ... on DatasetVersion {\n        id qualityStatus health\n        validationRuns(first: 20) {\n          totalCount\n          edges {\n            node {\n              id status suiteName suiteVersion engine engineVersion startedAt finishedAt createdBy rowCount sha256\n              error { code message row column }\n              statistics { evaluated passed failed errored }\n              results { index type name column columns severity verdict observed elementCount unexpectedCount unexpectedPercent unexpectedSample message }\n            }\n          }\n        }\n      }\n    }\n  }\n": types.VersionValidationRunsDocument,
    "\n  query RecentEvents {\n    recentEvents(last: 50) { cursor events { cursor seq at actor projectKey kind targetId payload } }\n  }\n": types.RecentEventsDocument,
    "\n  subscription Events($after: String) {\n    events(after: $after) { cursor seq at actor projectKey kind targetId payload }\n  }\n": types.EventsDocument,
    "\n  query Audit($filter: EventFilter, $after: String) {\n    auditEvents(filter: $filter, first: 50, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { cursor seq at actor projectKey kind targetId payload prevHash hash } }\n    }\n  }\n": types.AuditDocument,
    "\n  query Catalog($projectKey: String!, $q: String) {\n    datasets(projectKey: $projectKey, filter: { nameContains: $q }, first: 100) {\n      totalCount\n      edges { node { id namespace name description versions(first: 1) { totalCount edges { node { version createdAt } } } } }\n    }\n    models(projectKey: $projectKey, filter: { nameContains: $q }, first: 100) {\n      totalCount\n      edges { node { id name versions(first: 1) { totalCount edges { node { version stage createdAt } } } } }\n    }\n  }\n": types.CatalogDocument,
    "\n  query CompareRuns($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      ... on Run {\n        id name status projectKey startedAt\n        experiment { id name }\n        params { key value }\n        metrics { key latest { value step } history { step value timestamp } }\n      }\n    }\n  }\n": types.CompareRunsDocument,
    "\n  query Dataset($id: ID!) {\n    node(id: $id) {\n      ... on Dataset {\n        id namespace name description projectKey createdAt createdBy\n        validationSuites(first: 20) { totalCount edges { node { id name version ruleCount updatedAt updatedBy } } }\n        versions(first: 50) {\n          totalCount\n          edges {\n            node {\n              id version uri digest rowCount createdAt createdBy qualityStatus health\n              schema { name type nullable }\n              producedBy { id name experiment { id name } }\n              consumedBy { id name projectKey experiment { id name } }\n              derivedFrom { id version dataset { id name } }\n            }\n          }\n        }\n      }\n    }\n  }\n": types.DatasetDocument,
    "\n  query EventHead {\n    recentEvents(last: 0) { cursor }\n  }\n": types.EventHeadDocument,
    "\n  subscription ValidationCompleted($datasetId: ID!, $after: String) {\n    validationCompleted(datasetId: $datasetId, after: $after) { cursor seq payload }\n  }\n": types.ValidationCompletedDocument,
    "\n  mutation RunValidation($suiteId: ID!, $versionId: ID!) {\n    runValidation(input: { suiteId: $suiteId, datasetVersionId: $versionId }) { validationRun { id status } }\n  }\n": types.RunValidationDocument,
    "\n  query Experiment($id: ID!) {\n    node(id: $id) {\n      ... on Experiment {\n        id name description projectKey\n        runs(first: 100) {\n          totalCount\n          edges { node { id name status startedAt params { key value } metrics { key latest { value step } } } }\n        }\n      }\n    }\n  }\n": types.ExperimentDocument,
    "\n  query Experiments($projectKey: String!, $q: String, $after: String) {\n    experiments(projectKey: $projectKey, filter: { nameContains: $q }, first: 50, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id name description createdAt createdBy runs(first: 1) { totalCount } } }\n    }\n  }\n": types.ExperimentsDocument,
    "\n  query Impact($id: ID!, $depth: Int, $asOf: Time) {\n    impact(id: $id, depth: $depth, asOf: $asOf) {\n      root totalAffected hiddenAffected truncated truncatedBy openPromotionRequests owners atRisk\n      runs { id kind name projectKey distance owner }\n      datasetVersions { id kind name projectKey distance owner }\n      modelVersions { id name projectKey distance owner stage inProduction }\n    }\n  }\n": types.ImpactDocument,
    "\n  query ImpactRoot($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Run { name }\n      ... on Dataset { name }\n      ... on DatasetVersion { version dataset { name } }\n      ... on Model { name }\n      ... on ModelVersion { number: version model { name } }\n      ... on Experiment { name }\n    }\n  }\n": types.ImpactRootDocument,
    "\n  query Model($id: ID!) {\n    node(id: $id) {\n      ... on Model {\n        id name projectKey createdAt createdBy\n        versions(first: 50) {\n          totalCount\n          edges { node { id version uri stage createdAt createdBy run { id name experiment { id name } } } }\n        }\n      }\n    }\n  }\n": types.ModelDocument,
    "\n  query Run($id: ID!) {\n    node(id: $id) {\n      ... on Run {\n        id name status projectKey startedAt endedAt createdBy seed\n        experiment { id name }\n        params { key value }\n        tags { key value }\n        code { repo commit dirty }\n        environment { imageDigest lockfileHash platform }\n        metrics { key count latest { value step } history { step value timestamp } }\n        inputs { id version digest dataset { id name namespace } }\n        outputs { id version digest dataset { id name namespace } }\n        modelOutputs { id version stage model { id name } }\n      }\n    }\n  }\n": types.RunDocument,
    "\n  query Me {\n    me { subject expiresAt grants { projectKey role } }\n  }\n": types.MeDocument,
    "\n  query Lineage($id: ID!, $direction: LineageDirection, $depth: Int, $maxNodes: Int, $kinds: [NodeKind!], $asOf: Time) {\n    lineage(id: $id, direction: $direction, depth: $depth, maxNodes: $maxNodes, kinds: $kinds, asOf: $asOf) {\n      root truncated truncatedBy\n      nodes { id kind name distance hasMore projectKey health }\n      edges { from to kind hops }\n    }\n  }\n": types.LineageDocument,
    "\n  query LineagePath($from: ID!, $to: ID!, $asOf: Time) {\n    lineagePath(from: $from, to: $to, asOf: $asOf) {\n      root truncated truncatedBy\n      nodes { id kind name distance hasMore projectKey }\n      edges { from to kind hops }\n    }\n  }\n": types.LineagePathDocument,
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
export function graphql(source: "\n  query ProjectPicker($q: String) {\n    projects(filter: { nameContains: $q }, first: 20) { totalCount edges { node { key name myRole } } }\n  }\n"): (typeof documents)["\n  query ProjectPicker($q: String) {\n    projects(filter: { nameContains: $q }, first: 20) { totalCount edges { node { key name myRole } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PickedProject($key: String!) {\n    project(key: $key) { key name myRole }\n  }\n"): (typeof documents)["\n  query PickedProject($key: String!) {\n    project(key: $key) { key name myRole }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query QualityIssuesUpstream($id: ID!) {\n    qualityIssuesUpstream(id: $id) {\n      status distance\n      datasetVersion { id version dataset { id name } }\n      failingRuns { id suiteName }\n      failingRules { index type column verdict observed }\n    }\n  }\n"): (typeof documents)["\n  query QualityIssuesUpstream($id: ID!) {\n    qualityIssuesUpstream(id: $id) {\n      status distance\n      datasetVersion { id version dataset { id name } }\n      failingRuns { id suiteName }\n      failingRules { index type column verdict observed }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VersionValidationRuns($id: ID!) {\n    node(id: $id) {\n      ... on DatasetVersion {\n        id qualityStatus health\n        validationRuns(first: 20) {\n          totalCount\n          edges {\n            node {\n              id status suiteName suiteVersion engine engineVersion startedAt finishedAt createdBy rowCount sha256\n              error { code message row column }\n              statistics { evaluated passed failed errored }\n              results { index type name column columns severity verdict observed elementCount unexpectedCount unexpectedPercent unexpectedSample message }\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query VersionValidationRuns($id: ID!) {\n    node(id: $id) {\n      ... on DatasetVersion {\n        id qualityStatus health\n        validationRuns(first: 20) {\n          totalCount\n          edges {\n            node {\n              id status suiteName suiteVersion engine engineVersion startedAt finishedAt createdBy rowCount sha256\n              error { code message row column }\n              statistics { evaluated passed failed errored }\n              results { index type name column columns severity verdict observed elementCount unexpectedCount unexpectedPercent unexpectedSample message }\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RecentEvents {\n    recentEvents(last: 50) { cursor events { cursor seq at actor projectKey kind targetId payload } }\n  }\n"): (typeof documents)["\n  query RecentEvents {\n    recentEvents(last: 50) { cursor events { cursor seq at actor projectKey kind targetId payload } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription Events($after: String) {\n    events(after: $after) { cursor seq at actor projectKey kind targetId payload }\n  }\n"): (typeof documents)["\n  subscription Events($after: String) {\n    events(after: $after) { cursor seq at actor projectKey kind targetId payload }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Audit($filter: EventFilter, $after: String) {\n    auditEvents(filter: $filter, first: 50, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { cursor seq at actor projectKey kind targetId payload prevHash hash } }\n    }\n  }\n"): (typeof documents)["\n  query Audit($filter: EventFilter, $after: String) {\n    auditEvents(filter: $filter, first: 50, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { cursor seq at actor projectKey kind targetId payload prevHash hash } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Catalog($projectKey: String!, $q: String) {\n    datasets(projectKey: $projectKey, filter: { nameContains: $q }, first: 100) {\n      totalCount\n      edges { node { id namespace name description versions(first: 1) { totalCount edges { node { version createdAt } } } } }\n    }\n    models(projectKey: $projectKey, filter: { nameContains: $q }, first: 100) {\n      totalCount\n      edges { node { id name versions(first: 1) { totalCount edges { node { version stage createdAt } } } } }\n    }\n  }\n"): (typeof documents)["\n  query Catalog($projectKey: String!, $q: String) {\n    datasets(projectKey: $projectKey, filter: { nameContains: $q }, first: 100) {\n      totalCount\n      edges { node { id namespace name description versions(first: 1) { totalCount edges { node { version createdAt } } } } }\n    }\n    models(projectKey: $projectKey, filter: { nameContains: $q }, first: 100) {\n      totalCount\n      edges { node { id name versions(first: 1) { totalCount edges { node { version stage createdAt } } } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CompareRuns($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      ... on Run {\n        id name status projectKey startedAt\n        experiment { id name }\n        params { key value }\n        metrics { key latest { value step } history { step value timestamp } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CompareRuns($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      ... on Run {\n        id name status projectKey startedAt\n        experiment { id name }\n        params { key value }\n        metrics { key latest { value step } history { step value timestamp } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Dataset($id: ID!) {\n    node(id: $id) {\n      ... on Dataset {\n        id namespace name description projectKey createdAt createdBy\n        validationSuites(first: 20) { totalCount edges { node { id name version ruleCount updatedAt updatedBy } } }\n        versions(first: 50) {\n          totalCount\n          edges {\n            node {\n              id version uri digest rowCount createdAt createdBy qualityStatus health\n              schema { name type nullable }\n              producedBy { id name experiment { id name } }\n              consumedBy { id name projectKey experiment { id name } }\n              derivedFrom { id version dataset { id name } }\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Dataset($id: ID!) {\n    node(id: $id) {\n      ... on Dataset {\n        id namespace name description projectKey createdAt createdBy\n        validationSuites(first: 20) { totalCount edges { node { id name version ruleCount updatedAt updatedBy } } }\n        versions(first: 50) {\n          totalCount\n          edges {\n            node {\n              id version uri digest rowCount createdAt createdBy qualityStatus health\n              schema { name type nullable }\n              producedBy { id name experiment { id name } }\n              consumedBy { id name projectKey experiment { id name } }\n              derivedFrom { id version dataset { id name } }\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EventHead {\n    recentEvents(last: 0) { cursor }\n  }\n"): (typeof documents)["\n  query EventHead {\n    recentEvents(last: 0) { cursor }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ValidationCompleted($datasetId: ID!, $after: String) {\n    validationCompleted(datasetId: $datasetId, after: $after) { cursor seq payload }\n  }\n"): (typeof documents)["\n  subscription ValidationCompleted($datasetId: ID!, $after: String) {\n    validationCompleted(datasetId: $datasetId, after: $after) { cursor seq payload }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RunValidation($suiteId: ID!, $versionId: ID!) {\n    runValidation(input: { suiteId: $suiteId, datasetVersionId: $versionId }) { validationRun { id status } }\n  }\n"): (typeof documents)["\n  mutation RunValidation($suiteId: ID!, $versionId: ID!) {\n    runValidation(input: { suiteId: $suiteId, datasetVersionId: $versionId }) { validationRun { id status } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Experiment($id: ID!) {\n    node(id: $id) {\n      ... on Experiment {\n        id name description projectKey\n        runs(first: 100) {\n          totalCount\n          edges { node { id name status startedAt params { key value } metrics { key latest { value step } } } }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Experiment($id: ID!) {\n    node(id: $id) {\n      ... on Experiment {\n        id name description projectKey\n        runs(first: 100) {\n          totalCount\n          edges { node { id name status startedAt params { key value } metrics { key latest { value step } } } }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Experiments($projectKey: String!, $q: String, $after: String) {\n    experiments(projectKey: $projectKey, filter: { nameContains: $q }, first: 50, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id name description createdAt createdBy runs(first: 1) { totalCount } } }\n    }\n  }\n"): (typeof documents)["\n  query Experiments($projectKey: String!, $q: String, $after: String) {\n    experiments(projectKey: $projectKey, filter: { nameContains: $q }, first: 50, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id name description createdAt createdBy runs(first: 1) { totalCount } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Impact($id: ID!, $depth: Int, $asOf: Time) {\n    impact(id: $id, depth: $depth, asOf: $asOf) {\n      root totalAffected hiddenAffected truncated truncatedBy openPromotionRequests owners atRisk\n      runs { id kind name projectKey distance owner }\n      datasetVersions { id kind name projectKey distance owner }\n      modelVersions { id name projectKey distance owner stage inProduction }\n    }\n  }\n"): (typeof documents)["\n  query Impact($id: ID!, $depth: Int, $asOf: Time) {\n    impact(id: $id, depth: $depth, asOf: $asOf) {\n      root totalAffected hiddenAffected truncated truncatedBy openPromotionRequests owners atRisk\n      runs { id kind name projectKey distance owner }\n      datasetVersions { id kind name projectKey distance owner }\n      modelVersions { id name projectKey distance owner stage inProduction }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ImpactRoot($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Run { name }\n      ... on Dataset { name }\n      ... on DatasetVersion { version dataset { name } }\n      ... on Model { name }\n      ... on ModelVersion { number: version model { name } }\n      ... on Experiment { name }\n    }\n  }\n"): (typeof documents)["\n  query ImpactRoot($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Run { name }\n      ... on Dataset { name }\n      ... on DatasetVersion { version dataset { name } }\n      ... on Model { name }\n      ... on ModelVersion { number: version model { name } }\n      ... on Experiment { name }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Model($id: ID!) {\n    node(id: $id) {\n      ... on Model {\n        id name projectKey createdAt createdBy\n        versions(first: 50) {\n          totalCount\n          edges { node { id version uri stage createdAt createdBy run { id name experiment { id name } } } }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Model($id: ID!) {\n    node(id: $id) {\n      ... on Model {\n        id name projectKey createdAt createdBy\n        versions(first: 50) {\n          totalCount\n          edges { node { id version uri stage createdAt createdBy run { id name experiment { id name } } } }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Run($id: ID!) {\n    node(id: $id) {\n      ... on Run {\n        id name status projectKey startedAt endedAt createdBy seed\n        experiment { id name }\n        params { key value }\n        tags { key value }\n        code { repo commit dirty }\n        environment { imageDigest lockfileHash platform }\n        metrics { key count latest { value step } history { step value timestamp } }\n        inputs { id version digest dataset { id name namespace } }\n        outputs { id version digest dataset { id name namespace } }\n        modelOutputs { id version stage model { id name } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Run($id: ID!) {\n    node(id: $id) {\n      ... on Run {\n        id name status projectKey startedAt endedAt createdBy seed\n        experiment { id name }\n        params { key value }\n        tags { key value }\n        code { repo commit dirty }\n        environment { imageDigest lockfileHash platform }\n        metrics { key count latest { value step } history { step value timestamp } }\n        inputs { id version digest dataset { id name namespace } }\n        outputs { id version digest dataset { id name namespace } }\n        modelOutputs { id version stage model { id name } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me { subject expiresAt grants { projectKey role } }\n  }\n"): (typeof documents)["\n  query Me {\n    me { subject expiresAt grants { projectKey role } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Lineage($id: ID!, $direction: LineageDirection, $depth: Int, $maxNodes: Int, $kinds: [NodeKind!], $asOf: Time) {\n    lineage(id: $id, direction: $direction, depth: $depth, maxNodes: $maxNodes, kinds: $kinds, asOf: $asOf) {\n      root truncated truncatedBy\n      nodes { id kind name distance hasMore projectKey health }\n      edges { from to kind hops }\n    }\n  }\n"): (typeof documents)["\n  query Lineage($id: ID!, $direction: LineageDirection, $depth: Int, $maxNodes: Int, $kinds: [NodeKind!], $asOf: Time) {\n    lineage(id: $id, direction: $direction, depth: $depth, maxNodes: $maxNodes, kinds: $kinds, asOf: $asOf) {\n      root truncated truncatedBy\n      nodes { id kind name distance hasMore projectKey health }\n      edges { from to kind hops }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LineagePath($from: ID!, $to: ID!, $asOf: Time) {\n    lineagePath(from: $from, to: $to, asOf: $asOf) {\n      root truncated truncatedBy\n      nodes { id kind name distance hasMore projectKey }\n      edges { from to kind hops }\n    }\n  }\n"): (typeof documents)["\n  query LineagePath($from: ID!, $to: ID!, $asOf: Time) {\n    lineagePath(from: $from, to: $to, asOf: $asOf) {\n      root truncated truncatedBy\n      nodes { id kind name distance hasMore projectKey }\n      edges { from to kind hops }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;