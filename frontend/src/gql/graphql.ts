/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A JSON value: an object where a field says so (event payloads, suite definitions), else any value. */
  JSON: { input: Record<string, unknown>; output: Record<string, unknown>; }
  /** An RFC 3339 timestamp. */
  Time: { input: string; output: string; }
};

export type AddRunInputsInput = {
  datasetVersionIds: Array<Scalars['ID']['input']>;
  runId: Scalars['ID']['input'];
};

export type AddRunInputsPayload = {
  __typename?: 'AddRunInputsPayload';
  run: Run;
};

export type AddRunOutputsInput = {
  datasetVersionIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  modelVersionIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  runId: Scalars['ID']['input'];
};

export type AddRunOutputsPayload = {
  __typename?: 'AddRunOutputsPayload';
  run: Run;
};

export type ApplyValidationTemplateInput = {
  /** The datasets to apply it to; none: every dataset of the project its selector matches (at most 500). */
  datasetIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** Whether the suites validate each new version on arrival (default true). */
  onArrival?: InputMaybe<Scalars['Boolean']['input']>;
  /** The suites' parameter values (the template's defaults for the rest). */
  params?: InputMaybe<Array<TemplateParamValue>>;
  /** The suites' name; the template's by default. */
  suiteName?: InputMaybe<Scalars['String']['input']>;
  templateId: Scalars['ID']['input'];
};

export type ApplyValidationTemplatePayload = {
  __typename?: 'ApplyValidationTemplatePayload';
  /** Datasets that already had a suite of the template, left as they were. */
  skipped: Array<Scalars['ID']['output']>;
  /** The suites made, one per dataset that had none of this template. */
  suites: Array<ValidationSuite>;
};

/**
 * One approver's decision. Whether an APPROVED decision counts toward
 * completing its request is decided when the request would complete, from
 * what the hub can know: it learns roles and groups only from the tokens it
 * is shown. It keeps, per subject and project, the grants and groups of the
 * token the subject presented last in a governance request about the project
 * (deciding, listing the project's promotion requests, reading its policy or
 * an evidence pack), so an approval does not count when the approver's
 * last-seen token no longer grants the policy's approver role in the project
 * (and fills a group only while that token still names it); a role removed at
 * the identity provider is known only once the approver presents a new token. An approval is also not counted
 * once older than the policy's approvalsValidFor. Once a request completes,
 * each approval's standing is stored and no longer changes.
 */
export type Approval = {
  __typename?: 'Approval';
  /** The approver (the token's subject). */
  actor: Scalars['String']['output'];
  at: Scalars['Time']['output'];
  comment: Scalars['String']['output'];
  /** Whether this APPROVED decision counts (now for an open request; at completion for an approved one). False for rejections. */
  counted: Scalars['Boolean']['output'];
  /** The required group whose slot this approval fills; null for none. */
  countedForGroup?: Maybe<Scalars['String']['output']>;
  decision: ApprovalDecision;
  /** Older than the policy's approvalsValidFor. */
  expired: Scalars['Boolean']['output'];
  /** The approver's token groups when they decided. */
  groups: Array<Scalars['String']['output']>;
  /** Why an APPROVED decision does not count (expired, or the approver no longer holds the role); null when it counts or is a rejection. */
  notCountedReason?: Maybe<Scalars['String']['output']>;
};

export type ApprovalDecision =
  | 'APPROVED'
  | 'REJECTED';

export type ArchiveModelVersionInput = {
  modelVersionId: Scalars['ID']['input'];
};

export type ArchiveModelVersionPayload = {
  __typename?: 'ArchiveModelVersionPayload';
  modelVersion: ModelVersion;
};

/** The result of walking the whole hash chain (a project's events are links of the one global chain). */
export type AuditVerification = {
  __typename?: 'AuditVerification';
  /** Events checked. */
  checked: Scalars['Int']['output'];
  firstBroken?: Maybe<BrokenLink>;
  headHash: Scalars['String']['output'];
  headSeq: Scalars['Int']['output'];
  ok: Scalars['Boolean']['output'];
  /** Events of the project among them. */
  projectEvents: Scalars['Int']['output'];
};

/** Fairness metrics of a model version's predictions on an evaluation dataset version (Fairlearn's between-groups definitions). */
export type BiasCheck = Node & {
  __typename?: 'BiasCheck';
  createdAt: Scalars['Time']['output'];
  createdBy: Scalars['String']['output'];
  /** The evaluation data; null when it is in a project the caller may not read. */
  datasetVersion?: Maybe<DatasetVersion>;
  demographicParityDifference: FairnessValue;
  demographicParityRatio: FairnessValue;
  equalOpportunityDifference: FairnessValue;
  equalizedOddsDifference: FairnessValue;
  equalizedOddsRatio: FairnessValue;
  fourFifths: FourFifthsVerdict;
  /** Groups: each combination of the sensitive columns' values, in value order. */
  groups: Array<BiasGroup>;
  id: Scalars['ID']['output'];
  /** True when the data has a single group: nothing to compare. */
  inconclusive: Scalars['Boolean']['output'];
  labelColumn: Scalars['String']['output'];
  minGroupSize: Scalars['Int']['output'];
  modelVersion: ModelVersion;
  /** Warnings: small groups, the reason for inconclusive. */
  notes: Array<Scalars['String']['output']>;
  positiveLabel: Scalars['String']['output'];
  predictionColumn: Scalars['String']['output'];
  projectKey: Scalars['String']['output'];
  rowCount: Scalars['Int']['output'];
  sensitiveColumns: Array<Scalars['String']['output']>;
  /** sha256 of the data read; null when the data is in a project the caller may not read. */
  sha256?: Maybe<Scalars['String']['output']>;
  weightColumn?: Maybe<Scalars['String']['output']>;
};

export type BiasCheckConnection = {
  __typename?: 'BiasCheckConnection';
  edges: Array<BiasCheckEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type BiasCheckEdge = {
  __typename?: 'BiasCheckEdge';
  cursor: Scalars['String']['output'];
  node: BiasCheck;
};

export type BiasGroup = {
  __typename?: 'BiasGroup';
  count: Scalars['Int']['output'];
  falsePositiveRate: FairnessValue;
  selectionRate: FairnessValue;
  /** Smaller than minGroupSize: its rates are noisy. */
  small: Scalars['Boolean']['output'];
  truePositiveRate: FairnessValue;
  /** The sensitive columns' values, in sensitiveColumns order. */
  values: Array<Scalars['String']['output']>;
  /** Sum of weights (count when unweighted). */
  weight: Scalars['Float']['output'];
};

export type BiasMetric =
  /** max − min over groups of the selection rate; the rule holds when the value ≤ threshold. */
  | 'DEMOGRAPHIC_PARITY_DIFFERENCE'
  /** min / max over groups of the selection rate; holds when ≥ threshold. */
  | 'DEMOGRAPHIC_PARITY_RATIO'
  /** The larger of the TPR and FPR differences; holds when ≤ threshold. */
  | 'EQUALIZED_ODDS_DIFFERENCE'
  /** The smaller of the TPR and FPR ratios; holds when ≥ threshold. */
  | 'EQUALIZED_ODDS_RATIO'
  /** max − min over groups of the TPR; holds when ≤ threshold. */
  | 'EQUAL_OPPORTUNITY_DIFFERENCE';

export type BiasRule = {
  __typename?: 'BiasRule';
  metric: BiasMetric;
  threshold: Scalars['Float']['output'];
};

export type BiasRuleInput = {
  metric: BiasMetric;
  /** Differences: the largest allowed value, in [0, 1]. Ratios: the smallest allowed value, in [0, 1]. */
  threshold: Scalars['Float']['input'];
};

export type BrokenLink = {
  __typename?: 'BrokenLink';
  /** Null when the event belongs to a project the caller may not read. */
  projectKey?: Maybe<Scalars['String']['output']>;
  reason: Scalars['String']['output'];
  seq: Scalars['Int']['output'];
};

export type CancelPromotionInput = {
  promotionRequestId: Scalars['ID']['input'];
};

export type CheckName =
  | 'BIAS'
  | 'REPRODUCED'
  | 'REPRODUCIBILITY'
  | 'UPSTREAM_VALIDATIONS';

export type CheckVerdict =
  | 'FAILED'
  | 'PASSED';

export type CodeRef = {
  __typename?: 'CodeRef';
  commit: Scalars['String']['output'];
  /** True when the working tree had uncommitted changes. */
  dirty: Scalars['Boolean']['output'];
  repo: Scalars['String']['output'];
};

export type CodeRefInput = {
  commit: Scalars['String']['input'];
  dirty?: Scalars['Boolean']['input'];
  repo: Scalars['String']['input'];
};

/** An input column feeding an output column. */
export type ColumnEdge = {
  __typename?: 'ColumnEdge';
  from: Scalars['ID']['output'];
  to: Scalars['ID']['output'];
  /** How the output column was made of the input column, as the producer said. */
  transformations: Array<ColumnTransformation>;
};

/** Column-level lineage around one column; see Query.columnLineage. */
export type ColumnLineageGraph = {
  __typename?: 'ColumnLineageGraph';
  /** Edges among the returned columns, from the input column to the column derived from it. */
  edges: Array<ColumnEdge>;
  /**
   * Model versions trained by runs that read a version reached downstream (the
   * root's version, and the versions of the downstream columns returned): what a
   * change to this column may break, at column granularity. Only runs and model
   * versions the caller may read count. Sorted by ID.
   */
  modelVersions: Array<ModelVersion>;
  /** The root first, then nearest first. */
  nodes: Array<ColumnNode>;
  /** The ID of the column the walk started from. */
  root: Scalars['ID']['output'];
  /** True when the walk was cut by depth or maxNodes. */
  truncated: Scalars['Boolean']['output'];
};

/** One column of a dataset version in a column lineage graph. */
export type ColumnNode = {
  __typename?: 'ColumnNode';
  datasetVersion: DatasetVersion;
  /** Shortest number of column lineage hops from the root. */
  distance: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
};

/** One transformation of OpenLineage's columnLineage facet. */
export type ColumnTransformation = {
  __typename?: 'ColumnTransformation';
  description?: Maybe<Scalars['String']['output']>;
  /** True when the transformation masks the input (a hash, say). */
  masking: Scalars['Boolean']['output'];
  /** E.g. IDENTITY, TRANSFORMATION, AGGREGATION; FILTER, JOIN, GROUP_BY, SORT, WINDOW for INDIRECT ones. */
  subtype?: Maybe<Scalars['String']['output']>;
  /** DIRECT or INDIRECT. */
  type: Scalars['String']['output'];
};

export type CreateExperimentInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  projectKey: Scalars['String']['input'];
};

export type CreateExperimentPayload = {
  __typename?: 'CreateExperimentPayload';
  experiment: Experiment;
};

export type CreateProjectInput = {
  /** Lowercase letters, digits and dashes, 2–40 characters, starting with a letter. */
  key: Scalars['String']['input'];
  name: Scalars['String']['input'];
};

export type CreateProjectPayload = {
  __typename?: 'CreateProjectPayload';
  project: Project;
};

export type CreateValidationSuiteInput = {
  datasetId: Scalars['ID']['input'];
  /**
   * The suite as YAML or JSON text: {rules: [{type, column, severity, mostly, ...}]}
   * (see internal/quality/RULES.md). references of referential_integrity and
   * distribution_drift rules are dataset version IDs.
   */
  definition: Scalars['String']['input'];
  /** Unique per dataset; replaces a name inside the definition. */
  name: Scalars['String']['input'];
  /** Run on every version of the dataset registered from now on (see ValidationSuite.onArrival). */
  onArrival?: InputMaybe<Scalars['Boolean']['input']>;
};

export type CreateValidationSuitePayload = {
  __typename?: 'CreateValidationSuitePayload';
  validationSuite: ValidationSuite;
};

export type CreateValidationTemplateInput = {
  /** Applies itself to the datasets its selector matches as their versions arrive; every parameter needs a default. */
  autoApply?: InputMaybe<Scalars['Boolean']['input']>;
  definition: Scalars['String']['input'];
  description?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  params?: InputMaybe<Array<TemplateParamInput>>;
  projectKey: Scalars['String']['input'];
  selector?: InputMaybe<DatasetSelectorInput>;
};

export type CreateValidationTemplatePayload = {
  __typename?: 'CreateValidationTemplatePayload';
  validationTemplate: ValidationTemplate;
};

export type CreateWebhookInput = {
  /** At most 500 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  projectKey: Scalars['String']['input'];
  topics: Array<WebhookTopic>;
  /** An http(s) URL the operator's EXPHUB_WEBHOOK_RECEIVERS admits; at most 2,048 bytes. */
  url: Scalars['String']['input'];
};

export type CreateWebhookPayload = {
  __typename?: 'CreateWebhookPayload';
  /** The signing secret (whsec_…): shown this once. */
  secret: Scalars['String']['output'];
  webhook: Webhook;
};

export type Dataset = Node & {
  __typename?: 'Dataset';
  createdAt: Scalars['Time']['output'];
  createdBy: Scalars['String']['output'];
  description: Scalars['String']['output'];
  /** The OpenLineage dataset facets the latest events sent, sorted by name; empty for a dataset only registered through the hub. */
  facets: Array<Facet>;
  /** What Feast made of this dataset; null when Feast did not describe it. */
  feastKind?: Maybe<FeastKind>;
  /** This dataset as a Feast feature view; null unless feastKind is FEATURE_VIEW. */
  featureView?: Maybe<FeatureView>;
  id: Scalars['ID']['output'];
  /** Pipeline jobs that read or write this dataset, by ID. */
  jobs: Array<Job>;
  /** OpenLineage name within the namespace, e.g. db.schema.table or a path. */
  name: Scalars['String']['output'];
  /** OpenLineage namespace: the data source, e.g. s3://bucket or postgres://host:5432. */
  namespace: Scalars['String']['output'];
  projectKey: Scalars['String']['output'];
  /** The feature views that read this dataset, by name: as a data source or entity, or as the data a source's URI names (FeatureView.sourceData). */
  usedByFeatureViews: Array<FeatureView>;
  /** The data-quality suites of this dataset, newest first. */
  validationSuites: ValidationSuiteConnection;
  versions: DatasetVersionConnection;
};


export type DatasetValidationSuitesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type DatasetVersionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type DatasetConnection = {
  __typename?: 'DatasetConnection';
  edges: Array<DatasetEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type DatasetEdge = {
  __typename?: 'DatasetEdge';
  cursor: Scalars['String']['output'];
  node: Dataset;
};

export type DatasetFilter = {
  /** Case-insensitive substring of the name or the namespace. */
  nameContains?: InputMaybe<Scalars['String']['input']>;
};

/** Which datasets a template is for: glob patterns (*, ?, [a-z]) of their namespace and name; null matches any. */
export type DatasetSelector = {
  __typename?: 'DatasetSelector';
  /** Keeps the data sources of the Feast feature views whose name matches (see FeatureView.sources). */
  featureView?: Maybe<Scalars['String']['output']>;
  name?: Maybe<Scalars['String']['output']>;
  namespace?: Maybe<Scalars['String']['output']>;
  /** Keeps the datasets that carry every one of these tags (key or key=value): their OpenLineage tags facet, or the tags Feast gave the object they are. */
  tags: Array<Scalars['String']['output']>;
};

export type DatasetSelectorInput = {
  /** A glob of Feast feature view names: only the data sources of those views. */
  featureView?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  namespace?: InputMaybe<Scalars['String']['input']>;
  /** Tags every dataset must carry: key or key=value, at most 20. */
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** An immutable version of a dataset. */
export type DatasetVersion = Node & {
  __typename?: 'DatasetVersion';
  /**
   * True while the version's registration waits for validation on arrival: a
   * suite of its dataset will run on it when the validation queue has room.
   */
  awaitingValidation: Scalars['Boolean']['output'];
  /** Names of this version's columns that have column-level lineage (see Query.columnLineage), sorted. */
  columns: Array<Scalars['String']['output']>;
  /** Runs that read this version. */
  consumedBy: Array<Run>;
  createdAt: Scalars['Time']['output'];
  createdBy: Scalars['String']['output'];
  dataset: Dataset;
  /** Versions this one was derived from without a recorded run. */
  derivedFrom: Array<DatasetVersion>;
  /** sha256 of the content, lowercase hex; null when the hub has not seen the content (a version reported by OpenLineage) */
  digest?: Maybe<Scalars['String']['output']>;
  /** The OpenLineage dataset, input and output facets events sent for this version, sorted by name. */
  facets: Array<Facet>;
  /** Data-quality health, as on LineageNode.health. */
  health: Health;
  id: Scalars['ID']['output'];
  /** SHA256 when digest is set, NONE when it is null. */
  integrity: VersionIntegrity;
  /** Runs that wrote this version. */
  producedBy: Array<Run>;
  projectKey: Scalars['String']['output'];
  /**
   * The worst status among the latest finished run of each suite (hub suites
   * and recorded external ones) of this version; null when none finished.
   */
  qualityStatus?: Maybe<ValidationStatus>;
  rowCount?: Maybe<Scalars['Int']['output']>;
  schema: Array<SchemaField>;
  /** Who reported the version: "openlineage" for a version an OpenLineage event created; null for one registered through the hub. */
  source?: Maybe<Scalars['String']['output']>;
  /** The producer's data-quality metrics (OpenLineage dataQualityMetrics facet) as JSON text; null when none were sent. */
  statistics?: Maybe<Scalars['String']['output']>;
  uri: Scalars['String']['output'];
  /** Validation runs of this version, newest first. */
  validationRuns: ValidationRunConnection;
  version: Scalars['String']['output'];
};


/** An immutable version of a dataset. */
export type DatasetVersionValidationRunsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type DatasetVersionConnection = {
  __typename?: 'DatasetVersionConnection';
  edges: Array<DatasetVersionEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type DatasetVersionEdge = {
  __typename?: 'DatasetVersionEdge';
  cursor: Scalars['String']['output'];
  node: DatasetVersion;
};

export type DecidePromotionInput = {
  /** Up to 4,000 characters; required to reject. */
  comment?: Scalars['String']['input'];
  promotionRequestId: Scalars['ID']['input'];
};

export type DecidePromotionPayload = {
  __typename?: 'DecidePromotionPayload';
  /** True when this decision carried out the promotion. */
  promoted: Scalars['Boolean']['output'];
  promotionRequest: PromotionRequest;
};

export type DeleteModelAliasInput = {
  alias: Scalars['String']['input'];
  modelId: Scalars['ID']['input'];
};

export type DeleteModelAliasPayload = {
  __typename?: 'DeleteModelAliasPayload';
  model: Model;
};

export type DeleteWebhookPayload = {
  __typename?: 'DeleteWebhookPayload';
  webhook: Webhook;
};

export type Environment = {
  __typename?: 'Environment';
  imageDigest?: Maybe<Scalars['String']['output']>;
  lockfileHash?: Maybe<Scalars['String']['output']>;
  platform?: Maybe<Scalars['String']['output']>;
};

export type EnvironmentInput = {
  imageDigest?: InputMaybe<Scalars['String']['input']>;
  lockfileHash?: InputMaybe<Scalars['String']['input']>;
  platform?: InputMaybe<Scalars['String']['input']>;
};

/**
 * One state change, appended to the log in the same transaction as the change
 * itself. The log is a hash chain: hash is the hex SHA-256 of the canonical JSON
 * {"seq","at","actor","projectKey","kind","targetId","payload","prevHash"} (in
 * that order, payload keys sorted, at in RFC 3339 with nanoseconds, UTC), and
 * prevHash is the hash of the event before it (64 zeros for the first).
 *
 * A payload that refers to an object of another project commits to it through
 * a salted digest: the hash covers {"redacted": "<hex SHA-256 of the JSON array
 * [salt, id]>"} in its place. A reader who may not read that project gets that
 * marker; a reader who may gets the ID and a disclosure with the salt. To
 * verify the hash, replace the value at each disclosure's path with its marker
 * first.
 */
export type Event = {
  __typename?: 'Event';
  /** Who made the change (the token's subject). */
  actor: Scalars['String']['output'];
  at: Scalars['Time']['output'];
  /** Pass as after to resume right after this event. */
  cursor: Scalars['String']['output'];
  /** The salts of the references to other projects' objects the caller may see (see Event). */
  disclosures: Array<EventDisclosure>;
  hash: Scalars['String']['output'];
  kind: EventKind;
  /**
   * A few fields of the change, e.g. {from, status} of a run status change.
   * References to objects of projects the caller may not read are markers
   * ({"redacted": digest}), never IDs.
   */
  payload: Scalars['JSON']['output'];
  prevHash: Scalars['String']['output'];
  projectKey: Scalars['String']['output'];
  /** Strictly increasing without gaps, in commit order. */
  seq: Scalars['Int']['output'];
  /** The object that changed, when the caller may read it. */
  target?: Maybe<Node>;
  /** The ID of the object that changed. */
  targetId: Scalars['ID']['output'];
  /**
   * True for an event written before references were sealed that names a
   * project the caller may not read: its payload is left out (empty), and
   * only its hash vouches for it.
   */
  withheld: Scalars['Boolean']['output'];
};

export type EventConnection = {
  __typename?: 'EventConnection';
  edges: Array<EventEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

/** Opens one reference in an event's payload: the value at path (a JSON pointer) is committed to by the hex SHA-256 of the JSON array [salt, value]. */
export type EventDisclosure = {
  __typename?: 'EventDisclosure';
  path: Scalars['String']['output'];
  salt: Scalars['String']['output'];
};

export type EventEdge = {
  __typename?: 'EventEdge';
  cursor: Scalars['String']['output'];
  node: Event;
};

export type EventFilter = {
  kinds?: InputMaybe<Array<EventKind>>;
  /** Only these projects (of those the caller may read). */
  projectKeys?: InputMaybe<Array<Scalars['String']['input']>>;
  targetId?: InputMaybe<Scalars['ID']['input']>;
};

export type EventKind =
  | 'BIAS_CHECK_RECORDED'
  | 'DATASET_REGISTERED'
  | 'DATASET_VERSION_REGISTERED'
  /** A compliance sign-off was recorded (payload: signOffId, subject, digest, decision, findings); target: the PromotionRequest, or the Project of a report. */
  | 'EVIDENCE_SIGNED_OFF'
  | 'EXPERIMENT_CREATED'
  /** An OpenLineage event named a job the hub did not know (payload: namespace, name). */
  | 'JOB_CREATED'
  /** A job's facets changed (payload: namespace, name). */
  | 'JOB_UPDATED'
  /** An alias was set on (payload.set true) or taken from (false) the target model version (payload: modelId, alias, promotionRequestId when an approval moved it). */
  | 'MODEL_ALIAS_CHANGED'
  /** A registered model was created without versions (payload: name). */
  | 'MODEL_CREATED'
  /** A model and its versions were deleted (payload: name). */
  | 'MODEL_DELETED'
  /** A model version changed stage (payload: from, stage, promotionRequestId); the previous PRODUCTION version is archived this way. */
  | 'MODEL_STAGE_CHANGED'
  /** A model was renamed (payload: name, from) or its description or tags changed (payload: description, tagSet, tagDeleted). */
  | 'MODEL_UPDATED'
  /** A model version was deleted (payload: modelId, version). */
  | 'MODEL_VERSION_DELETED'
  | 'MODEL_VERSION_REGISTERED'
  /** A model version's description or tags changed (payload: modelId, description, tagSet, tagDeleted). */
  | 'MODEL_VERSION_UPDATED'
  /** A project's promotion policy changed; payload.version is the new version. */
  | 'POLICY_SET'
  | 'PROJECT_CREATED'
  /** An approver approved (payload: approvals, required). */
  | 'PROMOTION_APPROVED'
  | 'PROMOTION_CANCELLED'
  /** The request's checks were evaluated again with another outcome (payload: from and status, PENDING or BLOCKED, and failingChecks). */
  | 'PROMOTION_CHECKS_CHANGED'
  /** The request was carried out: the model version moved to the target stage. */
  | 'PROMOTION_COMPLETED'
  | 'PROMOTION_REJECTED'
  /** payload: modelVersionId, targetStage, status, requestedBy, trainedBy, failingChecks. */
  | 'PROMOTION_REQUESTED'
  | 'REPRODUCTION_RECORDED'
  /** Inputs or outputs were linked to a run. */
  | 'RUN_LINEAGE_CHANGED'
  | 'RUN_STARTED'
  | 'RUN_STATUS_CHANGED'
  /** A validation run finished (or a result was recorded); payload has datasetId, datasetVersionId, status and the version's qualityStatus. */
  | 'VALIDATION_COMPLETED'
  | 'VALIDATION_STARTED'
  | 'VALIDATION_SUITE_CREATED'
  /** A suite's definition changed; payload.version is the new version. */
  | 'VALIDATION_SUITE_UPDATED'
  /** payload: name, version. */
  | 'VALIDATION_TEMPLATE_CREATED'
  /** A new template version (payload: name, version); each suite rendered again has its VALIDATION_SUITE_UPDATED. */
  | 'VALIDATION_TEMPLATE_UPDATED'
  /** A webhook receiver was made (payload: url, its scheme and host only; topics); target: the receiver's ID. */
  | 'WEBHOOK_CREATED'
  | 'WEBHOOK_DELETED'
  /** A receiver's secret was rotated or its deliveries resumed (payload: url, change). */
  | 'WEBHOOK_UPDATED';

export type Experiment = Node & {
  __typename?: 'Experiment';
  createdAt: Scalars['Time']['output'];
  createdBy: Scalars['String']['output'];
  description: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  projectKey: Scalars['String']['output'];
  runs: RunConnection;
};


export type ExperimentRunsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<RunFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<RunOrder>;
};

export type ExperimentConnection = {
  __typename?: 'ExperimentConnection';
  edges: Array<ExperimentEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type ExperimentEdge = {
  __typename?: 'ExperimentEdge';
  cursor: Scalars['String']['output'];
  node: Experiment;
};

export type ExperimentFilter = {
  /** Case-insensitive substring of the name. */
  nameContains?: InputMaybe<Scalars['String']['input']>;
};

/**
 * One OpenLineage facet of a job, run, dataset or dataset version, as the
 * producer sent it: its name (the key in the event's facets object) and its
 * JSON text, unchanged. Lists of facets are sorted by name.
 */
export type Facet = {
  __typename?: 'Facet';
  json: Scalars['String']['output'];
  name: Scalars['String']['output'];
};

/** A metric value; null with a reason when it is undefined (a zero denominator, a single group). */
export type FairnessValue = {
  __typename?: 'FairnessValue';
  reason?: Maybe<Scalars['String']['output']>;
  value?: Maybe<Scalars['Float']['output']>;
};

/**
 * What Feast made of a dataset. Feast's objects reach the hub as OpenLineage
 * datasets (from Feast's own emitter, or `hubctl feast import`): each is a
 * Dataset of the catalog, one record shared with the pipelines that write it
 * and the runs that read it.
 */
export type FeastKind =
  | 'DATA_SOURCE'
  | 'ENTITY'
  | 'FEATURE_SERVICE'
  | 'FEATURE_VIEW';

/**
 * A Feast feature view: a dataset Feast described as one (its
 * feast_featureView facet), with the data sources and entities Feast's jobs
 * read for it and the feature services that serve it.
 */
export type FeatureView = {
  __typename?: 'FeatureView';
  /** The latest versions of its sources and their data that put it at risk (FAILED or AT_RISK). */
  atRiskSources: Array<DatasetVersion>;
  dataset: Dataset;
  description: Scalars['String']['output'];
  /** Its entities' datasets, by name. */
  entities: Array<Dataset>;
  /** The names of its entities, as Feast lists them. */
  entityNames: Array<Scalars['String']['output']>;
  /** The names of its features. */
  features: Array<Scalars['String']['output']>;
  /**
   * FAILED when its own latest version fails validation; else AT_RISK when the
   * latest version of one of its sources, or of their sourceData, is FAILED
   * or AT_RISK (a failure upstream of it counts, as in lineage); else OK when
   * every source has a latest version (its own or its data's) and each is OK
   * or WARN; else UNKNOWN.
   */
  health: Health;
  /** The dataset's ID: a feature view is a dataset. */
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  /** The Feast project (the OpenLineage namespace Feast writes in). */
  namespace: Scalars['String']['output'];
  online: Scalars['Boolean']['output'];
  owner: Scalars['String']['output'];
  projectKey: Scalars['String']['output'];
  /** The feature services that serve it, by name. */
  services: Array<Dataset>;
  /**
   * The datasets its sources' data is, as pipelines write it and suites
   * validate it: for a source whose URI is absolute (s3://bucket/key,
   * gs://…, file:///path), the dataset of the project that URI names the
   * OpenLineage way (namespace s3://bucket, name key), when there is one.
   */
  sourceData: Array<Dataset>;
  /** The data sources it is computed from, by name. */
  sources: Array<Dataset>;
  tags: Array<Tag>;
  /** Time to live of its features in seconds; null when Feast sent none, 0 when none. */
  ttlSeconds?: Maybe<Scalars['Int']['output']>;
};

export type FeatureViewConnection = {
  __typename?: 'FeatureViewConnection';
  edges: Array<FeatureViewEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type FeatureViewEdge = {
  __typename?: 'FeatureViewEdge';
  cursor: Scalars['String']['output'];
  node: FeatureView;
};

export type FinishRunInput = {
  runId: Scalars['ID']['input'];
  /** FINISHED (the default), FAILED or KILLED. */
  status?: InputMaybe<RunStatus>;
};

export type FinishRunPayload = {
  __typename?: 'FinishRunPayload';
  run: Run;
};

export type FourFifthsVerdict =
  | 'FAILED'
  /** Demographic parity ratio ≥ 0.8. */
  | 'PASSED'
  /** The ratio is undefined. */
  | 'UNDEFINED';

/**
 * Counts over a governance report's scope: runs by when they started, promotion
 * requests by when they were made.
 */
export type GovernanceFigures = {
  __typename?: 'GovernanceFigures';
  approved: Scalars['Int']['output'];
  cancelled: Scalars['Int']['output'];
  /** Dataset versions the runs read. */
  datasetVersionsUsed: Scalars['Int']['output'];
  /** Runs whose newest reproduction diverged. */
  divergedRuns: Scalars['Int']['output'];
  /** Of them, those whose latest validations FAILED or ended in ERROR. */
  failingVersions: Scalars['Int']['output'];
  /** Seconds from request to decision over the approved and rejected requests; null when none was decided. */
  leadTimeMeanSeconds?: Maybe<Scalars['Float']['output']>;
  leadTimeP50Seconds?: Maybe<Scalars['Float']['output']>;
  leadTimeP90Seconds?: Maybe<Scalars['Float']['output']>;
  /** PENDING or BLOCKED. */
  open: Scalars['Int']['output'];
  promotionRequests: Scalars['Int']['output'];
  rejected: Scalars['Int']['output'];
  /** Runs whose newest reproduction matched. */
  reproducedRuns: Scalars['Int']['output'];
  /** reproducibleRuns / runs; null without runs. */
  reproducibilityRate?: Maybe<Scalars['Float']['output']>;
  /** Runs that record everything a rerun needs (see Reproducibility). */
  reproducibleRuns: Scalars['Int']['output'];
  runs: Scalars['Int']['output'];
  /** Of them, those with a validation result. */
  validatedVersions: Scalars['Int']['output'];
  /** validatedVersions / datasetVersionsUsed; null without versions. */
  validationCoverage?: Maybe<Scalars['Float']['output']>;
  /** Of them, those with a sha256 digest. */
  versionsWithDigest: Scalars['Int']['output'];
};

export type GovernanceReport = {
  __typename?: 'GovernanceReport';
  /** Null for the whole project. */
  experiment?: Maybe<Experiment>;
  figures: GovernanceFigures;
  generatedAt: Scalars['Time']['output'];
  /** Model versions in PRODUCTION now (an experiment's: those its runs produced), newest first, at most 100. */
  inProduction: Array<ModelVersion>;
  projectKey: Scalars['String']['output'];
  /** Compliance sign-offs of the project's governance reports (any scope or period), oldest first. */
  signOffs: Array<SignOff>;
  /** Null: from the beginning. */
  since?: Maybe<Scalars['Time']['output']>;
  until: Scalars['Time']['output'];
};

export type Grant = {
  __typename?: 'Grant';
  projectKey: Scalars['String']['output'];
  role: Role;
};

/** Approvals a policy needs from members of one group. */
export type GroupRequirement = {
  __typename?: 'GroupRequirement';
  approvals: Scalars['Int']['output'];
  group: Scalars['String']['output'];
};

export type GroupRequirementInput = {
  /** 1 to 10. */
  approvals: Scalars['Int']['input'];
  /** A group name as tokens carry it: 1 to 100 bytes, no leading or trailing spaces; each group once. */
  group: Scalars['String']['input'];
};

/** Data-quality health of a lineage node; see LineageNode.health. */
export type Health =
  | 'AT_RISK'
  | 'FAILED'
  | 'OK'
  | 'UNKNOWN'
  | 'WARN';

export type ImpactReport = {
  __typename?: 'ImpactReport';
  /** IDs of the affected runs, dataset versions and model versions whose health is AT_RISK or FAILED, nearest first. */
  atRisk: Array<Scalars['ID']['output']>;
  datasetVersions: Array<ImpactedNode>;
  /**
   * The Feast feature views the affected data reaches, by name: those with an
   * affected version (or the root) of their own, of one of their data sources
   * or of one of their entities; at most 200.
   */
  featureViews: Array<FeatureView>;
  /** True when the walk reached nodes in projects the caller may not read (not counted). */
  hiddenAffected: Scalars['Boolean']['output'];
  /** The pipeline jobs of the affected runs, by ID (not counted in totalAffected). */
  jobs: Array<Job>;
  modelVersions: Array<ImpactedModelVersion>;
  /** Open promotion requests of affected model versions. */
  openPromotionRequests: Array<Scalars['ID']['output']>;
  /** Who created the affected nodes, to notify. */
  owners: Array<Scalars['String']['output']>;
  root: Scalars['ID']['output'];
  /** Runs and dataset versions are nearest first; model versions in PRODUCTION come first. */
  runs: Array<ImpactedNode>;
  /** Affected nodes the caller may see. */
  totalAffected: Scalars['Int']['output'];
  /** True when the walk was cut (by depth, or at 50,000 nodes); totalAffected is then a lower bound. */
  truncated: Scalars['Boolean']['output'];
  truncatedBy: Array<TruncationReason>;
};

export type ImpactedModelVersion = {
  __typename?: 'ImpactedModelVersion';
  distance: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  inProduction: Scalars['Boolean']['output'];
  name: Scalars['String']['output'];
  owner: Scalars['String']['output'];
  projectKey: Scalars['String']['output'];
  stage: ModelStage;
};

export type ImpactedNode = {
  __typename?: 'ImpactedNode';
  distance: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  kind: NodeKind;
  name: Scalars['String']['output'];
  owner: Scalars['String']['output'];
  projectKey: Scalars['String']['output'];
};

/**
 * A pipeline step, as OpenLineage names it: a namespace (the scheduler or
 * producer, e.g. airflow://prod) and a name unique within it (e.g.
 * dag.task). Its runs are Runs like an experiment's; what it reads and writes
 * are datasets, from the events of all its runs.
 */
export type Job = Node & {
  __typename?: 'Job';
  /** Jobs this job's runs started, by ID. */
  children: Array<Job>;
  createdAt: Scalars['Time']['output'];
  /** The producer's description (OpenLineage documentation facet). */
  description?: Maybe<Scalars['String']['output']>;
  /** The OpenLineage job facets, sorted by name. */
  facets: Array<Facet>;
  id: Scalars['ID']['output'];
  /** Datasets any run of this job (or the job's static lineage) read, by ID. */
  inputs: Array<Dataset>;
  /** The run that started last; null before the first. */
  latestRun?: Maybe<Run>;
  name: Scalars['String']['output'];
  namespace: Scalars['String']['output'];
  /** Datasets any run of this job (or the job's static lineage) wrote, by ID. */
  outputs: Array<Dataset>;
  /** The job whose run started this job's runs (OpenLineage parent facet), e.g. the DAG of a task. */
  parent?: Maybe<Job>;
  projectKey: Scalars['String']['output'];
  /** The job's runs, newest first. */
  runs: RunConnection;
  /** Where the job's code lives (OpenLineage sourceCodeLocation facet); dirty is always false. */
  sourceCode?: Maybe<CodeRef>;
  /** When an event last changed the job's facets, description or code. */
  updatedAt: Scalars['Time']['output'];
};


/**
 * A pipeline step, as OpenLineage names it: a namespace (the scheduler or
 * producer, e.g. airflow://prod) and a name unique within it (e.g.
 * dag.task). Its runs are Runs like an experiment's; what it reads and writes
 * are datasets, from the events of all its runs.
 */
export type JobRunsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type JobConnection = {
  __typename?: 'JobConnection';
  edges: Array<JobEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type JobEdge = {
  __typename?: 'JobEdge';
  cursor: Scalars['String']['output'];
  node: Job;
};

export type LineageDirection =
  | 'BOTH'
  | 'DOWNSTREAM'
  | 'UPSTREAM';

export type LineageEdge = {
  __typename?: 'LineageEdge';
  from: Scalars['ID']['output'];
  /** 1, or the number of hops an INDIRECT edge stands for. */
  hops: Scalars['Int']['output'];
  /**
   * CONSUMED_BY, PRODUCED or DERIVED_INTO for edges of the graph; HAS_VERSION or
   * HAS_RUN from a dataset, model or experiment root to its members; INDIRECT
   * between returned nodes joined only through nodes a kinds filter left out;
   * REDACTED to a placeholder; HAS_RUN from a job to its run when kinds asks
   * for JOB. Edges always point downstream.
   */
  kind: Scalars['String']['output'];
  to: Scalars['ID']['output'];
};

export type LineageGraph = {
  __typename?: 'LineageGraph';
  edges: Array<LineageEdge>;
  nodes: Array<LineageNode>;
  root: Scalars['ID']['output'];
  /** True when the walk was cut; truncatedBy says why. */
  truncated: Scalars['Boolean']['output'];
  truncatedBy: Array<TruncationReason>;
};

export type LineageNode = {
  __typename?: 'LineageNode';
  /** Shortest number of lineage hops from the root. */
  distance: Scalars['Int']['output'];
  /** True when this node has neighbours in the walked direction that were not returned. */
  hasMore: Scalars['Boolean']['output'];
  /**
   * Data-quality health (today's, also with asOf). A dataset version is FAILED
   * when its own latest validation status (qualityStatus) is FAILED or ERROR;
   * else AT_RISK when a dataset version upstream of it (at most 50 lineage hops,
   * through projects the caller may read) is FAILED; else OK (PASSED), WARN
   * (WARNED) or UNKNOWN (never validated). A run or model version is AT_RISK
   * when a FAILED dataset version is upstream of it, else OK when some upstream
   * version was validated, else UNKNOWN. Datasets, models, experiments,
   * jobs and redacted placeholders are UNKNOWN. Computed for all nodes of the response
   * at once, only when selected.
   */
  health: Health;
  id: Scalars['ID']['output'];
  kind: NodeKind;
  name: Scalars['String']['output'];
  projectKey?: Maybe<Scalars['String']['output']>;
};

export type LogMetricsInput = {
  points: Array<MetricPointInput>;
  runId: Scalars['ID']['input'];
};

export type LogMetricsPayload = {
  __typename?: 'LogMetricsPayload';
  /** Points written. */
  accepted: Scalars['Int']['output'];
  run: Run;
};

export type LogParamsInput = {
  params: Array<ParamInput>;
  runId: Scalars['ID']['input'];
};

export type LogParamsPayload = {
  __typename?: 'LogParamsPayload';
  run: Run;
};

/** One metric key of a run: its latest value and its full history. */
export type Metric = {
  __typename?: 'Metric';
  count: Scalars['Int']['output'];
  /** Every point in logging order. */
  history: Array<MetricPoint>;
  key: Scalars['String']['output'];
  /** The value at the highest step (ties: the latest timestamp), as MLflow defines it. */
  latest: MetricPoint;
};

export type MetricComparison = {
  __typename?: 'MetricComparison';
  /** |reproduced − original|; null when either is missing. */
  difference?: Maybe<Scalars['Float']['output']>;
  key: Scalars['String']['output'];
  original?: Maybe<Scalars['Float']['output']>;
  reproduced?: Maybe<Scalars['Float']['output']>;
  status: ReproductionStatus;
};

export type MetricPoint = {
  __typename?: 'MetricPoint';
  step: Scalars['Int']['output'];
  timestamp: Scalars['Time']['output'];
  value: Scalars['Float']['output'];
};

export type MetricPointInput = {
  key: Scalars['String']['input'];
  step?: Scalars['Int']['input'];
  /** Defaults to the time the server received the batch. */
  timestamp?: InputMaybe<Scalars['Time']['input']>;
  /** Must be finite: NaN and ±Inf are rejected. */
  value: Scalars['Float']['input'];
};

export type Model = Node & {
  __typename?: 'Model';
  createdAt: Scalars['Time']['output'];
  createdBy: Scalars['String']['output'];
  /** Free text (the MLflow registered model's description); empty when none. */
  description: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  projectKey: Scalars['String']['output'];
  /** The model's tags, as MLflow keeps them. */
  tags: Array<Tag>;
  versions: ModelVersionConnection;
};


export type ModelVersionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type ModelConnection = {
  __typename?: 'ModelConnection';
  edges: Array<ModelEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type ModelEdge = {
  __typename?: 'ModelEdge';
  cursor: Scalars['String']['output'];
  node: Model;
};

export type ModelFilter = {
  /** Case-insensitive substring of the name. */
  nameContains?: InputMaybe<Scalars['String']['input']>;
};

export type ModelStage =
  | 'ARCHIVED'
  | 'NONE'
  | 'PRODUCTION'
  | 'STAGING';

export type ModelVersion = Node & {
  __typename?: 'ModelVersion';
  /**
   * MLflow's aliases of this version within its model, lower case and sorted:
   * those set through the MLflow API, and "production" while the version is in
   * PRODUCTION (the stage under MLflow's name). Aliases the project's policy
   * governs move only through approved promotion requests.
   */
  aliases: Array<Scalars['String']['output']>;
  /** Bias checks of this version, newest first. */
  biasChecks: BiasCheckConnection;
  createdAt: Scalars['Time']['output'];
  createdBy: Scalars['String']['output'];
  /** Free text (the MLflow model version's description); empty when none. */
  description: Scalars['String']['output'];
  /** The Feast feature services the run that trained this version read, by name. */
  featureServices: Array<Dataset>;
  id: Scalars['ID']['output'];
  model: Model;
  projectKey: Scalars['String']['output'];
  /** Promotion requests of this version, newest first. */
  promotionRequests: PromotionRequestConnection;
  /** The run that trained this version, when it was recorded. */
  run?: Maybe<Run>;
  stage: ModelStage;
  /** The version's tags, as MLflow keeps them. */
  tags: Array<Tag>;
  uri: Scalars['String']['output'];
  /** 1, 2, 3… per model, in registration order. */
  version: Scalars['Int']['output'];
};


export type ModelVersionBiasChecksArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type ModelVersionPromotionRequestsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type ModelVersionConnection = {
  __typename?: 'ModelVersionConnection';
  edges: Array<ModelVersionEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type ModelVersionEdge = {
  __typename?: 'ModelVersionEdge';
  cursor: Scalars['String']['output'];
  node: ModelVersion;
};

export type Mutation = {
  __typename?: 'Mutation';
  addRunInputs: AddRunInputsPayload;
  addRunOutputs: AddRunOutputsPayload;
  /** Makes, on each dataset, a suite that follows the template. */
  applyValidationTemplate: ApplyValidationTemplatePayload;
  /** Approves an open request (approvers); the last approval needed carries out the promotion when the checks pass. */
  approvePromotion: DecidePromotionPayload;
  /**
   * Archives a model version that is neither in PRODUCTION (it leaves production
   * when another version is promoted there) nor named by a governed alias
   * (MODEL_STAGE_CHANGED); an archived version may be put back into production
   * by a promotion request. Contributors.
   */
  archiveModelVersion: ArchiveModelVersionPayload;
  /** Withdraws an open request (its requester, or an admin). */
  cancelPromotion: PromotionRequestPayload;
  createExperiment: CreateExperimentPayload;
  createProject: CreateProjectPayload;
  createValidationSuite: CreateValidationSuitePayload;
  createValidationTemplate: CreateValidationTemplatePayload;
  /** Makes a receiver of the project's events from now on; admins. */
  createWebhook: CreateWebhookPayload;
  /** Removes an alias from a model; a governed alias is refused (it moves only through promotion). Contributors. */
  deleteModelAlias: DeleteModelAliasPayload;
  deleteWebhook: DeleteWebhookPayload;
  finishRun: FinishRunPayload;
  logMetrics: LogMetricsPayload;
  logParams: LogParamsPayload;
  /** Compares a rerun's final metrics with the original run's and stores the outcome (contributors). */
  recordReproduction: RecordReproductionPayload;
  /** Records a validation result produced elsewhere (Great Expectations) as a finished run. */
  recordValidationResult: RecordValidationResultPayload;
  /** Sends a parked or retrying receiver's next event again now, its attempts counted from zero. */
  redeliverWebhook: RedeliverWebhookPayload;
  /** Evaluates an open request's checks again now (contributors); a request that has its approvals is carried out when they pass. */
  reevaluatePromotion: DecidePromotionPayload;
  registerDataset: RegisterDatasetPayload;
  registerDatasetVersion: RegisterDatasetVersionPayload;
  registerModelVersion: RegisterModelVersionPayload;
  /** Rejects and closes an open request (approvers); comment required. */
  rejectPromotion: DecidePromotionPayload;
  /** Asks for a model version to move to a stage (contributors); the policy's checks are evaluated and stored. */
  requestPromotion: RequestPromotionPayload;
  /** Gives a receiver a new signing secret; the old one keeps signing for the overlap. */
  rotateWebhookSecret: RotateWebhookSecretPayload;
  /** Computes fairness metrics of a model version on an evaluation dataset version and stores them (contributors). */
  runBiasCheck: RunBiasCheckPayload;
  /** Starts a run of a suite on a version of its dataset and returns it at once, RUNNING; validationCompleted, the event log and node(id) show when it finished. */
  runValidation: RunValidationPayload;
  /**
   * Sets an alias (champion, challenger, any name) on a model version; the alias
   * leaves the version it named. An alias the project's policy governs
   * (policy.governedAliases, and production, which is the PRODUCTION stage)
   * moves only through promotion: on a version not in PRODUCTION this opens a
   * promotion request to PRODUCTION carrying the alias, or names the one open,
   * and the approval moves it. The same rules as the MLflow API. Contributors.
   */
  setModelAlias: SetModelAliasPayload;
  /** Sets a project's promotion policy (admins); a new version when it differs from the current one. */
  setPolicy: SetPolicyPayload;
  setRunTags: SetRunTagsPayload;
  /** Turns a suite's validation on arrival on or off; its definition and version stay. */
  setValidationSuiteOnArrival: SetValidationSuiteOnArrivalPayload;
  /**
   * Records a compliance reviewer's acceptance or rejection of an evidence pack or
   * a governance report, identified by the SHA-256 of the document as given
   * (auditors only: approvers and admins decide what is reviewed). A pack must
   * verify, hold the evidence the hub gives the caller now, and name links of
   * this hub's log; a report must name its project. The sign-off is an
   * EVIDENCE_SIGNED_OFF event, and later packs of the request list it.
   * Repeating one's latest sign-off of a document returns it unchanged.
   */
  signOff: SignOffPayload;
  startRun: StartRunPayload;
  /** Changes a model's description or tags (MODEL_UPDATED). Contributors. */
  updateModel: UpdateModelPayload;
  /** Changes a model version's description or tags (MODEL_VERSION_UPDATED). Contributors. */
  updateModelVersion: UpdateModelVersionPayload;
  updateRunStatus: UpdateRunStatusPayload;
  updateValidationSuite: UpdateValidationSuitePayload;
  /** A new version of a template; every suite that follows it is rendered again in the same transaction, or none is (a suite that lacks a new parameter's value fails the update). */
  updateValidationTemplate: UpdateValidationTemplatePayload;
  /**
   * Records that a run was trained on Feast feature services: the run reads
   * each one's latest version (as addRunInputs), so lineage runs from the
   * raw data through the feature views and the service to the run and the
   * model versions it produced, and impact from the raw data reaches them.
   */
  useFeatureServices: UseFeatureServicesPayload;
};


export type MutationAddRunInputsArgs = {
  input: AddRunInputsInput;
};


export type MutationAddRunOutputsArgs = {
  input: AddRunOutputsInput;
};


export type MutationApplyValidationTemplateArgs = {
  input: ApplyValidationTemplateInput;
};


export type MutationApprovePromotionArgs = {
  input: DecidePromotionInput;
};


export type MutationArchiveModelVersionArgs = {
  input: ArchiveModelVersionInput;
};


export type MutationCancelPromotionArgs = {
  input: CancelPromotionInput;
};


export type MutationCreateExperimentArgs = {
  input: CreateExperimentInput;
};


export type MutationCreateProjectArgs = {
  input: CreateProjectInput;
};


export type MutationCreateValidationSuiteArgs = {
  input: CreateValidationSuiteInput;
};


export type MutationCreateValidationTemplateArgs = {
  input: CreateValidationTemplateInput;
};


export type MutationCreateWebhookArgs = {
  input: CreateWebhookInput;
};


export type MutationDeleteModelAliasArgs = {
  input: DeleteModelAliasInput;
};


export type MutationDeleteWebhookArgs = {
  id: Scalars['ID']['input'];
};


export type MutationFinishRunArgs = {
  input: FinishRunInput;
};


export type MutationLogMetricsArgs = {
  input: LogMetricsInput;
};


export type MutationLogParamsArgs = {
  input: LogParamsInput;
};


export type MutationRecordReproductionArgs = {
  input: RecordReproductionInput;
};


export type MutationRecordValidationResultArgs = {
  input: RecordValidationResultInput;
};


export type MutationRedeliverWebhookArgs = {
  id: Scalars['ID']['input'];
};


export type MutationReevaluatePromotionArgs = {
  input: ReevaluatePromotionInput;
};


export type MutationRegisterDatasetArgs = {
  input: RegisterDatasetInput;
};


export type MutationRegisterDatasetVersionArgs = {
  input: RegisterDatasetVersionInput;
};


export type MutationRegisterModelVersionArgs = {
  input: RegisterModelVersionInput;
};


export type MutationRejectPromotionArgs = {
  input: DecidePromotionInput;
};


export type MutationRequestPromotionArgs = {
  input: RequestPromotionInput;
};


export type MutationRotateWebhookSecretArgs = {
  input: RotateWebhookSecretInput;
};


export type MutationRunBiasCheckArgs = {
  input: RunBiasCheckInput;
};


export type MutationRunValidationArgs = {
  input: RunValidationInput;
};


export type MutationSetModelAliasArgs = {
  input: SetModelAliasInput;
};


export type MutationSetPolicyArgs = {
  input: SetPolicyInput;
};


export type MutationSetRunTagsArgs = {
  input: SetRunTagsInput;
};


export type MutationSetValidationSuiteOnArrivalArgs = {
  input: SetValidationSuiteOnArrivalInput;
};


export type MutationSignOffArgs = {
  input: SignOffInput;
};


export type MutationStartRunArgs = {
  input: StartRunInput;
};


export type MutationUpdateModelArgs = {
  input: UpdateModelInput;
};


export type MutationUpdateModelVersionArgs = {
  input: UpdateModelVersionInput;
};


export type MutationUpdateRunStatusArgs = {
  input: UpdateRunStatusInput;
};


export type MutationUpdateValidationSuiteArgs = {
  input: UpdateValidationSuiteInput;
};


export type MutationUpdateValidationTemplateArgs = {
  input: UpdateValidationTemplateInput;
};


export type MutationUseFeatureServicesArgs = {
  input: UseFeatureServicesInput;
};

/** Anything with an opaque global ID that node(id:) can fetch. */
export type Node = {
  id: Scalars['ID']['output'];
};

export type NodeKind =
  | 'BIAS_CHECK'
  | 'DATASET'
  | 'DATASET_VERSION'
  | 'EXPERIMENT'
  /** A pipeline step (an OpenLineage job); like an experiment, it has runs. */
  | 'JOB'
  | 'MODEL'
  | 'MODEL_VERSION'
  | 'POLICY'
  | 'PROJECT'
  | 'PROMOTION_REQUEST'
  /** A node in a project the caller may not read; it has no name and no real id. */
  | 'REDACTED'
  | 'REPRODUCTION'
  | 'RUN'
  /** A compliance reviewer's sign-off of an evidence pack or a governance report. */
  | 'SIGN_OFF'
  | 'VALIDATION_RUN'
  | 'VALIDATION_SUITE';

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type Param = {
  __typename?: 'Param';
  key: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

export type ParamInput = {
  key: Scalars['String']['input'];
  value: Scalars['String']['input'];
};

/**
 * What a promotion in a project needs. Versioned: setPolicy makes a new
 * version; a promotion request is held to the version current when it was made.
 * A project that never set one has version 0, the default shown by policy().
 */
export type Policy = Node & {
  __typename?: 'Policy';
  /** With requireUpstreamValidationsPassed: WARNED counts as passed. */
  allowWarnedValidations: Scalars['Boolean']['output'];
  /** Seconds an approval counts toward completing a request; null: approvals do not expire. */
  approvalsValidFor?: Maybe<Scalars['Int']['output']>;
  approverRole: Role;
  /** The latest bias check of the model version must meet every rule; empty: no bias check needed. */
  biasRules: Array<BiasRule>;
  createdAt?: Maybe<Scalars['Time']['output']>;
  createdBy?: Maybe<Scalars['String']['output']>;
  /**
   * Model aliases (lower case) that, like "production" (always governed: it is
   * the PRODUCTION stage), move only through an approved promotion request.
   * Setting one through the MLflow API opens a request to PRODUCTION carrying
   * the alias; the approval that carries it out moves the alias too.
   */
  governedAliases: Array<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  projectKey: Scalars['String']['output'];
  /** The training run must have a recorded reproduction that REPRODUCED. */
  requireReproduced: Scalars['Boolean']['output'];
  /** The training run must be reproducible-complete (see Run.reproducibility). */
  requireReproducible: Scalars['Boolean']['output'];
  /** Every dataset version upstream of the model version (through lineage, transitively) must have a latest validation that PASSED. */
  requireUpstreamValidationsPassed: Scalars['Boolean']['output'];
  /** Approvals a promotion needs, from distinct people holding approverRole or higher (ADMIN counts as every role). */
  requiredApprovals: Scalars['Int']['output'];
  /**
   * Approvals needed from members of named groups (the groups claim of the
   * approvers' tokens, EXPHUB_JWT_GROUPS_CLAIM), on top of requiredApprovals:
   * one approval fills at most one group slot, so "one from risk and one from
   * ml-platform" takes two people even when one is in both. A request
   * completes when requiredApprovals approvals count and every group slot is
   * filled by a counted approval whose approver was in the group when
   * approving (and still is, in the last token the hub saw of them).
   */
  requiredGroups: Array<GroupRequirement>;
  /** The requester, and whoever started the training run, cannot approve. */
  separationOfDuties: Scalars['Boolean']['output'];
  /** Stages a promotion request may target. */
  stages: Array<ModelStage>;
  /** 0 for the default, then 1, 2, 3… per project. */
  version: Scalars['Int']['output'];
};

/** One policy check of a promotion request, as last evaluated. */
export type PolicyCheck = {
  __typename?: 'PolicyCheck';
  /** Why, in a sentence. */
  detail: Scalars['String']['output'];
  /**
   * The objects the verdict rests on: the upstream dataset versions of the
   * request's project (failing first; those of other projects are counted in
   * detail, not named), a bias check, the training run, a reproduction.
   */
  evidenceIds: Array<Scalars['ID']['output']>;
  name: CheckName;
  verdict: CheckVerdict;
};

export type Project = Node & {
  __typename?: 'Project';
  createdAt: Scalars['Time']['output'];
  createdBy: Scalars['String']['output'];
  datasets: DatasetConnection;
  experiments: ExperimentConnection;
  id: Scalars['ID']['output'];
  key: Scalars['String']['output'];
  models: ModelConnection;
  /**
   * The caller's strongest role in this project, of its grant for the project
   * and its grant for '*' (AUDITOR ranks above VIEWER and below CONTRIBUTOR).
   * me.grants lists both.
   */
  myRole: Role;
  name: Scalars['String']['output'];
};


export type ProjectDatasetsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<DatasetFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type ProjectExperimentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ExperimentFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type ProjectModelsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ModelFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type ProjectConnection = {
  __typename?: 'ProjectConnection';
  edges: Array<ProjectEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type ProjectEdge = {
  __typename?: 'ProjectEdge';
  cursor: Scalars['String']['output'];
  node: Project;
};

export type ProjectFilter = {
  /** Case-insensitive substring of the key or the name. */
  nameContains?: InputMaybe<Scalars['String']['input']>;
};

export type PromotionRequest = Node & {
  __typename?: 'PromotionRequest';
  /** APPROVED decisions, counted or not. */
  approvalCount: Scalars['Int']['output'];
  /** Decisions in order, with where each stands (see Approval). */
  approvals: Array<Approval>;
  /** What the approvals still lack, in a sentence ("needs 1 more from group risk"); null when complete or closed. */
  approvalsOutstanding?: Maybe<Scalars['String']['output']>;
  /** Copied from the policy version at request time: seconds an approval counts; null: no expiry. */
  approvalsValidFor?: Maybe<Scalars['Int']['output']>;
  /** When the stored checks were set: at the request, then whenever an evaluation changed them. */
  checkedAt: Scalars['Time']['output'];
  checks: Array<PolicyCheck>;
  /** Closing time (APPROVED, REJECTED, CANCELLED). */
  closedAt?: Maybe<Scalars['Time']['output']>;
  /** The stage the version had when the request was made. */
  fromStage: ModelStage;
  /**
   * A governed alias (policy.governedAliases) asked for through the MLflow API:
   * the approval that carries the request out moves it to the version. Null
   * when the request carries none ("production" is the PRODUCTION stage itself).
   */
  governedAlias?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  justification: Scalars['String']['output'];
  modelVersion: ModelVersion;
  /** The policy version the request is held to. */
  policy: Policy;
  projectKey: Scalars['String']['output'];
  requestedAt: Scalars['Time']['output'];
  requestedBy: Scalars['String']['output'];
  requiredApprovals: Scalars['Int']['output'];
  /** Copied from the policy version at request time. */
  requiredGroups: Array<GroupRequirement>;
  /** Compliance sign-offs of this request's evidence packs, oldest first. */
  signOffs: Array<SignOff>;
  status: PromotionStatus;
  targetStage: ModelStage;
  /** Who started the training run, when known (separation of duties). */
  trainedBy?: Maybe<Scalars['String']['output']>;
  /**
   * Whether the caller may approve it now: open, approver role, not already
   * decided, separation of duties, and, when the role count is met but a
   * required group is missing, the caller's approval would fill a missing
   * group (an approver whose groups add nothing may approve only while the
   * role count is unmet). Any approver who passes the other rules may reject.
   */
  viewerCanDecide: Scalars['Boolean']['output'];
};

export type PromotionRequestConnection = {
  __typename?: 'PromotionRequestConnection';
  edges: Array<PromotionRequestEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type PromotionRequestEdge = {
  __typename?: 'PromotionRequestEdge';
  cursor: Scalars['String']['output'];
  node: PromotionRequest;
};

export type PromotionRequestFilter = {
  /** Only requests the caller may approve now (see PromotionRequest.viewerCanDecide). */
  decidableByViewer?: InputMaybe<Scalars['Boolean']['input']>;
  /** Only these statuses; default: all. */
  statuses?: InputMaybe<Array<PromotionStatus>>;
};

export type PromotionRequestPayload = {
  __typename?: 'PromotionRequestPayload';
  promotionRequest: PromotionRequest;
};

export type PromotionStatus =
  /** Closed: approved and carried out; the model version is in the target stage. */
  | 'APPROVED'
  /** Open; a check fails. Approvals are still recorded; the promotion waits until the checks pass. */
  | 'BLOCKED'
  /** Closed by the requester or an admin. */
  | 'CANCELLED'
  /** Open; every check passes, waiting for approvals. */
  | 'PENDING'
  /** Closed by an approver. */
  | 'REJECTED';

/**
 * A project's data-quality dashboard: figures computed in the database over all
 * its datasets, versions and validation runs, and the lists worth a look first.
 */
export type QualityDashboard = {
  __typename?: 'QualityDashboard';
  /**
   * Registrations of the project's dataset versions waiting for validation on
   * arrival: their suites run when the validation queue has room. 0 when the
   * server does not validate the project on arrival.
   */
  awaitingValidation: Scalars['Int']['output'];
  datasets: Scalars['Int']['output'];
  /** The project's dataset versions at risk: passing or unvalidated themselves, a failed dataset version upstream (of its newest 200 such versions; at most 20). */
  datasetsAtRisk: Array<DatasetVersion>;
  /** Datasets with at least one validation suite. */
  datasetsWithSuites: Scalars['Int']['output'];
  /** The days of the period on which validation runs finished, oldest first: the pass rate over time. */
  days: Array<QualityDay>;
  /** The newest failing dataset versions (at most 20). */
  failing: Array<DatasetVersion>;
  /** Dataset versions whose status is FAILED or ERROR. */
  failingVersions: Scalars['Int']['output'];
  /** The project's model versions at risk, a failed dataset version upstream (of its newest 200 versions; at most 20). */
  modelsAtRisk: Array<ModelVersion>;
  projectKey: Scalars['String']['output'];
  /** The suites whose runs in the period took longest on average, slowest first (at most 5). */
  slowestSuites: Array<SuiteTiming>;
  /** Dataset versions with a validation status (a finished run of a hub suite, or a recorded result). */
  validatedVersions: Scalars['Int']['output'];
  versions: Scalars['Int']['output'];
};

/** Validation runs that finished on one day (UTC). */
export type QualityDay = {
  __typename?: 'QualityDay';
  /** The day's start. */
  day: Scalars['Time']['output'];
  passed: Scalars['Int']['output'];
  runs: Scalars['Int']['output'];
};

/** A FAILED dataset version upstream of a node: why the node is at risk. */
export type QualityIssue = {
  __typename?: 'QualityIssue';
  datasetVersion: DatasetVersion;
  /** Fewest lineage hops from the failed version down to the node (0: the node itself). */
  distance: Scalars['Int']['output'];
  /** The FAILED and ERROR rules of those runs. */
  failingRules: Array<RuleResult>;
  /** The latest run of each suite whose latest run failed, latest first. */
  failingRuns: Array<ValidationRun>;
  /** FAILED or ERROR. */
  status: ValidationStatus;
};

export type Query = {
  __typename?: 'Query';
  /**
   * The event log, oldest first, for auditors, approvers and admins: only events
   * of the projects where the caller holds one of these roles (FORBIDDEN when
   * filter names another). after is an event cursor.
   */
  auditEvents: EventConnection;
  /** Checks a suite definition (YAML or JSON) as createValidationSuite would, writing nothing: for editors that check as one types. */
  checkSuiteDefinition: SuiteDefinitionCheck;
  /**
   * Checks a template being written (its text and parameters) as
   * createValidationTemplate would, writing nothing: for editors that check
   * as one types. samples give parameters values for this check only (in
   * place of their defaults); the text is checked as a suite when every
   * parameter has a value.
   */
  checkTemplateDefinition: TemplateDefinitionCheck;
  /**
   * Column-level lineage around one column of a dataset version, from the
   * OpenLineage columnLineage facets producers sent: the columns it was derived
   * from (UPSTREAM), the columns derived from it (DOWNSTREAM) or both, each once
   * at its shortest distance, nearest first, bounded by depth (at most 50) and
   * maxNodes (at most 5,000), like lineage. column is one of the version's
   * columns (DatasetVersion.columns); NOT_FOUND when the version does not
   * exist, the caller may not read it, or the column has no lineage. Columns of
   * projects the caller may not read are neither returned nor walked through.
   */
  columnLineage: ColumnLineageGraph;
  /**
   * A dataset version by its dataset's OpenLineage name and its version label,
   * in projectKey or, when omitted, in the one project the caller may read that
   * has such a dataset (BAD_USER_INPUT when several do); null when none.
   */
  datasetVersionByName?: Maybe<DatasetVersion>;
  datasets: DatasetConnection;
  /**
   * The evidence of a promotion request as one JSON document (format
   * exphub.evidence/v3; v4 when the hub signs checkpoints of its log; v5 when
   * earlier packs of the request were signed off, which it lists):
   * model version, lineage back to the raw data with digests, validations, bias
   * checks, reproducibility, the digests of the artifacts of the runs it covers,
   * policy, approvals and the audit events with their hash chain, anchored in v4
   * to a signed checkpoint of the log. Auditors, approvers and admins of its
   * project. Check it offline with hubctl evidence verify (--public-key for v4).
   */
  evidencePack: Scalars['JSON']['output'];
  experiments: ExperimentConnection;
  /**
   * A project's Feast feature views, newest first (of its newest 5,000).
   * atRisk: only those whose health is AT_RISK or FAILED, which a failed
   * validation of a source (or of data upstream of one) puts them in.
   */
  featureViews: FeatureViewConnection;
  /**
   * A project's (or one of its experiments') governance report over a period:
   * figures computed in Neo4j over every run and promotion request in scope, and
   * the model versions in production. The runs themselves are in
   * reproducibilityAudit, the requests in promotionRequests. Auditors, approvers
   * and admins of the project; since defaults to the beginning, until to now.
   */
  governanceReport: GovernanceReport;
  /** Everything downstream of a node (at most 50 hops and 50,000 nodes), grouped by kind; asOf as in lineage. */
  impact: ImpactReport;
  /** A job by its OpenLineage name, in a project the caller may read; null when there is none. */
  job?: Maybe<Job>;
  /** A project's jobs, newest first; nameContains is a case-insensitive substring of the name or the namespace. */
  jobs: JobConnection;
  /**
   * Nodes reachable from id along lineage edges, nearest first, bounded by depth
   * (at most 50) and maxNodes (at most 5,000). id is a run, dataset version or
   * model version, or a dataset, model, experiment or job (the walk starts at
   * its versions or runs, one hop away). BOTH is the union of the upstream and the
   * downstream walk. kinds returns only those kinds while the walk passes through
   * the others (INDIRECT edges join what it returns; such a walk passes through
   * at most 20,000 nodes). asOf shows the lineage as it was then: only the nodes
   * and edges that existed at that moment. Jobs are not lineage nodes: only
   * when kinds names JOB does the graph add, for each run the walk reached, its
   * job (a JOB node one hop beyond the run, with a HAS_RUN edge to it, within
   * maxNodes); without kinds, or with kinds that do not name JOB, there are no
   * JOB nodes.
   */
  lineage: LineageGraph;
  /** A shortest lineage path between two nodes (either direction), or null when none exists; asOf as in lineage. */
  lineagePath?: Maybe<LineageGraph>;
  me: Viewer;
  models: ModelConnection;
  /** Fetches any object by its global ID; null when it does not exist or the caller may not read it. */
  node?: Maybe<Node>;
  /** Fetches up to 100 objects by their global IDs, in the order given, with null for each that does not exist or the caller may not read. */
  nodes: Array<Maybe<Node>>;
  /** The project's current policy (version 0, the default, when none was set), or the given version. */
  policy: Policy;
  project?: Maybe<Project>;
  /** Projects the caller may read. */
  projects: ProjectConnection;
  /** Promotion requests of the projects the caller may read (or of projectKey), newest first. */
  promotionRequests: PromotionRequestConnection;
  /** A project's data-quality dashboard over its last days days (1 to 90); viewers of the project. */
  qualityDashboard: QualityDashboard;
  /**
   * Why is this node at risk? The FAILED dataset versions upstream of a run,
   * dataset version or model version (and the node itself when it is one),
   * nearest first, at most 100, each with the latest run of each failing suite
   * and its failing rules. Only paths through projects the caller may read count.
   */
  qualityIssuesUpstream: Array<QualityIssue>;
  /** The last events (at most 1,000) of the projects the caller may read that pass filter, newest first; subscribe to events with after: cursor to continue from there without a gap. */
  recentEvents: RecentEvents;
  /** Everything needed to rerun a run, as one JSON document (format exphub.reproduce/v1). */
  reproduceSpec: Scalars['JSON']['output'];
  /** Every run of an experiment with its reproducibility and latest reproduction status. */
  reproducibilityAudit: ReproducibilityAudit;
  runs: RunConnection;
  /**
   * Runs of a project's experiments (all of them, or experimentIds) matching filter, in MLflow's
   * search_runs language plus OR and parentheses: metrics.auc > 0.9 and (params.lr = '0.1' or
   * tags.team ILIKE 'risk%'). orderBy clauses are like "metrics.auc DESC"; the default is
   * attributes.start_time DESC, and runs without the field sort last. A filter that does not parse
   * is BAD_USER_INPUT naming its column.
   */
  searchRuns: RunConnection;
  /**
   * The compliance sign-offs of the document whose SHA-256 (64 hex digits, what
   * sha256sum prints for the file) is digest, in the projects the caller may
   * read, oldest first. None for a file changed after its sign-off.
   */
  signOffs: Array<SignOff>;
  /** The rule types a suite may use. */
  validationRuleTypes: Array<ValidationRuleType>;
  /** Validation runs of a dataset (all its versions) or of one dataset version: give exactly one. Newest first. */
  validationRuns: ValidationRunConnection;
  validationTemplate?: Maybe<ValidationTemplate>;
  /** A project's validation templates by name (at most 200); viewers of the project. */
  validationTemplates: Array<ValidationTemplate>;
  /** Walks the event log's hash chain and reports the first broken link; auditors, approvers and admins of projectKey. */
  verifyAuditLog: AuditVerification;
  /** A webhook receiver; admins of its project. */
  webhook?: Maybe<Webhook>;
  /** A project's webhook receivers, oldest first; admins of the project. */
  webhooks: Array<Webhook>;
};


export type QueryAuditEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<EventFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryCheckSuiteDefinitionArgs = {
  definition: Scalars['String']['input'];
};


export type QueryCheckTemplateDefinitionArgs = {
  definition: Scalars['String']['input'];
  params?: InputMaybe<Array<TemplateParamInput>>;
  samples?: InputMaybe<Array<TemplateParamValue>>;
};


export type QueryColumnLineageArgs = {
  column: Scalars['String']['input'];
  datasetVersionId: Scalars['ID']['input'];
  depth?: InputMaybe<Scalars['Int']['input']>;
  direction?: InputMaybe<LineageDirection>;
  maxNodes?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryDatasetVersionByNameArgs = {
  name: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
  projectKey?: InputMaybe<Scalars['String']['input']>;
  version: Scalars['String']['input'];
};


export type QueryDatasetsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<DatasetFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  projectKey: Scalars['String']['input'];
};


export type QueryEvidencePackArgs = {
  promotionRequestId: Scalars['ID']['input'];
};


export type QueryExperimentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ExperimentFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  projectKey: Scalars['String']['input'];
};


export type QueryFeatureViewsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  atRisk?: InputMaybe<Scalars['Boolean']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  projectKey: Scalars['String']['input'];
};


export type QueryGovernanceReportArgs = {
  experimentId?: InputMaybe<Scalars['ID']['input']>;
  projectKey: Scalars['String']['input'];
  since?: InputMaybe<Scalars['Time']['input']>;
  until?: InputMaybe<Scalars['Time']['input']>;
};


export type QueryImpactArgs = {
  asOf?: InputMaybe<Scalars['Time']['input']>;
  depth?: InputMaybe<Scalars['Int']['input']>;
  id: Scalars['ID']['input'];
};


export type QueryJobArgs = {
  name: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
  projectKey: Scalars['String']['input'];
};


export type QueryJobsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  nameContains?: InputMaybe<Scalars['String']['input']>;
  projectKey: Scalars['String']['input'];
};


export type QueryLineageArgs = {
  asOf?: InputMaybe<Scalars['Time']['input']>;
  depth?: InputMaybe<Scalars['Int']['input']>;
  direction?: InputMaybe<LineageDirection>;
  id: Scalars['ID']['input'];
  kinds?: InputMaybe<Array<NodeKind>>;
  maxNodes?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryLineagePathArgs = {
  asOf?: InputMaybe<Scalars['Time']['input']>;
  from: Scalars['ID']['input'];
  to: Scalars['ID']['input'];
};


export type QueryModelsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ModelFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  projectKey: Scalars['String']['input'];
};


export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


export type QueryNodesArgs = {
  ids: Array<Scalars['ID']['input']>;
};


export type QueryPolicyArgs = {
  projectKey: Scalars['String']['input'];
  version?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryProjectArgs = {
  key: Scalars['String']['input'];
};


export type QueryProjectsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ProjectFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryPromotionRequestsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<PromotionRequestFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  projectKey?: InputMaybe<Scalars['String']['input']>;
};


export type QueryQualityDashboardArgs = {
  days?: InputMaybe<Scalars['Int']['input']>;
  projectKey: Scalars['String']['input'];
};


export type QueryQualityIssuesUpstreamArgs = {
  id: Scalars['ID']['input'];
};


export type QueryRecentEventsArgs = {
  filter?: InputMaybe<EventFilter>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryReproduceSpecArgs = {
  runId: Scalars['ID']['input'];
};


export type QueryReproducibilityAuditArgs = {
  experimentId: Scalars['ID']['input'];
};


export type QueryRunsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  experimentId: Scalars['ID']['input'];
  filter?: InputMaybe<RunFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<RunOrder>;
};


export type QuerySearchRunsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  experimentIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  filter?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<Array<Scalars['String']['input']>>;
  projectKey: Scalars['String']['input'];
};


export type QuerySignOffsArgs = {
  digest: Scalars['String']['input'];
};


export type QueryValidationRunsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  datasetId?: InputMaybe<Scalars['ID']['input']>;
  datasetVersionId?: InputMaybe<Scalars['ID']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryValidationTemplateArgs = {
  id: Scalars['ID']['input'];
};


export type QueryValidationTemplatesArgs = {
  projectKey: Scalars['String']['input'];
};


export type QueryVerifyAuditLogArgs = {
  projectKey: Scalars['String']['input'];
};


export type QueryWebhookArgs = {
  id: Scalars['ID']['input'];
};


export type QueryWebhooksArgs = {
  projectKey: Scalars['String']['input'];
};

export type RecentEvents = {
  __typename?: 'RecentEvents';
  /** The log's position when they were read: pass it as after to the events subscription. */
  cursor: Scalars['String']['output'];
  /** Newest first. */
  events: Array<Event>;
};

export type RecordReproductionInput = {
  /** A FINISHED run with at least one metric: its final metrics are what a rerun must reproduce. */
  originalRunId: Scalars['ID']['input'];
  relativeTolerance?: Scalars['Float']['input'];
  /** A FINISHED run of the same project. */
  reproductionRunId: Scalars['ID']['input'];
  tolerance?: Scalars['Float']['input'];
};

export type RecordReproductionPayload = {
  __typename?: 'RecordReproductionPayload';
  reproduction: Reproduction;
};

export type RecordValidationResultInput = {
  datasetVersionId: Scalars['ID']['input'];
  /** A Great Expectations validation result (ExpectationSuiteValidationResult, 0.x or 1.x JSON), or the JSON of hubctl validate --json. */
  result: Scalars['String']['input'];
  /** Names the external suite: the latest result of each name counts towards the version's qualityStatus. */
  suiteName: Scalars['String']['input'];
};

export type RecordValidationResultPayload = {
  __typename?: 'RecordValidationResultPayload';
  validationRun: ValidationRun;
};

export type RedeliverWebhookPayload = {
  __typename?: 'RedeliverWebhookPayload';
  /** False when the receiver was not waiting (ACTIVE). */
  changed: Scalars['Boolean']['output'];
  webhook: Webhook;
};

export type ReevaluatePromotionInput = {
  promotionRequestId: Scalars['ID']['input'];
};

export type RegisterDatasetInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  namespace: Scalars['String']['input'];
  projectKey: Scalars['String']['input'];
};

export type RegisterDatasetPayload = {
  __typename?: 'RegisterDatasetPayload';
  dataset: Dataset;
};

export type RegisterDatasetVersionInput = {
  datasetId: Scalars['ID']['input'];
  /** Versions this one was derived from, when no run recorded the step. */
  derivedFrom?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** sha256 of the content: 64 hex characters. */
  digest: Scalars['String']['input'];
  rowCount?: InputMaybe<Scalars['Int']['input']>;
  schema?: InputMaybe<Array<SchemaFieldInput>>;
  uri: Scalars['String']['input'];
  version: Scalars['String']['input'];
};

export type RegisterDatasetVersionPayload = {
  __typename?: 'RegisterDatasetVersionPayload';
  /** False when an identical version was already registered. */
  created: Scalars['Boolean']['output'];
  datasetVersion: DatasetVersion;
};

export type RegisterModelVersionInput = {
  modelName: Scalars['String']['input'];
  projectKey: Scalars['String']['input'];
  /** The training run, when known. */
  runId?: InputMaybe<Scalars['ID']['input']>;
  uri: Scalars['String']['input'];
};

export type RegisterModelVersionPayload = {
  __typename?: 'RegisterModelVersionPayload';
  modelVersion: ModelVersion;
};

/** Whether a run records everything a rerun needs. */
export type Reproducibility = {
  __typename?: 'Reproducibility';
  complete: Scalars['Boolean']['output'];
  /** The latest recorded reproduction of this run, if any. */
  latestReproduction?: Maybe<Reproduction>;
  /**
   * What is missing, one line each: code.commit, code.clean (the tree was dirty),
   * environment (no image digest or lockfile hash), seed, params, inputs (none
   * recorded), input <id> digest.
   */
  missing: Array<Scalars['String']['output']>;
};

export type ReproducibilityAudit = {
  __typename?: 'ReproducibilityAudit';
  completeCount: Scalars['Int']['output'];
  divergedCount: Scalars['Int']['output'];
  experiment: Experiment;
  reproducedCount: Scalars['Int']['output'];
  /** Runs, newest first (at most 1,000). */
  runs: Array<RunReproducibilityEntry>;
  totalCount: Scalars['Int']['output'];
};

/** A rerun of a run compared with it on their final metrics. */
export type Reproduction = Node & {
  __typename?: 'Reproduction';
  createdAt: Scalars['Time']['output'];
  createdBy: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  metrics: Array<MetricComparison>;
  originalRun: Run;
  projectKey: Scalars['String']['output'];
  relativeTolerance: Scalars['Float']['output'];
  reproductionRun: Run;
  /** REPRODUCED when every metric is. */
  status: ReproductionStatus;
  /** Absolute tolerance: a metric is REPRODUCED when |reproduced − original| ≤ tolerance + relativeTolerance · |original|. */
  tolerance: Scalars['Float']['output'];
};

export type ReproductionStatus =
  | 'DIVERGED'
  | 'REPRODUCED';

export type RequestPromotionInput = {
  /** Why: 1 to 4,000 characters. */
  justification: Scalars['String']['input'];
  modelVersionId: Scalars['ID']['input'];
  /** STAGING or PRODUCTION, as the policy allows. */
  targetStage: ModelStage;
};

export type RequestPromotionPayload = {
  __typename?: 'RequestPromotionPayload';
  promotionRequest: PromotionRequest;
};

/**
 * A role in a project. VIEWER < CONTRIBUTOR < APPROVER < ADMIN is a ladder: each
 * includes the ones before it. AUDITOR stands beside it: it reads everything of
 * the project, the audit log and evidence packs included, and may neither write
 * nor decide.
 */
export type Role =
  | 'ADMIN'
  | 'APPROVER'
  | 'AUDITOR'
  | 'CONTRIBUTOR'
  | 'VIEWER';

export type RotateWebhookSecretInput = {
  id: Scalars['ID']['input'];
  /** How long the old secret keeps signing beside the new one, 0 to 604,800 seconds (a week). */
  overlapSeconds?: InputMaybe<Scalars['Int']['input']>;
};

export type RotateWebhookSecretPayload = {
  __typename?: 'RotateWebhookSecretPayload';
  /** The new signing secret: shown this once. */
  secret: Scalars['String']['output'];
  webhook: Webhook;
};

/** The outcome of one rule of a run. */
export type RuleResult = {
  __typename?: 'RuleResult';
  column?: Maybe<Scalars['String']['output']>;
  columns: Array<Scalars['String']['output']>;
  /** Rows the rule looked at. */
  elementCount: Scalars['Int']['output'];
  index: Scalars['Int']['output'];
  message?: Maybe<Scalars['String']['output']>;
  missingCount: Scalars['Int']['output'];
  name?: Maybe<Scalars['String']['output']>;
  /** The observed value: a number, or a structured value per rule type; null when nothing was observed. */
  observed?: Maybe<Scalars['JSON']['output']>;
  severity: RuleSeverity;
  type: Scalars['String']['output'];
  unexpectedCount: Scalars['Int']['output'];
  /** unexpectedCount over the rule's denominator (non-null rows for most rules), in percent; null when not row-wise or the denominator is 0. */
  unexpectedPercent?: Maybe<Scalars['Float']['output']>;
  /** A few failing values, never the whole column: objects {value, row} (row 1-based, when known). */
  unexpectedSample: Array<Scalars['JSON']['output']>;
  verdict: RuleVerdict;
};

export type RuleSeverity =
  /** A failure fails the run. */
  | 'ERROR'
  /** A failure only warns. */
  | 'WARN';

export type RuleVerdict =
  | 'ERROR'
  | 'FAILED'
  | 'PASSED';

export type Run = Node & {
  __typename?: 'Run';
  /**
   * The run's artifacts directly inside the directory path (null or "": the
   * run's artifact root; a trailing slash is ignored), by name, as MLflow's
   * list_artifacts lists them: files with their size and digest, and
   * directories. At most 10,000 entries. A path that names a file, or nothing,
   * lists nothing. Artifacts are logged through the MLflow artifact proxy; a
   * pipeline run has none.
   */
  artifacts: Array<RunArtifact>;
  /** Runs started by this one (OpenLineage parent facet), oldest first. */
  children: Array<Run>;
  code?: Maybe<CodeRef>;
  createdBy: Scalars['String']['output'];
  endedAt?: Maybe<Scalars['Time']['output']>;
  environment?: Maybe<Environment>;
  /** Why the run failed, as the producer reported it (OpenLineage errorMessage facet). */
  errorMessage?: Maybe<Scalars['String']['output']>;
  /**
   * The experiment this run belongs to; null for a pipeline run (reported by
   * OpenLineage), which belongs to a job instead (see job). Every run has one
   * of the two.
   */
  experiment?: Maybe<Experiment>;
  /** The producer's run ID (OpenLineage runId) of a pipeline run; null for runs started through the hub. */
  externalId?: Maybe<Scalars['String']['output']>;
  /** The OpenLineage run facets, sorted by name; empty for runs started through the hub. */
  facets: Array<Facet>;
  /** The Feast feature services whose versions this run read (useFeatureServices, or an input that is one), by name. */
  featureServices: Array<Dataset>;
  id: Scalars['ID']['output'];
  /** Dataset versions this run read. */
  inputs: Array<DatasetVersion>;
  /** The pipeline job this run executed; null for an experiment's run. */
  job?: Maybe<Job>;
  /** Metrics of this run; keys limits the result to those keys. */
  metrics: Array<Metric>;
  /** Model versions this run produced. */
  modelOutputs: Array<ModelVersion>;
  name: Scalars['String']['output'];
  /** Dataset versions this run wrote. */
  outputs: Array<DatasetVersion>;
  params: Array<Param>;
  /** The run that started this one (OpenLineage parent facet), when the hub has seen it. */
  parent?: Maybe<Run>;
  projectKey: Scalars['String']['output'];
  /** What a rerun of this run would need that was not recorded. */
  reproducibility: Reproducibility;
  seed?: Maybe<Scalars['Int']['output']>;
  startedAt: Scalars['Time']['output'];
  status: RunStatus;
  tags: Array<Tag>;
};


export type RunArtifactsArgs = {
  path?: InputMaybe<Scalars['String']['input']>;
};


export type RunMetricsArgs = {
  keys?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** A file or a directory of a run's artifacts. */
export type RunArtifact = {
  __typename?: 'RunArtifact';
  /**
   * Where the file downloads: the MLflow artifact proxy's GET, a path on the
   * hub that needs the same bearer token as /graphql (a plain link cannot
   * carry it; fetch it with the header). Null for a directory. The proxy sends
   * a Content-Type from the extension and serves HTML, SVG and unknown types
   * as attachments only.
   */
  downloadUrl?: Maybe<Scalars['String']['output']>;
  isDir: Scalars['Boolean']['output'];
  /** The last segment of path. */
  name: Scalars['String']['output'];
  /** The path from the run's artifact root, e.g. plots/roc.png; a directory's has no trailing slash. */
  path: Scalars['String']['output'];
  /** The hex SHA-256 of the file's content; null for a directory. */
  sha256?: Maybe<Scalars['String']['output']>;
  /** The file's size in bytes; null for a directory. */
  size?: Maybe<Scalars['Int']['output']>;
};

export type RunBiasCheckInput = {
  /** The evaluation data: a dataset version with the label, prediction and sensitive columns, read like a validation. */
  datasetVersionId: Scalars['ID']['input'];
  labelColumn: Scalars['String']['input'];
  /** Groups with fewer rows are flagged small. Default 30. */
  minGroupSize?: InputMaybe<Scalars['Int']['input']>;
  modelVersionId: Scalars['ID']['input'];
  /** The label and prediction value that means positive; labels and predictions must take at most two values. */
  positiveLabel: Scalars['String']['input'];
  predictionColumn: Scalars['String']['input'];
  /** 1 to 5 columns; groups are the combinations of their values. */
  sensitiveColumns: Array<Scalars['String']['input']>;
  /** Optional non-negative sample weights. */
  weightColumn?: InputMaybe<Scalars['String']['input']>;
};

export type RunBiasCheckPayload = {
  __typename?: 'RunBiasCheckPayload';
  biasCheck: BiasCheck;
};

export type RunConnection = {
  __typename?: 'RunConnection';
  edges: Array<RunEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type RunEdge = {
  __typename?: 'RunEdge';
  cursor: Scalars['String']['output'];
  node: Run;
};

export type RunFilter = {
  nameContains?: InputMaybe<Scalars['String']['input']>;
  /** Runs whose param of this key has exactly this value. */
  param?: InputMaybe<ParamInput>;
  status?: InputMaybe<Array<RunStatus>>;
};

export type RunOrder = {
  direction?: SortDirection;
  field?: RunOrderField;
};

export type RunOrderField =
  | 'NAME'
  | 'STARTED_AT';

export type RunReproducibilityEntry = {
  __typename?: 'RunReproducibilityEntry';
  complete: Scalars['Boolean']['output'];
  missing: Array<Scalars['String']['output']>;
  run: Run;
  status: RunReproductionStatus;
};

export type RunReproductionStatus =
  | 'DIVERGED'
  | 'NOT_ATTEMPTED'
  | 'REPRODUCED';

export type RunStatus =
  | 'FAILED'
  | 'FINISHED'
  | 'KILLED'
  | 'RUNNING'
  | 'SCHEDULED';

export type RunValidationInput = {
  /** A version of the suite's dataset. */
  datasetVersionId: Scalars['ID']['input'];
  suiteId: Scalars['ID']['input'];
};

export type RunValidationPayload = {
  __typename?: 'RunValidationPayload';
  /** The run, RUNNING. */
  validationRun: ValidationRun;
};

export type SchemaField = {
  __typename?: 'SchemaField';
  name: Scalars['String']['output'];
  nullable: Scalars['Boolean']['output'];
  type: Scalars['String']['output'];
};

export type SchemaFieldInput = {
  name: Scalars['String']['input'];
  nullable?: Scalars['Boolean']['input'];
  type: Scalars['String']['input'];
};

export type SetModelAliasInput = {
  /** Letters, digits, _ and -, at most 100; case-insensitive (kept lower case). */
  alias: Scalars['String']['input'];
  /** The version the alias is to name. */
  modelVersionId: Scalars['ID']['input'];
};

export type SetModelAliasPayload = {
  __typename?: 'SetModelAliasPayload';
  /** The version, with its aliases as they are now: a governed alias is on it only once its promotion request is approved. */
  modelVersion: ModelVersion;
  /** The promotion request a governed alias moves through (opened by this call, or the one already open for the version); null when the alias moved at once. */
  promotionRequest?: Maybe<PromotionRequest>;
};

export type SetPolicyInput = {
  allowWarnedValidations?: Scalars['Boolean']['input'];
  /** 1 to 31536000 seconds (a year); null: approvals do not expire. */
  approvalsValidFor?: InputMaybe<Scalars['Int']['input']>;
  /** APPROVER or ADMIN. */
  approverRole?: Role;
  biasRules?: Array<BiasRuleInput>;
  /** Model aliases governed besides production: letters, digits, _ and -, at most 100; case-insensitive. */
  governedAliases?: Array<Scalars['String']['input']>;
  projectKey: Scalars['String']['input'];
  requireReproduced?: Scalars['Boolean']['input'];
  requireReproducible?: Scalars['Boolean']['input'];
  requireUpstreamValidationsPassed?: Scalars['Boolean']['input'];
  /** 1 to 10. */
  requiredApprovals: Scalars['Int']['input'];
  /** Approvals needed from members of named groups (see Policy.requiredGroups); at most 10 groups. */
  requiredGroups?: Array<GroupRequirementInput>;
  separationOfDuties?: Scalars['Boolean']['input'];
  /** STAGING and/or PRODUCTION. */
  stages?: Array<ModelStage>;
};

export type SetPolicyPayload = {
  __typename?: 'SetPolicyPayload';
  /** False when the policy was already this one (no new version). */
  changed: Scalars['Boolean']['output'];
  policy: Policy;
};

export type SetRunTagsInput = {
  runId: Scalars['ID']['input'];
  tags: Array<TagInput>;
};

export type SetRunTagsPayload = {
  __typename?: 'SetRunTagsPayload';
  run: Run;
};

export type SetValidationSuiteOnArrivalInput = {
  onArrival: Scalars['Boolean']['input'];
  suiteId: Scalars['ID']['input'];
};

export type SetValidationSuiteOnArrivalPayload = {
  __typename?: 'SetValidationSuiteOnArrivalPayload';
  /** False when the suite was already so. */
  changed: Scalars['Boolean']['output'];
  validationSuite: ValidationSuite;
};

/** A compliance reviewer's verdict on one document, named by its digest. */
export type SignOff = Node & {
  __typename?: 'SignOff';
  decision: SignOffDecision;
  /** SHA-256 of the document as the reviewer gave it, in hex: what sha256sum prints for the file. */
  digest: Scalars['String']['output'];
  /** What the review found; always present for a rejection. */
  findings?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  projectKey: Scalars['String']['output'];
  /** The request whose evidence pack was signed off; null for a governance report. */
  promotionRequest?: Maybe<PromotionRequest>;
  signedAt: Scalars['Time']['output'];
  signedBy: Scalars['String']['output'];
  subject: SignOffSubject;
};

export type SignOffDecision =
  | 'ACCEPTED'
  /** Rejected, with findings. */
  | 'REJECTED';

export type SignOffInput = {
  decision: SignOffDecision;
  /** The document exactly as read: its bytes' SHA-256 is what is signed off. */
  document: Scalars['String']['input'];
  /** Required to reject; at most 16 KiB. */
  findings?: InputMaybe<Scalars['String']['input']>;
  subject: SignOffSubject;
};

export type SignOffPayload = {
  __typename?: 'SignOffPayload';
  signOff: SignOff;
};

/** What a compliance sign-off is about. */
export type SignOffSubject =
  /** An evidence pack (evidencePack, hubctl evidence fetch). */
  | 'EVIDENCE_PACK'
  /** A governance report as JSON (hubctl report --format json). */
  | 'GOVERNANCE_REPORT';

export type SortDirection =
  | 'ASC'
  | 'DESC';

export type StartRunInput = {
  code?: InputMaybe<CodeRefInput>;
  environment?: InputMaybe<EnvironmentInput>;
  experimentId: Scalars['ID']['input'];
  name?: InputMaybe<Scalars['String']['input']>;
  params?: InputMaybe<Array<ParamInput>>;
  seed?: InputMaybe<Scalars['Int']['input']>;
  /** SCHEDULED or RUNNING (the default). */
  status?: InputMaybe<RunStatus>;
  tags?: InputMaybe<Array<TagInput>>;
};

export type StartRunPayload = {
  __typename?: 'StartRunPayload';
  run: Run;
};

export type Subscription = {
  __typename?: 'Subscription';
  /** PROMOTION_REQUESTED events of requests the caller may decide (approver role, separation of duties); after as in events. */
  approvalRequested: Event;
  /**
   * Events of the projects the caller may read that pass filter: first every
   * event after the cursor after (none when omitted: from now on; "0" for the
   * whole log), then each new one as it commits, in order, without gaps or
   * repeats. A subscription that falls too far behind, or whose token expires,
   * ends with an error that says so and names the cursor to resume from.
   */
  events: Event;
  /**
   * What a feature-store team watches: the VALIDATION_COMPLETED and
   * DATASET_VERSION_REGISTERED events of the data sources of the project's
   * feature views whose name matches featureView (a glob; every view by
   * default), and of the data their URIs name (FeatureView.sourceData).
   * Views applied or changed after the subscription began are followed from
   * the event that changed them on; after as in events.
   */
  featureViewSources: Event;
  /** PROMOTION_* and MODEL_STAGE_CHANGED events of a project (target: the PromotionRequest or ModelVersion); after as in events. */
  promotionUpdated: Event;
  /** RUN_STARTED and RUN_STATUS_CHANGED events of the runs of an experiment; after as in events. */
  runStatusChanged: Event;
  /** VALIDATION_COMPLETED events of the versions of a dataset (target: the ValidationRun); after as in events. */
  validationCompleted: Event;
};


export type SubscriptionApprovalRequestedArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
};


export type SubscriptionEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<EventFilter>;
};


export type SubscriptionFeatureViewSourcesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  featureView?: InputMaybe<Scalars['String']['input']>;
  projectKey: Scalars['String']['input'];
};


export type SubscriptionPromotionUpdatedArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  projectKey: Scalars['String']['input'];
};


export type SubscriptionRunStatusChangedArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  experimentId: Scalars['ID']['input'];
};


export type SubscriptionValidationCompletedArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  datasetId: Scalars['ID']['input'];
};

/** What the parser createValidationSuite uses says of a suite definition. */
export type SuiteDefinitionCheck = {
  __typename?: 'SuiteDefinitionCheck';
  problems: Array<SuiteProblem>;
  ruleCount: Scalars['Int']['output'];
  /** True when createValidationSuite would accept it (its references aside, which it checks against the graph). */
  valid: Scalars['Boolean']['output'];
};

/** One problem of a suite definition. */
export type SuiteProblem = {
  __typename?: 'SuiteProblem';
  /** The rule's field at fault, when one is. */
  field?: Maybe<Scalars['String']['output']>;
  message: Scalars['String']['output'];
  /** The rule's index; null for the suite as a whole. */
  rule?: Maybe<Scalars['Int']['output']>;
};

/** What ties a suite to the template it was made from. */
export type SuiteTemplateLink = {
  __typename?: 'SuiteTemplateLink';
  /** The suite's parameter values, name to value. */
  params: Scalars['JSON']['output'];
  template: ValidationTemplate;
  /** Whether that is the template's latest version. */
  upToDate: Scalars['Boolean']['output'];
  /** The template version the suite was last rendered from. */
  version: Scalars['Int']['output'];
};

/** How long a suite's runs took in the period. */
export type SuiteTiming = {
  __typename?: 'SuiteTiming';
  maxSeconds: Scalars['Float']['output'];
  meanSeconds: Scalars['Float']['output'];
  runs: Scalars['Int']['output'];
  suite: ValidationSuite;
};

export type Tag = {
  __typename?: 'Tag';
  key: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

export type TagInput = {
  key: Scalars['String']['input'];
  value: Scalars['String']['input'];
};

/** What checkTemplateDefinition finds in a template being written. */
export type TemplateDefinitionCheck = {
  __typename?: 'TemplateDefinitionCheck';
  /** The parameters the text uses (${name}), sorted: each must be declared. */
  placeholders: Array<Scalars['String']['output']>;
  problems: Array<SuiteProblem>;
  /** The rules of the suite the text renders to (0 when not checked as a suite). */
  ruleCount: Scalars['Int']['output'];
  /** Whether the text was checked as a suite: it is when every parameter has a default or a sample value. */
  suiteChecked: Scalars['Boolean']['output'];
  /** Whether createValidationTemplate would accept the text and parameters, and the text, when it could be checked as a suite, is one. */
  valid: Scalars['Boolean']['output'];
};

/** A parameter a template declares. */
export type TemplateParam = {
  __typename?: 'TemplateParam';
  /** Used where a suite gives no value; null: every suite must give one. */
  default?: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
};

export type TemplateParamInput = {
  /** One line: a number, a word, or a [flow, list]. */
  default?: InputMaybe<Scalars['String']['input']>;
  /** Letters, digits and _; ${name} in the definition. */
  name: Scalars['String']['input'];
};

export type TemplateParamValue = {
  name: Scalars['String']['input'];
  value: Scalars['String']['input'];
};

export type TruncationReason =
  | 'DEPTH'
  | 'MAX_NODES';

/** A change to a model: each field given is applied, in one write; a change that changes nothing writes nothing. */
export type UpdateModelInput = {
  /** Removes one tag by key. */
  deleteTag?: InputMaybe<Scalars['String']['input']>;
  /** Replaces the description ("" clears it). */
  description?: InputMaybe<Scalars['String']['input']>;
  modelId: Scalars['ID']['input'];
  /** Sets one tag. */
  setTag?: InputMaybe<TagInput>;
};

export type UpdateModelPayload = {
  __typename?: 'UpdateModelPayload';
  model: Model;
};

/** A change to a model version, as UpdateModelInput. */
export type UpdateModelVersionInput = {
  deleteTag?: InputMaybe<Scalars['String']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  modelVersionId: Scalars['ID']['input'];
  setTag?: InputMaybe<TagInput>;
};

export type UpdateModelVersionPayload = {
  __typename?: 'UpdateModelVersionPayload';
  modelVersion: ModelVersion;
};

export type UpdateRunStatusInput = {
  runId: Scalars['ID']['input'];
  status: RunStatus;
};

export type UpdateRunStatusPayload = {
  __typename?: 'UpdateRunStatusPayload';
  run: Run;
};

export type UpdateValidationSuiteInput = {
  /** The new definition; the same definition again changes nothing. */
  definition: Scalars['String']['input'];
  suiteId: Scalars['ID']['input'];
};

export type UpdateValidationSuitePayload = {
  __typename?: 'UpdateValidationSuitePayload';
  /** False when the definition was already this one (no new version). */
  changed: Scalars['Boolean']['output'];
  validationSuite: ValidationSuite;
};

export type UpdateValidationTemplateInput = {
  /** Applies itself to the datasets its selector matches as their versions arrive; every parameter needs a default. */
  autoApply?: InputMaybe<Scalars['Boolean']['input']>;
  definition: Scalars['String']['input'];
  description?: InputMaybe<Scalars['String']['input']>;
  params?: InputMaybe<Array<TemplateParamInput>>;
  selector?: InputMaybe<DatasetSelectorInput>;
  templateId: Scalars['ID']['input'];
};

export type UpdateValidationTemplatePayload = {
  __typename?: 'UpdateValidationTemplatePayload';
  /** False when the content was already this (no new version). */
  changed: Scalars['Boolean']['output'];
  /** The suites rendered again at the new version. */
  suites: Array<ValidationSuite>;
  validationTemplate: ValidationTemplate;
};

export type UseFeatureServicesInput = {
  /** Datasets whose feastKind is FEATURE_SERVICE, each with a version; 1 to 20. */
  featureServiceIds: Array<Scalars['ID']['input']>;
  runId: Scalars['ID']['input'];
};

export type UseFeatureServicesPayload = {
  __typename?: 'UseFeatureServicesPayload';
  run: Run;
};

/** Why a run ended in ERROR as a whole. */
export type ValidationErrorCode =
  /** The data could not be parsed (ragged rows, bad UTF-8, malformed JSON or Parquet). */
  | 'INPUT'
  /** The data's sha256 differs from the dataset version's registered digest: it changed under an immutable version. */
  | 'INTEGRITY'
  /** The server stopped while the run was in flight. */
  | 'INTERRUPTED'
  /** The data could not be opened or fetched. */
  | 'SOURCE'
  /** The run did not finish within the server's validation timeout. */
  | 'TIMEOUT';

/** A rule type of the data-quality engine, for suite editors. */
export type ValidationRuleType = {
  __typename?: 'ValidationRuleType';
  /** Whether mostly (the share of rows that must pass, 0 to 1) applies. */
  acceptsMostly: Scalars['Boolean']['output'];
  /** What it checks, from the engine's contract (internal/quality/RULES.md). */
  checks: Scalars['String']['output'];
  /** The fields it accepts besides type, name and severity. */
  fields: Array<Scalars['String']['output']>;
  type: Scalars['String']['output'];
};

/** One validation of one dataset version. */
export type ValidationRun = Node & {
  __typename?: 'ValidationRun';
  createdBy: Scalars['String']['output'];
  datasetVersion: DatasetVersion;
  /** The suite definition it ran (a copy); null for a recorded result. */
  definition?: Maybe<Scalars['JSON']['output']>;
  /** exphub or great_expectations. */
  engine: Scalars['String']['output'];
  /** The external engine's version, when its result said. */
  engineVersion?: Maybe<Scalars['String']['output']>;
  error?: Maybe<ValidationRunError>;
  finishedAt?: Maybe<Scalars['Time']['output']>;
  id: Scalars['ID']['output'];
  projectKey: Scalars['String']['output'];
  /** One per rule, in the suite's order; empty while running. */
  results: Array<RuleResult>;
  /** Rows read; null while running, for an ERROR before any row, and for recorded results. */
  rowCount?: Maybe<Scalars['Int']['output']>;
  /** sha256 of the data read, lowercase hex. */
  sha256?: Maybe<Scalars['String']['output']>;
  startedAt: Scalars['Time']['output'];
  statistics?: Maybe<ValidationStatistics>;
  status: ValidationStatus;
  /** The hub suite it ran; null for a recorded external result (or a suite the caller may not read). */
  suite?: Maybe<ValidationSuite>;
  suiteName: Scalars['String']['output'];
  /** The suite's version it ran; null for a recorded result. */
  suiteVersion?: Maybe<Scalars['Int']['output']>;
  trigger: ValidationTrigger;
};

export type ValidationRunConnection = {
  __typename?: 'ValidationRunConnection';
  edges: Array<ValidationRunEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type ValidationRunEdge = {
  __typename?: 'ValidationRunEdge';
  cursor: Scalars['String']['output'];
  node: ValidationRun;
};

export type ValidationRunError = {
  __typename?: 'ValidationRunError';
  code: ValidationErrorCode;
  column?: Maybe<Scalars['String']['output']>;
  message: Scalars['String']['output'];
  /** 1-based data row, when known. */
  row?: Maybe<Scalars['Int']['output']>;
};

export type ValidationStatistics = {
  __typename?: 'ValidationStatistics';
  errored: Scalars['Int']['output'];
  evaluated: Scalars['Int']['output'];
  failed: Scalars['Int']['output'];
  passed: Scalars['Int']['output'];
  successPercent: Scalars['Float']['output'];
};

export type ValidationStatus =
  | 'ERROR'
  | 'FAILED'
  | 'PASSED'
  | 'RUNNING'
  | 'WARNED';

/** A named, versioned set of data-quality rules over a dataset. */
export type ValidationSuite = Node & {
  __typename?: 'ValidationSuite';
  createdAt: Scalars['Time']['output'];
  createdBy: Scalars['String']['output'];
  dataset: Dataset;
  /** The suite as the engine reads it (canonical JSON of the YAML or JSON given). */
  definition: Scalars['JSON']['output'];
  id: Scalars['ID']['output'];
  /** Unique per dataset. */
  name: Scalars['String']['output'];
  /**
   * Runs by itself on every version of its dataset registered after the suite
   * was created, however the version arrived (GraphQL, hubctl, OpenLineage,
   * MLflow), when the server validates the project on arrival
   * (EXPHUB_VALIDATION_ON_ARRIVAL); false: only when asked (runValidation).
   */
  onArrival: Scalars['Boolean']['output'];
  projectKey: Scalars['String']['output'];
  ruleCount: Scalars['Int']['output'];
  /** Runs of this suite, newest first. */
  runs: ValidationRunConnection;
  /** The template the suite follows; null for a suite written by hand (editing a suite by hand stops it following). */
  template?: Maybe<SuiteTemplateLink>;
  updatedAt: Scalars['Time']['output'];
  updatedBy: Scalars['String']['output'];
  /** 1 at creation, one more with each change of the definition. */
  version: Scalars['Int']['output'];
};


/** A named, versioned set of data-quality rules over a dataset. */
export type ValidationSuiteRunsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type ValidationSuiteConnection = {
  __typename?: 'ValidationSuiteConnection';
  edges: Array<ValidationSuiteEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type ValidationSuiteEdge = {
  __typename?: 'ValidationSuiteEdge';
  cursor: Scalars['String']['output'];
  node: ValidationSuite;
};

/**
 * A validation suite written once, with parameters (${name} in its
 * definition), for the datasets its selector matches. Applying it to a
 * dataset makes a suite that follows it: a new template version renders
 * every such suite again (a new suite version each). Viewers of the project
 * read it; contributors write it.
 */
export type ValidationTemplate = {
  __typename?: 'ValidationTemplate';
  /**
   * Whether the template applies itself: when a version of a dataset its
   * selector matches is registered and the dataset has no suite of it, the
   * server's validation on arrival (EXPHUB_VALIDATION_ON_ARRIVAL) makes one,
   * with the parameters' defaults, and runs it on that version.
   */
  autoApply: Scalars['Boolean']['output'];
  createdAt: Scalars['Time']['output'];
  createdBy: Scalars['String']['output'];
  /** The suite definition (YAML or JSON) with ${name} placeholders. */
  definition: Scalars['String']['output'];
  description: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  params: Array<TemplateParam>;
  projectKey: Scalars['String']['output'];
  selector: DatasetSelector;
  /** The suites that follow it (at most 500), oldest first. */
  suites: Array<ValidationSuite>;
  updatedAt: Scalars['Time']['output'];
  updatedBy: Scalars['String']['output'];
  version: Scalars['Int']['output'];
};

/** What started a validation run. */
export type ValidationTrigger =
  /** Its dataset version was registered (validation on arrival). */
  | 'ARRIVAL'
  /** Someone asked for it (runValidation). */
  | 'MANUAL'
  /** A result produced elsewhere was recorded (recordValidationResult). */
  | 'RECORDED';

/** How a dataset version's content is vouched for. */
export type VersionIntegrity =
  /** The hub has not seen the content (a version reported by OpenLineage): there is no digest. */
  | 'NONE'
  /** digest is the sha256 of the content, which the hub checked or was given at registration. */
  | 'SHA256';

/** The caller, as its token says. */
export type Viewer = {
  __typename?: 'Viewer';
  expiresAt: Scalars['Time']['output'];
  /** Explicit per-project grants; a grant for project '*' applies to every project. */
  grants: Array<Grant>;
  subject: Scalars['String']['output'];
};

/**
 * An HTTP receiver of a project's events. Each event of its topics is POSTed
 * in log order, at least once, signed as Standard Webhooks says (headers
 * webhook-id, webhook-timestamp, webhook-signature), with the event's log
 * position and hash (Exphub-Log-Seq, Exphub-Log-Hash). Admins of the project
 * only.
 */
export type Webhook = {
  __typename?: 'Webhook';
  /** Failed attempts at its next event. */
  attempts: Scalars['Int']['output'];
  createdAt: Scalars['Time']['output'];
  createdBy: Scalars['String']['output'];
  /** Deliveries the receiver acknowledged. */
  delivered: Scalars['Int']['output'];
  description: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  lastAttemptAt?: Maybe<Scalars['Time']['output']>;
  lastDeliveredAt?: Maybe<Scalars['Time']['output']>;
  /** Why the last attempt failed; null when it did not. */
  lastError?: Maybe<Scalars['String']['output']>;
  /** The receiver's HTTP status at the last attempt; null when it gave none. */
  lastStatus?: Maybe<Scalars['Int']['output']>;
  nextAttemptAt?: Maybe<Scalars['Time']['output']>;
  parkedAt?: Maybe<Scalars['Time']['output']>;
  /** Events of its topics not yet delivered, counted up to 1,000. */
  pending: Scalars['Int']['output'];
  /** The log position delivery has passed: every event of its topics up to it was acknowledged. */
  position: Scalars['Int']['output'];
  /** Until when the secret before the last rotation also signs deliveries; null when none does. */
  previousSecretUntil?: Maybe<Scalars['Time']['output']>;
  projectKey: Scalars['String']['output'];
  secretRotatedAt: Scalars['Time']['output'];
  state: WebhookState;
  topics: Array<WebhookTopic>;
  url: Scalars['String']['output'];
};

/** Where a receiver's delivery stands. */
export type WebhookState =
  /** Its last delivery, if any, was acknowledged. */
  | 'ACTIVE'
  /** Its next event failed every attempt: nothing is sent until an admin redelivers. The events wait in the log; none is lost. */
  | 'PARKED'
  /** Its next event failed and is tried again at nextAttemptAt. */
  | 'RETRYING';

/** What a webhook receiver subscribes to. */
export type WebhookTopic =
  /** A dataset version was registered, whichever way it came in. */
  | 'DATASET_VERSION_REGISTERED'
  /** A promotion request closed (completed, rejected or cancelled): its evidence pack (evidencePack, hubctl evidence fetch) is final. */
  | 'EVIDENCE_PACK_READY'
  /** A model version moved to PRODUCTION (MODEL_STAGE_CHANGED). */
  | 'MODEL_IN_PRODUCTION'
  /** A promotion request was carried out (PROMOTION_COMPLETED) or rejected (PROMOTION_REJECTED). */
  | 'PROMOTION_DECIDED'
  /** A validation run ended FAILED or ERROR (VALIDATION_COMPLETED). */
  | 'VALIDATION_FAILED';

export type DecidableQueryVariables = Exact<{ [key: string]: never; }>;


export type DecidableQuery = { __typename?: 'Query', promotionRequests: { __typename?: 'PromotionRequestConnection', totalCount: number, edges: Array<{ __typename?: 'PromotionRequestEdge', node: { __typename?: 'PromotionRequest', id: string, projectKey: string } }> } };

export type ApprovalRequestedSubscriptionVariables = Exact<{
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ApprovalRequestedSubscription = { __typename?: 'Subscription', approvalRequested: { __typename?: 'Event', cursor: string, seq: number } };

export type PromotionClosedSubscriptionVariables = Exact<{
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type PromotionClosedSubscription = { __typename?: 'Subscription', events: { __typename?: 'Event', cursor: string, seq: number } };

export type RunArtifactsQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  path?: InputMaybe<Scalars['String']['input']>;
}>;


export type RunArtifactsQuery = { __typename?: 'Query', node?: { __typename?: 'BiasCheck' } | { __typename?: 'Dataset' } | { __typename?: 'DatasetVersion' } | { __typename?: 'Experiment' } | { __typename?: 'Job' } | { __typename?: 'Model' } | { __typename?: 'ModelVersion' } | { __typename?: 'Policy' } | { __typename?: 'Project' } | { __typename?: 'PromotionRequest' } | { __typename?: 'Reproduction' } | { __typename?: 'Run', id: string, artifacts: Array<{ __typename?: 'RunArtifact', path: string, name: string, isDir: boolean, size?: number | null, sha256?: string | null, downloadUrl?: string | null }> } | { __typename?: 'SignOff' } | { __typename?: 'ValidationRun' } | { __typename?: 'ValidationSuite' } | null };

export type ColumnLineageQueryVariables = Exact<{
  versionId: Scalars['ID']['input'];
  column: Scalars['String']['input'];
}>;


export type ColumnLineageQuery = { __typename?: 'Query', columnLineage: { __typename?: 'ColumnLineageGraph', root: string, truncated: boolean, nodes: Array<{ __typename?: 'ColumnNode', id: string, name: string, distance: number, datasetVersion: { __typename?: 'DatasetVersion', id: string, version: string, dataset: { __typename?: 'Dataset', id: string, name: string } } }>, edges: Array<{ __typename?: 'ColumnEdge', from: string, to: string, transformations: Array<{ __typename?: 'ColumnTransformation', type: string, subtype?: string | null, description?: string | null, masking: boolean }> }>, modelVersions: Array<{ __typename?: 'ModelVersion', id: string, version: number, stage: ModelStage, model: { __typename?: 'Model', id: string, name: string } }> } };

export type EvidenceObjectsQueryVariables = Exact<{
  ids: Array<Scalars['ID']['input']> | Scalars['ID']['input'];
}>;


export type EvidenceObjectsQuery = { __typename?: 'Query', nodes: Array<{ __typename: 'BiasCheck', id: string } | { __typename: 'Dataset', id: string } | { __typename: 'DatasetVersion', version: string, id: string, dataset: { __typename?: 'Dataset', id: string, name: string } } | { __typename: 'Experiment', id: string } | { __typename: 'Job', id: string } | { __typename: 'Model', id: string } | { __typename: 'ModelVersion', id: string } | { __typename: 'Policy', id: string } | { __typename: 'Project', id: string } | { __typename: 'PromotionRequest', id: string } | { __typename: 'Reproduction', id: string } | { __typename: 'Run', name: string, id: string } | { __typename: 'SignOff', id: string } | { __typename: 'ValidationRun', suiteName: string, id: string, datasetVersion: { __typename?: 'DatasetVersion', id: string, version: string, dataset: { __typename?: 'Dataset', id: string, name: string } } } | { __typename: 'ValidationSuite', id: string } | null> };

export type PromotionUpdatedSubscriptionVariables = Exact<{
  projectKey: Scalars['String']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type PromotionUpdatedSubscription = { __typename?: 'Subscription', promotionUpdated: { __typename?: 'Event', cursor: string, seq: number, kind: EventKind, targetId: string } };

export type EventHeadQueryVariables = Exact<{ [key: string]: never; }>;


export type EventHeadQuery = { __typename?: 'Query', recentEvents: { __typename?: 'RecentEvents', cursor: string } };

export type SetModelAliasMutationVariables = Exact<{
  input: SetModelAliasInput;
}>;


export type SetModelAliasMutation = { __typename?: 'Mutation', setModelAlias: { __typename?: 'SetModelAliasPayload', modelVersion: { __typename?: 'ModelVersion', id: string, aliases: Array<string> }, promotionRequest?: { __typename?: 'PromotionRequest', id: string, projectKey: string, status: PromotionStatus } | null } };

export type DeleteModelAliasMutationVariables = Exact<{
  input: DeleteModelAliasInput;
}>;


export type DeleteModelAliasMutation = { __typename?: 'Mutation', deleteModelAlias: { __typename?: 'DeleteModelAliasPayload', model: { __typename?: 'Model', id: string } } };

export type UpdateModelMutationVariables = Exact<{
  input: UpdateModelInput;
}>;


export type UpdateModelMutation = { __typename?: 'Mutation', updateModel: { __typename?: 'UpdateModelPayload', model: { __typename?: 'Model', id: string, description: string, tags: Array<{ __typename?: 'Tag', key: string, value: string }> } } };

export type UpdateModelVersionMutationVariables = Exact<{
  input: UpdateModelVersionInput;
}>;


export type UpdateModelVersionMutation = { __typename?: 'Mutation', updateModelVersion: { __typename?: 'UpdateModelVersionPayload', modelVersion: { __typename?: 'ModelVersion', id: string, description: string, tags: Array<{ __typename?: 'Tag', key: string, value: string }> } } };

export type ArchiveModelVersionMutationVariables = Exact<{
  input: ArchiveModelVersionInput;
}>;


export type ArchiveModelVersionMutation = { __typename?: 'Mutation', archiveModelVersion: { __typename?: 'ArchiveModelVersionPayload', modelVersion: { __typename?: 'ModelVersion', id: string, stage: ModelStage } } };

export type ProjectPickerQueryVariables = Exact<{
  q?: InputMaybe<Scalars['String']['input']>;
}>;


export type ProjectPickerQuery = { __typename?: 'Query', projects: { __typename?: 'ProjectConnection', totalCount: number, edges: Array<{ __typename?: 'ProjectEdge', node: { __typename?: 'Project', key: string, name: string, myRole: Role } }> } };

export type PickedProjectQueryVariables = Exact<{
  key: Scalars['String']['input'];
}>;


export type PickedProjectQuery = { __typename?: 'Query', project?: { __typename?: 'Project', key: string, name: string, myRole: Role } | null };

export type QualityIssuesUpstreamQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type QualityIssuesUpstreamQuery = { __typename?: 'Query', qualityIssuesUpstream: Array<{ __typename?: 'QualityIssue', status: ValidationStatus, distance: number, datasetVersion: { __typename?: 'DatasetVersion', id: string, version: string, dataset: { __typename?: 'Dataset', id: string, name: string } }, failingRuns: Array<{ __typename?: 'ValidationRun', id: string, suiteName: string }>, failingRules: Array<{ __typename?: 'RuleResult', index: number, type: string, column?: string | null, verdict: RuleVerdict, observed?: Record<string, unknown> | null }> }> };

export type ValidationRuleTypesQueryVariables = Exact<{ [key: string]: never; }>;


export type ValidationRuleTypesQuery = { __typename?: 'Query', validationRuleTypes: Array<{ __typename?: 'ValidationRuleType', type: string, fields: Array<string>, acceptsMostly: boolean, checks: string }> };

export type PackForSignOffQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type PackForSignOffQuery = { __typename?: 'Query', evidencePack: Record<string, unknown> };

export type SignOffPackMutationVariables = Exact<{
  input: SignOffInput;
}>;


export type SignOffPackMutation = { __typename?: 'Mutation', signOff: { __typename?: 'SignOffPayload', signOff: { __typename?: 'SignOff', id: string, digest: string, decision: SignOffDecision, signedBy: string } } };

export type CheckSuiteDefinitionQueryVariables = Exact<{
  definition: Scalars['String']['input'];
}>;


export type CheckSuiteDefinitionQuery = { __typename?: 'Query', checkSuiteDefinition: { __typename?: 'SuiteDefinitionCheck', valid: boolean, ruleCount: number, problems: Array<{ __typename?: 'SuiteProblem', rule?: number | null, field?: string | null, message: string }> } };

export type CreateSuiteMutationVariables = Exact<{
  datasetId: Scalars['ID']['input'];
  name: Scalars['String']['input'];
  definition: Scalars['String']['input'];
}>;


export type CreateSuiteMutation = { __typename?: 'Mutation', createValidationSuite: { __typename?: 'CreateValidationSuitePayload', validationSuite: { __typename?: 'ValidationSuite', id: string, version: number } } };

export type UpdateSuiteMutationVariables = Exact<{
  suiteId: Scalars['ID']['input'];
  definition: Scalars['String']['input'];
}>;


export type UpdateSuiteMutation = { __typename?: 'Mutation', updateValidationSuite: { __typename?: 'UpdateValidationSuitePayload', changed: boolean, validationSuite: { __typename?: 'ValidationSuite', id: string, version: number } } };

export type CheckTemplateDefinitionQueryVariables = Exact<{
  definition: Scalars['String']['input'];
  params?: InputMaybe<Array<TemplateParamInput> | TemplateParamInput>;
  samples?: InputMaybe<Array<TemplateParamValue> | TemplateParamValue>;
}>;


export type CheckTemplateDefinitionQuery = { __typename?: 'Query', checkTemplateDefinition: { __typename?: 'TemplateDefinitionCheck', valid: boolean, placeholders: Array<string>, suiteChecked: boolean, ruleCount: number, problems: Array<{ __typename?: 'SuiteProblem', rule?: number | null, field?: string | null, message: string }> } };

export type CreateValidationTemplateMutationVariables = Exact<{
  input: CreateValidationTemplateInput;
}>;


export type CreateValidationTemplateMutation = { __typename?: 'Mutation', createValidationTemplate: { __typename?: 'CreateValidationTemplatePayload', validationTemplate: { __typename?: 'ValidationTemplate', id: string, version: number } } };

export type UpdateValidationTemplateMutationVariables = Exact<{
  input: UpdateValidationTemplateInput;
}>;


export type UpdateValidationTemplateMutation = { __typename?: 'Mutation', updateValidationTemplate: { __typename?: 'UpdateValidationTemplatePayload', changed: boolean, validationTemplate: { __typename?: 'ValidationTemplate', id: string, version: number }, suites: Array<{ __typename?: 'ValidationSuite', id: string }> } };

export type VersionValidationRunsQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type VersionValidationRunsQuery = { __typename?: 'Query', node?: { __typename?: 'BiasCheck' } | { __typename?: 'Dataset' } | { __typename?: 'DatasetVersion', id: string, qualityStatus?: ValidationStatus | null, health: Health, validationRuns: { __typename?: 'ValidationRunConnection', totalCount: number, edges: Array<{ __typename?: 'ValidationRunEdge', node: { __typename?: 'ValidationRun', id: string, status: ValidationStatus, trigger: ValidationTrigger, suiteName: string, suiteVersion?: number | null, engine: string, engineVersion?: string | null, startedAt: string, finishedAt?: string | null, createdBy: string, rowCount?: number | null, sha256?: string | null, error?: { __typename?: 'ValidationRunError', code: ValidationErrorCode, message: string, row?: number | null, column?: string | null } | null, statistics?: { __typename?: 'ValidationStatistics', evaluated: number, passed: number, failed: number, errored: number } | null, results: Array<{ __typename?: 'RuleResult', index: number, type: string, name?: string | null, column?: string | null, columns: Array<string>, severity: RuleSeverity, verdict: RuleVerdict, observed?: Record<string, unknown> | null, elementCount: number, unexpectedCount: number, unexpectedPercent?: number | null, unexpectedSample: Array<Record<string, unknown>>, message?: string | null }> } }> } } | { __typename?: 'Experiment' } | { __typename?: 'Job' } | { __typename?: 'Model' } | { __typename?: 'ModelVersion' } | { __typename?: 'Policy' } | { __typename?: 'Project' } | { __typename?: 'PromotionRequest' } | { __typename?: 'Reproduction' } | { __typename?: 'Run' } | { __typename?: 'SignOff' } | { __typename?: 'ValidationRun' } | { __typename?: 'ValidationSuite' } | null };

export type ProjectWebhooksQueryVariables = Exact<{
  projectKey: Scalars['String']['input'];
}>;


export type ProjectWebhooksQuery = { __typename?: 'Query', webhooks: Array<{ __typename?: 'Webhook', id: string, url: string, description: string, topics: Array<WebhookTopic>, createdAt: string, createdBy: string, state: WebhookState, pending: number, delivered: number, lastDeliveredAt?: string | null, attempts: number, lastAttemptAt?: string | null, lastStatus?: number | null, lastError?: string | null, nextAttemptAt?: string | null, parkedAt?: string | null, previousSecretUntil?: string | null }> };

export type CreateWebhookMutationVariables = Exact<{
  input: CreateWebhookInput;
}>;


export type CreateWebhookMutation = { __typename?: 'Mutation', createWebhook: { __typename?: 'CreateWebhookPayload', secret: string, webhook: { __typename?: 'Webhook', id: string } } };

export type RotateWebhookSecretMutationVariables = Exact<{
  input: RotateWebhookSecretInput;
}>;


export type RotateWebhookSecretMutation = { __typename?: 'Mutation', rotateWebhookSecret: { __typename?: 'RotateWebhookSecretPayload', secret: string, webhook: { __typename?: 'Webhook', id: string, previousSecretUntil?: string | null } } };

export type RedeliverWebhookMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type RedeliverWebhookMutation = { __typename?: 'Mutation', redeliverWebhook: { __typename?: 'RedeliverWebhookPayload', changed: boolean, webhook: { __typename?: 'Webhook', id: string } } };

export type DeleteWebhookMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type DeleteWebhookMutation = { __typename?: 'Mutation', deleteWebhook: { __typename?: 'DeleteWebhookPayload', webhook: { __typename?: 'Webhook', id: string } } };

export type RecentEventsQueryVariables = Exact<{ [key: string]: never; }>;


export type RecentEventsQuery = { __typename?: 'Query', recentEvents: { __typename?: 'RecentEvents', cursor: string, events: Array<{ __typename?: 'Event', cursor: string, seq: number, at: string, actor: string, projectKey: string, kind: EventKind, targetId: string, payload: Record<string, unknown> }> } };

export type EventsSubscriptionVariables = Exact<{
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type EventsSubscription = { __typename?: 'Subscription', events: { __typename?: 'Event', cursor: string, seq: number, at: string, actor: string, projectKey: string, kind: EventKind, targetId: string, payload: Record<string, unknown> } };

export type PromotionRequestsQueryVariables = Exact<{
  projectKey?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<PromotionRequestFilter>;
}>;


export type PromotionRequestsQuery = { __typename?: 'Query', promotionRequests: { __typename?: 'PromotionRequestConnection', totalCount: number, edges: Array<{ __typename?: 'PromotionRequestEdge', node: { __typename?: 'PromotionRequest', id: string, status: PromotionStatus, targetStage: ModelStage, requestedBy: string, requestedAt: string, approvalCount: number, requiredApprovals: number, modelVersion: { __typename?: 'ModelVersion', id: string, version: number, model: { __typename?: 'Model', id: string, name: string } }, checks: Array<{ __typename?: 'PolicyCheck', name: CheckName, verdict: CheckVerdict }> } }> } };

export type PromotionRequestQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type PromotionRequestQuery = { __typename?: 'Query', node?: { __typename?: 'BiasCheck' } | { __typename?: 'Dataset' } | { __typename?: 'DatasetVersion' } | { __typename?: 'Experiment' } | { __typename?: 'Job' } | { __typename?: 'Model' } | { __typename?: 'ModelVersion' } | { __typename?: 'Policy' } | { __typename?: 'Project' } | { __typename?: 'PromotionRequest', id: string, projectKey: string, status: PromotionStatus, fromStage: ModelStage, targetStage: ModelStage, governedAlias?: string | null, justification: string, requestedBy: string, requestedAt: string, trainedBy?: string | null, checkedAt: string, closedAt?: string | null, approvalCount: number, requiredApprovals: number, viewerCanDecide: boolean, approvalsValidFor?: number | null, approvalsOutstanding?: string | null, requiredGroups: Array<{ __typename?: 'GroupRequirement', group: string, approvals: number }>, modelVersion: { __typename?: 'ModelVersion', id: string, version: number, stage: ModelStage, model: { __typename?: 'Model', id: string, name: string }, run?: { __typename?: 'Run', id: string, name: string } | null }, policy: { __typename?: 'Policy', id: string, version: number, approverRole: Role, separationOfDuties: boolean }, checks: Array<{ __typename?: 'PolicyCheck', name: CheckName, verdict: CheckVerdict, detail: string, evidenceIds: Array<string> }>, approvals: Array<{ __typename?: 'Approval', actor: string, decision: ApprovalDecision, comment: string, at: string, groups: Array<string>, counted: boolean, notCountedReason?: string | null, countedForGroup?: string | null }>, signOffs: Array<{ __typename?: 'SignOff', id: string, decision: SignOffDecision, findings?: string | null, signedBy: string, signedAt: string, digest: string }> } | { __typename?: 'Reproduction' } | { __typename?: 'Run' } | { __typename?: 'SignOff' } | { __typename?: 'ValidationRun' } | { __typename?: 'ValidationSuite' } | null };

export type ApprovePromotionMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  comment: Scalars['String']['input'];
}>;


export type ApprovePromotionMutation = { __typename?: 'Mutation', approvePromotion: { __typename?: 'DecidePromotionPayload', promoted: boolean, promotionRequest: { __typename?: 'PromotionRequest', id: string, status: PromotionStatus, modelVersion: { __typename?: 'ModelVersion', id: string, stage: ModelStage } } } };

export type RejectPromotionMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  comment: Scalars['String']['input'];
}>;


export type RejectPromotionMutation = { __typename?: 'Mutation', rejectPromotion: { __typename?: 'DecidePromotionPayload', promotionRequest: { __typename?: 'PromotionRequest', id: string, status: PromotionStatus } } };

export type CancelPromotionMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type CancelPromotionMutation = { __typename?: 'Mutation', cancelPromotion: { __typename?: 'PromotionRequestPayload', promotionRequest: { __typename?: 'PromotionRequest', id: string, status: PromotionStatus } } };

export type ReevaluatePromotionMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ReevaluatePromotionMutation = { __typename?: 'Mutation', reevaluatePromotion: { __typename?: 'DecidePromotionPayload', promoted: boolean, promotionRequest: { __typename?: 'PromotionRequest', id: string, status: PromotionStatus, checkedAt: string, modelVersion: { __typename?: 'ModelVersion', id: string, stage: ModelStage } } } };

export type EvidencePackQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type EvidencePackQuery = { __typename?: 'Query', evidencePack: Record<string, unknown> };

export type AuditQueryVariables = Exact<{
  filter?: InputMaybe<EventFilter>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type AuditQuery = { __typename?: 'Query', auditEvents: { __typename?: 'EventConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'EventEdge', node: { __typename?: 'Event', cursor: string, seq: number, at: string, actor: string, projectKey: string, kind: EventKind, targetId: string, payload: Record<string, unknown>, prevHash: string, hash: string } }> } };

export type CatalogQueryVariables = Exact<{
  projectKey: Scalars['String']['input'];
  q?: InputMaybe<Scalars['String']['input']>;
}>;


export type CatalogQuery = { __typename?: 'Query', datasets: { __typename?: 'DatasetConnection', totalCount: number, edges: Array<{ __typename?: 'DatasetEdge', node: { __typename?: 'Dataset', id: string, namespace: string, name: string, description: string, versions: { __typename?: 'DatasetVersionConnection', totalCount: number, edges: Array<{ __typename?: 'DatasetVersionEdge', node: { __typename?: 'DatasetVersion', version: string, createdAt: string, qualityStatus?: ValidationStatus | null } }> } } }> }, models: { __typename?: 'ModelConnection', totalCount: number, edges: Array<{ __typename?: 'ModelEdge', node: { __typename?: 'Model', id: string, name: string, versions: { __typename?: 'ModelVersionConnection', totalCount: number, edges: Array<{ __typename?: 'ModelVersionEdge', node: { __typename?: 'ModelVersion', version: number, stage: ModelStage, createdAt: string } }> } } }> }, jobs: { __typename?: 'JobConnection', totalCount: number, edges: Array<{ __typename?: 'JobEdge', node: { __typename?: 'Job', id: string, namespace: string, name: string, latestRun?: { __typename?: 'Run', id: string, status: RunStatus, startedAt: string } | null } }> } };

export type CompareRunsQueryVariables = Exact<{
  ids: Array<Scalars['ID']['input']> | Scalars['ID']['input'];
}>;


export type CompareRunsQuery = { __typename?: 'Query', nodes: Array<{ __typename?: 'BiasCheck' } | { __typename?: 'Dataset' } | { __typename?: 'DatasetVersion' } | { __typename?: 'Experiment' } | { __typename?: 'Job' } | { __typename?: 'Model' } | { __typename?: 'ModelVersion' } | { __typename?: 'Policy' } | { __typename?: 'Project' } | { __typename?: 'PromotionRequest' } | { __typename?: 'Reproduction' } | { __typename?: 'Run', id: string, name: string, status: RunStatus, projectKey: string, startedAt: string, experiment?: { __typename?: 'Experiment', id: string, name: string } | null, job?: { __typename?: 'Job', id: string, name: string } | null, params: Array<{ __typename?: 'Param', key: string, value: string }>, metrics: Array<{ __typename?: 'Metric', key: string, latest: { __typename?: 'MetricPoint', value: number, step: number }, history: Array<{ __typename?: 'MetricPoint', step: number, value: number, timestamp: string }> }> } | { __typename?: 'SignOff' } | { __typename?: 'ValidationRun' } | { __typename?: 'ValidationSuite' } | null> };

export type DatasetQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type DatasetQuery = { __typename?: 'Query', node?: { __typename?: 'BiasCheck' } | { __typename?: 'Dataset', id: string, namespace: string, name: string, description: string, projectKey: string, createdAt: string, createdBy: string, feastKind?: FeastKind | null, facets: Array<{ __typename?: 'Facet', name: string, json: string }>, featureView?: { __typename?: 'FeatureView', id: string, namespace: string, owner: string, features: Array<string>, entityNames: Array<string>, ttlSeconds?: number | null, online: boolean, health: Health, tags: Array<{ __typename?: 'Tag', key: string, value: string }>, sources: Array<{ __typename?: 'Dataset', id: string, name: string }>, entities: Array<{ __typename?: 'Dataset', id: string, name: string }>, services: Array<{ __typename?: 'Dataset', id: string, name: string }>, atRiskSources: Array<{ __typename?: 'DatasetVersion', id: string, version: string, qualityStatus?: ValidationStatus | null, dataset: { __typename?: 'Dataset', id: string, name: string } }> } | null, usedByFeatureViews: Array<{ __typename?: 'FeatureView', id: string, namespace: string, name: string, health: Health }>, jobs: Array<{ __typename?: 'Job', id: string, namespace: string, name: string, latestRun?: { __typename?: 'Run', id: string, status: RunStatus } | null }>, validationSuites: { __typename?: 'ValidationSuiteConnection', totalCount: number, edges: Array<{ __typename?: 'ValidationSuiteEdge', node: { __typename?: 'ValidationSuite', id: string, name: string, version: number, ruleCount: number, onArrival: boolean, definition: Record<string, unknown>, updatedAt: string, updatedBy: string, template?: { __typename?: 'SuiteTemplateLink', version: number, upToDate: boolean, template: { __typename?: 'ValidationTemplate', id: string, name: string, version: number } } | null } }> }, versions: { __typename?: 'DatasetVersionConnection', totalCount: number, edges: Array<{ __typename?: 'DatasetVersionEdge', node: { __typename?: 'DatasetVersion', id: string, version: string, uri: string, digest?: string | null, integrity: VersionIntegrity, source?: string | null, statistics?: string | null, columns: Array<string>, rowCount?: number | null, createdAt: string, createdBy: string, qualityStatus?: ValidationStatus | null, awaitingValidation: boolean, health: Health, facets: Array<{ __typename?: 'Facet', name: string, json: string }>, schema: Array<{ __typename?: 'SchemaField', name: string, type: string, nullable: boolean }>, producedBy: Array<{ __typename?: 'Run', id: string, name: string, experiment?: { __typename?: 'Experiment', id: string, name: string } | null, job?: { __typename?: 'Job', id: string, name: string } | null }>, consumedBy: Array<{ __typename?: 'Run', id: string, name: string, projectKey: string, experiment?: { __typename?: 'Experiment', id: string, name: string } | null, job?: { __typename?: 'Job', id: string, name: string } | null }>, derivedFrom: Array<{ __typename?: 'DatasetVersion', id: string, version: string, dataset: { __typename?: 'Dataset', id: string, name: string } }> } }> } } | { __typename?: 'DatasetVersion' } | { __typename?: 'Experiment' } | { __typename?: 'Job' } | { __typename?: 'Model' } | { __typename?: 'ModelVersion' } | { __typename?: 'Policy' } | { __typename?: 'Project' } | { __typename?: 'PromotionRequest' } | { __typename?: 'Reproduction' } | { __typename?: 'Run' } | { __typename?: 'SignOff' } | { __typename?: 'ValidationRun' } | { __typename?: 'ValidationSuite' } | null };

export type ValidationCompletedSubscriptionVariables = Exact<{
  datasetId: Scalars['ID']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ValidationCompletedSubscription = { __typename?: 'Subscription', validationCompleted: { __typename?: 'Event', cursor: string, seq: number, payload: Record<string, unknown> } };

export type SetSuiteOnArrivalMutationVariables = Exact<{
  suiteId: Scalars['ID']['input'];
  onArrival: Scalars['Boolean']['input'];
}>;


export type SetSuiteOnArrivalMutation = { __typename?: 'Mutation', setValidationSuiteOnArrival: { __typename?: 'SetValidationSuiteOnArrivalPayload', changed: boolean, validationSuite: { __typename?: 'ValidationSuite', id: string, onArrival: boolean } } };

export type RunValidationMutationVariables = Exact<{
  suiteId: Scalars['ID']['input'];
  versionId: Scalars['ID']['input'];
}>;


export type RunValidationMutation = { __typename?: 'Mutation', runValidation: { __typename?: 'RunValidationPayload', validationRun: { __typename?: 'ValidationRun', id: string, status: ValidationStatus } } };

export type ExperimentQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ExperimentQuery = { __typename?: 'Query', node?: { __typename?: 'BiasCheck' } | { __typename?: 'Dataset' } | { __typename?: 'DatasetVersion' } | { __typename?: 'Experiment', id: string, name: string, description: string, projectKey: string, runs: { __typename?: 'RunConnection', totalCount: number, edges: Array<{ __typename?: 'RunEdge', node: { __typename?: 'Run', id: string, name: string, status: RunStatus, startedAt: string, params: Array<{ __typename?: 'Param', key: string, value: string }>, metrics: Array<{ __typename?: 'Metric', key: string, latest: { __typename?: 'MetricPoint', value: number, step: number } }> } }> } } | { __typename?: 'Job' } | { __typename?: 'Model' } | { __typename?: 'ModelVersion' } | { __typename?: 'Policy' } | { __typename?: 'Project' } | { __typename?: 'PromotionRequest' } | { __typename?: 'Reproduction' } | { __typename?: 'Run' } | { __typename?: 'SignOff' } | { __typename?: 'ValidationRun' } | { __typename?: 'ValidationSuite' } | null };

export type SearchRunsQueryVariables = Exact<{
  projectKey: Scalars['String']['input'];
  experimentIds?: InputMaybe<Array<Scalars['ID']['input']> | Scalars['ID']['input']>;
  filter?: InputMaybe<Scalars['String']['input']>;
}>;


export type SearchRunsQuery = { __typename?: 'Query', searchRuns: { __typename?: 'RunConnection', totalCount: number, edges: Array<{ __typename?: 'RunEdge', node: { __typename?: 'Run', id: string, name: string, status: RunStatus, startedAt: string, params: Array<{ __typename?: 'Param', key: string, value: string }>, metrics: Array<{ __typename?: 'Metric', key: string, latest: { __typename?: 'MetricPoint', value: number, step: number } }> } }> } };

export type ExperimentsQueryVariables = Exact<{
  projectKey: Scalars['String']['input'];
  q?: InputMaybe<Scalars['String']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ExperimentsQuery = { __typename?: 'Query', experiments: { __typename?: 'ExperimentConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'ExperimentEdge', node: { __typename?: 'Experiment', id: string, name: string, description: string, createdAt: string, createdBy: string, runs: { __typename?: 'RunConnection', totalCount: number } } }> } };

export type FeatureViewsQueryVariables = Exact<{
  projectKey: Scalars['String']['input'];
  atRisk?: InputMaybe<Scalars['Boolean']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type FeatureViewsQuery = { __typename?: 'Query', featureViews: { __typename?: 'FeatureViewConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'FeatureViewEdge', node: { __typename?: 'FeatureView', id: string, namespace: string, name: string, owner: string, features: Array<string>, health: Health, sources: Array<{ __typename?: 'Dataset', id: string, name: string }>, services: Array<{ __typename?: 'Dataset', id: string, name: string }> } }> } };

export type GovernanceDashboardQueryVariables = Exact<{
  projectKey: Scalars['String']['input'];
  first: Scalars['Int']['input'];
}>;


export type GovernanceDashboardQuery = { __typename?: 'Query', promotionRequests: { __typename?: 'PromotionRequestConnection', totalCount: number, edges: Array<{ __typename?: 'PromotionRequestEdge', node: { __typename?: 'PromotionRequest', id: string, status: PromotionStatus, targetStage: ModelStage, requestedAt: string, closedAt?: string | null, modelVersion: { __typename?: 'ModelVersion', id: string, version: number, stage: ModelStage, model: { __typename?: 'Model', id: string, name: string } }, checks: Array<{ __typename?: 'PolicyCheck', name: CheckName, verdict: CheckVerdict }> } }> } };

export type ImpactQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  depth?: InputMaybe<Scalars['Int']['input']>;
  asOf?: InputMaybe<Scalars['Time']['input']>;
}>;


export type ImpactQuery = { __typename?: 'Query', impact: { __typename?: 'ImpactReport', root: string, totalAffected: number, hiddenAffected: boolean, truncated: boolean, truncatedBy: Array<TruncationReason>, openPromotionRequests: Array<string>, owners: Array<string>, atRisk: Array<string>, runs: Array<{ __typename?: 'ImpactedNode', id: string, kind: NodeKind, name: string, projectKey: string, distance: number, owner: string }>, datasetVersions: Array<{ __typename?: 'ImpactedNode', id: string, kind: NodeKind, name: string, projectKey: string, distance: number, owner: string }>, modelVersions: Array<{ __typename?: 'ImpactedModelVersion', id: string, name: string, projectKey: string, distance: number, owner: string, stage: ModelStage, inProduction: boolean }> } };

export type ImpactRootQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ImpactRootQuery = { __typename?: 'Query', node?: { __typename: 'BiasCheck' } | { __typename: 'Dataset', name: string } | { __typename: 'DatasetVersion', version: string, dataset: { __typename?: 'Dataset', name: string } } | { __typename: 'Experiment', name: string } | { __typename: 'Job' } | { __typename: 'Model', name: string } | { __typename: 'ModelVersion', number: number, model: { __typename?: 'Model', name: string } } | { __typename: 'Policy' } | { __typename: 'Project' } | { __typename: 'PromotionRequest' } | { __typename: 'Reproduction' } | { __typename: 'Run', name: string } | { __typename: 'SignOff' } | { __typename: 'ValidationRun' } | { __typename: 'ValidationSuite' } | null };

export type JobQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type JobQuery = { __typename?: 'Query', node?: { __typename?: 'BiasCheck' } | { __typename?: 'Dataset' } | { __typename?: 'DatasetVersion' } | { __typename?: 'Experiment' } | { __typename?: 'Job', id: string, projectKey: string, namespace: string, name: string, description?: string | null, createdAt: string, updatedAt: string, sourceCode?: { __typename?: 'CodeRef', repo: string, commit: string } | null, parent?: { __typename?: 'Job', id: string, name: string } | null, children: Array<{ __typename?: 'Job', id: string, name: string }>, inputs: Array<{ __typename?: 'Dataset', id: string, namespace: string, name: string }>, outputs: Array<{ __typename?: 'Dataset', id: string, namespace: string, name: string }>, facets: Array<{ __typename?: 'Facet', name: string, json: string }>, latestRun?: { __typename?: 'Run', id: string, status: RunStatus } | null, runs: { __typename?: 'RunConnection', totalCount: number, edges: Array<{ __typename?: 'RunEdge', node: { __typename?: 'Run', id: string, name: string, status: RunStatus, startedAt: string, endedAt?: string | null, externalId?: string | null, errorMessage?: string | null } }> } } | { __typename?: 'Model' } | { __typename?: 'ModelVersion' } | { __typename?: 'Policy' } | { __typename?: 'Project' } | { __typename?: 'PromotionRequest' } | { __typename?: 'Reproduction' } | { __typename?: 'Run' } | { __typename?: 'SignOff' } | { __typename?: 'ValidationRun' } | { __typename?: 'ValidationSuite' } | null };

export type ModelQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ModelQuery = { __typename?: 'Query', node?: { __typename?: 'BiasCheck' } | { __typename?: 'Dataset' } | { __typename?: 'DatasetVersion' } | { __typename?: 'Experiment' } | { __typename?: 'Job' } | { __typename?: 'Model', id: string, name: string, projectKey: string, createdAt: string, createdBy: string, description: string, tags: Array<{ __typename?: 'Tag', key: string, value: string }>, versions: { __typename?: 'ModelVersionConnection', totalCount: number, edges: Array<{ __typename?: 'ModelVersionEdge', node: { __typename?: 'ModelVersion', id: string, version: number, uri: string, stage: ModelStage, aliases: Array<string>, createdAt: string, createdBy: string, description: string, tags: Array<{ __typename?: 'Tag', key: string, value: string }>, run?: { __typename?: 'Run', id: string, name: string, experiment?: { __typename?: 'Experiment', id: string, name: string } | null, job?: { __typename?: 'Job', id: string, name: string } | null } | null, promotionRequests: { __typename?: 'PromotionRequestConnection', totalCount: number, edges: Array<{ __typename?: 'PromotionRequestEdge', node: { __typename?: 'PromotionRequest', id: string, status: PromotionStatus, targetStage: ModelStage, requestedBy: string, requestedAt: string } }> }, biasChecks: { __typename?: 'BiasCheckConnection', edges: Array<{ __typename?: 'BiasCheckEdge', node: { __typename?: 'BiasCheck', id: string, createdAt: string, createdBy: string, fourFifths: FourFifthsVerdict, inconclusive: boolean, notes: Array<string>, demographicParityDifference: { __typename?: 'FairnessValue', value?: number | null, reason?: string | null }, demographicParityRatio: { __typename?: 'FairnessValue', value?: number | null, reason?: string | null }, equalizedOddsDifference: { __typename?: 'FairnessValue', value?: number | null, reason?: string | null }, datasetVersion?: { __typename?: 'DatasetVersion', id: string, version: string, dataset: { __typename?: 'Dataset', id: string, name: string } } | null } }> } } }> } } | { __typename?: 'ModelVersion' } | { __typename?: 'Policy' } | { __typename?: 'Project' } | { __typename?: 'PromotionRequest' } | { __typename?: 'Reproduction' } | { __typename?: 'Run' } | { __typename?: 'SignOff' } | { __typename?: 'ValidationRun' } | { __typename?: 'ValidationSuite' } | null };

export type ModelPolicyQueryVariables = Exact<{
  projectKey: Scalars['String']['input'];
}>;


export type ModelPolicyQuery = { __typename?: 'Query', policy: { __typename?: 'Policy', version: number, governedAliases: Array<string> } };

export type RequestPromotionMutationVariables = Exact<{
  input: RequestPromotionInput;
}>;


export type RequestPromotionMutation = { __typename?: 'Mutation', requestPromotion: { __typename?: 'RequestPromotionPayload', promotionRequest: { __typename?: 'PromotionRequest', id: string, projectKey: string, status: PromotionStatus, targetStage: ModelStage, checks: Array<{ __typename?: 'PolicyCheck', name: CheckName, verdict: CheckVerdict, detail: string, evidenceIds: Array<string> }> } } };

export type QualityDashboardQueryVariables = Exact<{
  projectKey: Scalars['String']['input'];
  days: Scalars['Int']['input'];
}>;


export type QualityDashboardQuery = { __typename?: 'Query', qualityDashboard: { __typename?: 'QualityDashboard', projectKey: string, datasets: number, datasetsWithSuites: number, versions: number, validatedVersions: number, failingVersions: number, awaitingValidation: number, days: Array<{ __typename?: 'QualityDay', day: string, runs: number, passed: number }>, slowestSuites: Array<{ __typename?: 'SuiteTiming', runs: number, meanSeconds: number, maxSeconds: number, suite: { __typename?: 'ValidationSuite', id: string, name: string, dataset: { __typename?: 'Dataset', id: string, name: string } } }>, failing: Array<{ __typename?: 'DatasetVersion', id: string, version: string, qualityStatus?: ValidationStatus | null, createdAt: string, dataset: { __typename?: 'Dataset', id: string, name: string } }>, modelsAtRisk: Array<{ __typename?: 'ModelVersion', id: string, version: number, stage: ModelStage, model: { __typename?: 'Model', id: string, name: string } }>, datasetsAtRisk: Array<{ __typename?: 'DatasetVersion', id: string, version: string, dataset: { __typename?: 'Dataset', id: string, name: string } }> } };

export type GovernanceReportQueryVariables = Exact<{
  projectKey: Scalars['String']['input'];
  experimentId?: InputMaybe<Scalars['ID']['input']>;
  since?: InputMaybe<Scalars['Time']['input']>;
  until?: InputMaybe<Scalars['Time']['input']>;
}>;


export type GovernanceReportQuery = { __typename?: 'Query', governanceReport: { __typename?: 'GovernanceReport', projectKey: string, since?: string | null, until: string, generatedAt: string, experiment?: { __typename?: 'Experiment', id: string, name: string } | null, figures: { __typename?: 'GovernanceFigures', runs: number, reproducibleRuns: number, reproducibilityRate?: number | null, reproducedRuns: number, divergedRuns: number, datasetVersionsUsed: number, validatedVersions: number, validationCoverage?: number | null, failingVersions: number, versionsWithDigest: number, promotionRequests: number, approved: number, rejected: number, cancelled: number, open: number, leadTimeMeanSeconds?: number | null, leadTimeP50Seconds?: number | null, leadTimeP90Seconds?: number | null }, inProduction: Array<{ __typename?: 'ModelVersion', id: string, version: number, createdAt: string, model: { __typename?: 'Model', id: string, name: string } }>, signOffs: Array<{ __typename?: 'SignOff', id: string, decision: SignOffDecision, findings?: string | null, signedBy: string, signedAt: string, digest: string }> } };

export type ReproAuditViewQueryVariables = Exact<{
  experimentId: Scalars['ID']['input'];
  projectKey: Scalars['String']['input'];
  reruns: Scalars['String']['input'];
}>;


export type ReproAuditViewQuery = { __typename?: 'Query', project?: { __typename?: 'Project', key: string, myRole: Role } | null, reproducibilityAudit: { __typename?: 'ReproducibilityAudit', runs: Array<{ __typename?: 'RunReproducibilityEntry', complete: boolean, missing: Array<string>, status: RunReproductionStatus, run: { __typename?: 'Run', id: string, name: string, status: RunStatus, reproducibility: { __typename?: 'Reproducibility', latestReproduction?: { __typename?: 'Reproduction', id: string, status: ReproductionStatus, tolerance: number, relativeTolerance: number, createdAt: string, createdBy: string, reproductionRun: { __typename?: 'Run', id: string, name: string }, metrics: Array<{ __typename?: 'MetricComparison', key: string, original?: number | null, reproduced?: number | null, difference?: number | null, status: ReproductionStatus }> } | null } } }> }, searchRuns: { __typename?: 'RunConnection', edges: Array<{ __typename?: 'RunEdge', node: { __typename?: 'Run', id: string, name: string, status: RunStatus, startedAt: string, tags: Array<{ __typename?: 'Tag', key: string, value: string }> } }> } };

export type RecordReproductionViewMutationVariables = Exact<{
  input: RecordReproductionInput;
}>;


export type RecordReproductionViewMutation = { __typename?: 'Mutation', recordReproduction: { __typename?: 'RecordReproductionPayload', reproduction: { __typename?: 'Reproduction', id: string, status: ReproductionStatus } } };

export type RunQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type RunQuery = { __typename?: 'Query', node?: { __typename?: 'BiasCheck' } | { __typename?: 'Dataset' } | { __typename?: 'DatasetVersion' } | { __typename?: 'Experiment' } | { __typename?: 'Job' } | { __typename?: 'Model' } | { __typename?: 'ModelVersion' } | { __typename?: 'Policy' } | { __typename?: 'Project' } | { __typename?: 'PromotionRequest' } | { __typename?: 'Reproduction' } | { __typename?: 'Run', id: string, name: string, status: RunStatus, projectKey: string, startedAt: string, endedAt?: string | null, createdBy: string, seed?: number | null, externalId?: string | null, errorMessage?: string | null, experiment?: { __typename?: 'Experiment', id: string, name: string } | null, job?: { __typename?: 'Job', id: string, name: string } | null, parent?: { __typename?: 'Run', id: string, name: string } | null, children: Array<{ __typename?: 'Run', id: string, name: string, status: RunStatus }>, facets: Array<{ __typename?: 'Facet', name: string, json: string }>, params: Array<{ __typename?: 'Param', key: string, value: string }>, tags: Array<{ __typename?: 'Tag', key: string, value: string }>, code?: { __typename?: 'CodeRef', repo: string, commit: string, dirty: boolean } | null, environment?: { __typename?: 'Environment', imageDigest?: string | null, lockfileHash?: string | null, platform?: string | null } | null, metrics: Array<{ __typename?: 'Metric', key: string, count: number, latest: { __typename?: 'MetricPoint', value: number, step: number }, history: Array<{ __typename?: 'MetricPoint', step: number, value: number, timestamp: string }> }>, inputs: Array<{ __typename?: 'DatasetVersion', id: string, version: string, digest?: string | null, integrity: VersionIntegrity, dataset: { __typename?: 'Dataset', id: string, name: string, namespace: string } }>, outputs: Array<{ __typename?: 'DatasetVersion', id: string, version: string, digest?: string | null, integrity: VersionIntegrity, dataset: { __typename?: 'Dataset', id: string, name: string, namespace: string } }>, modelOutputs: Array<{ __typename?: 'ModelVersion', id: string, version: number, stage: ModelStage, model: { __typename?: 'Model', id: string, name: string } }>, featureServices: Array<{ __typename?: 'Dataset', id: string, name: string, namespace: string }>, reproducibility: { __typename?: 'Reproducibility', complete: boolean, missing: Array<string>, latestReproduction?: { __typename?: 'Reproduction', id: string, status: ReproductionStatus, createdAt: string, createdBy: string, reproductionRun: { __typename?: 'Run', id: string, name: string }, metrics: Array<{ __typename?: 'MetricComparison', key: string, status: ReproductionStatus }> } | null } } | { __typename?: 'SignOff' } | { __typename?: 'ValidationRun' } | { __typename?: 'ValidationSuite' } | null };

export type ReproduceSpecQueryVariables = Exact<{
  runId: Scalars['ID']['input'];
}>;


export type ReproduceSpecQuery = { __typename?: 'Query', reproduceSpec: Record<string, unknown> };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { __typename?: 'Query', me: { __typename?: 'Viewer', subject: string, expiresAt: string, grants: Array<{ __typename?: 'Grant', projectKey: string, role: Role }> } };

export type ValidationTemplateQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ValidationTemplateQuery = { __typename?: 'Query', validationTemplate?: { __typename?: 'ValidationTemplate', id: string, projectKey: string, name: string, description: string, version: number, definition: string, autoApply: boolean, createdAt: string, createdBy: string, updatedAt: string, updatedBy: string, params: Array<{ __typename?: 'TemplateParam', name: string, default?: string | null }>, selector: { __typename?: 'DatasetSelector', namespace?: string | null, name?: string | null, featureView?: string | null, tags: Array<string> }, suites: Array<{ __typename?: 'ValidationSuite', id: string, name: string, version: number, onArrival: boolean, dataset: { __typename?: 'Dataset', id: string, namespace: string, name: string }, template?: { __typename?: 'SuiteTemplateLink', version: number, upToDate: boolean, params: Record<string, unknown> } | null }> } | null };

export type TemplateProjectRoleQueryVariables = Exact<{
  key: Scalars['String']['input'];
}>;


export type TemplateProjectRoleQuery = { __typename?: 'Query', project?: { __typename?: 'Project', key: string, myRole: Role } | null };

export type ApplyValidationTemplateMutationVariables = Exact<{
  input: ApplyValidationTemplateInput;
}>;


export type ApplyValidationTemplateMutation = { __typename?: 'Mutation', applyValidationTemplate: { __typename?: 'ApplyValidationTemplatePayload', skipped: Array<string>, suites: Array<{ __typename?: 'ValidationSuite', id: string }> } };

export type ValidationTemplatesQueryVariables = Exact<{
  projectKey: Scalars['String']['input'];
}>;


export type ValidationTemplatesQuery = { __typename?: 'Query', validationTemplates: Array<{ __typename?: 'ValidationTemplate', id: string, name: string, description: string, version: number, updatedAt: string, updatedBy: string, selector: { __typename?: 'DatasetSelector', namespace?: string | null, name?: string | null, featureView?: string | null, tags: Array<string> } }> };

export type LineageQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  direction?: InputMaybe<LineageDirection>;
  depth?: InputMaybe<Scalars['Int']['input']>;
  maxNodes?: InputMaybe<Scalars['Int']['input']>;
  kinds?: InputMaybe<Array<NodeKind> | NodeKind>;
  asOf?: InputMaybe<Scalars['Time']['input']>;
}>;


export type LineageQuery = { __typename?: 'Query', lineage: { __typename?: 'LineageGraph', root: string, truncated: boolean, truncatedBy: Array<TruncationReason>, nodes: Array<{ __typename?: 'LineageNode', id: string, kind: NodeKind, name: string, distance: number, hasMore: boolean, projectKey?: string | null, health: Health }>, edges: Array<{ __typename?: 'LineageEdge', from: string, to: string, kind: string, hops: number }> } };

export type LineagePathQueryVariables = Exact<{
  from: Scalars['ID']['input'];
  to: Scalars['ID']['input'];
  asOf?: InputMaybe<Scalars['Time']['input']>;
}>;


export type LineagePathQuery = { __typename?: 'Query', lineagePath?: { __typename?: 'LineageGraph', root: string, truncated: boolean, truncatedBy: Array<TruncationReason>, nodes: Array<{ __typename?: 'LineageNode', id: string, kind: NodeKind, name: string, distance: number, hasMore: boolean, projectKey?: string | null }>, edges: Array<{ __typename?: 'LineageEdge', from: string, to: string, kind: string, hops: number }> } | null };

export type LineageFeastKindsQueryVariables = Exact<{
  ids: Array<Scalars['ID']['input']> | Scalars['ID']['input'];
}>;


export type LineageFeastKindsQuery = { __typename?: 'Query', nodes: Array<{ __typename: 'BiasCheck' } | { __typename: 'Dataset', id: string, feastKind?: FeastKind | null } | { __typename: 'DatasetVersion', id: string, dataset: { __typename?: 'Dataset', id: string, feastKind?: FeastKind | null } } | { __typename: 'Experiment' } | { __typename: 'Job' } | { __typename: 'Model' } | { __typename: 'ModelVersion' } | { __typename: 'Policy' } | { __typename: 'Project' } | { __typename: 'PromotionRequest' } | { __typename: 'Reproduction' } | { __typename: 'Run' } | { __typename: 'SignOff' } | { __typename: 'ValidationRun' } | { __typename: 'ValidationSuite' } | null> };


export const DecidableDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Decidable"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"promotionRequests"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"decidableByViewer"},"value":{"kind":"BooleanValue","value":true}}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"projectKey"}}]}}]}}]}}]}}]} as unknown as DocumentNode<DecidableQuery, DecidableQueryVariables>;
export const ApprovalRequestedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ApprovalRequested"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"approvalRequested"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}}]}}]}}]} as unknown as DocumentNode<ApprovalRequestedSubscription, ApprovalRequestedSubscriptionVariables>;
export const PromotionClosedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"PromotionClosed"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"events"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"kinds"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"PROMOTION_APPROVED"},{"kind":"EnumValue","value":"PROMOTION_REJECTED"},{"kind":"EnumValue","value":"PROMOTION_CANCELLED"},{"kind":"EnumValue","value":"PROMOTION_COMPLETED"},{"kind":"EnumValue","value":"PROMOTION_CHECKS_CHANGED"}]}}]}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}}]}}]}}]} as unknown as DocumentNode<PromotionClosedSubscription, PromotionClosedSubscriptionVariables>;
export const RunArtifactsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RunArtifacts"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"path"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Run"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"artifacts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"path"},"value":{"kind":"Variable","name":{"kind":"Name","value":"path"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"path"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"isDir"}},{"kind":"Field","name":{"kind":"Name","value":"size"}},{"kind":"Field","name":{"kind":"Name","value":"sha256"}},{"kind":"Field","name":{"kind":"Name","value":"downloadUrl"}}]}}]}}]}}]}}]} as unknown as DocumentNode<RunArtifactsQuery, RunArtifactsQueryVariables>;
export const ColumnLineageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ColumnLineage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"versionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"column"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"columnLineage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"datasetVersionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"versionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"column"},"value":{"kind":"Variable","name":{"kind":"Name","value":"column"}}},{"kind":"Argument","name":{"kind":"Name","value":"direction"},"value":{"kind":"EnumValue","value":"BOTH"}},{"kind":"Argument","name":{"kind":"Name","value":"depth"},"value":{"kind":"IntValue","value":"5"}},{"kind":"Argument","name":{"kind":"Name","value":"maxNodes"},"value":{"kind":"IntValue","value":"200"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"root"}},{"kind":"Field","name":{"kind":"Name","value":"truncated"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"distance"}},{"kind":"Field","name":{"kind":"Name","value":"datasetVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"dataset"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"transformations"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"subtype"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"masking"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"modelVersions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"model"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ColumnLineageQuery, ColumnLineageQueryVariables>;
export const EvidenceObjectsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"EvidenceObjects"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ids"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ids"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ids"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DatasetVersion"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"dataset"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ValidationRun"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"suiteName"}},{"kind":"Field","name":{"kind":"Name","value":"datasetVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"dataset"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Run"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<EvidenceObjectsQuery, EvidenceObjectsQueryVariables>;
export const PromotionUpdatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"PromotionUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"promotionUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"targetId"}}]}}]}}]} as unknown as DocumentNode<PromotionUpdatedSubscription, PromotionUpdatedSubscriptionVariables>;
export const EventHeadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"EventHead"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recentEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"IntValue","value":"0"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}}]}}]}}]} as unknown as DocumentNode<EventHeadQuery, EventHeadQueryVariables>;
export const SetModelAliasDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetModelAlias"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SetModelAliasInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setModelAlias"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"aliases"}}]}},{"kind":"Field","name":{"kind":"Name","value":"promotionRequest"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"projectKey"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<SetModelAliasMutation, SetModelAliasMutationVariables>;
export const DeleteModelAliasDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteModelAlias"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DeleteModelAliasInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteModelAlias"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"model"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<DeleteModelAliasMutation, DeleteModelAliasMutationVariables>;
export const UpdateModelDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateModel"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateModelInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateModel"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"model"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]}}]}}]} as unknown as DocumentNode<UpdateModelMutation, UpdateModelMutationVariables>;
export const UpdateModelVersionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateModelVersion"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateModelVersionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateModelVersion"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]}}]}}]} as unknown as DocumentNode<UpdateModelVersionMutation, UpdateModelVersionMutationVariables>;
export const ArchiveModelVersionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ArchiveModelVersion"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ArchiveModelVersionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"archiveModelVersion"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"modelVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}}]}}]}}]}}]} as unknown as DocumentNode<ArchiveModelVersionMutation, ArchiveModelVersionMutationVariables>;
export const ProjectPickerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ProjectPicker"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"q"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"projects"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"nameContains"},"value":{"kind":"Variable","name":{"kind":"Name","value":"q"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"myRole"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ProjectPickerQuery, ProjectPickerQueryVariables>;
export const PickedProjectDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PickedProject"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"key"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"project"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"key"},"value":{"kind":"Variable","name":{"kind":"Name","value":"key"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"myRole"}}]}}]}}]} as unknown as DocumentNode<PickedProjectQuery, PickedProjectQueryVariables>;
export const QualityIssuesUpstreamDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"QualityIssuesUpstream"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"qualityIssuesUpstream"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"distance"}},{"kind":"Field","name":{"kind":"Name","value":"datasetVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"dataset"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"failingRuns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"suiteName"}}]}},{"kind":"Field","name":{"kind":"Name","value":"failingRules"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"column"}},{"kind":"Field","name":{"kind":"Name","value":"verdict"}},{"kind":"Field","name":{"kind":"Name","value":"observed"}}]}}]}}]}}]} as unknown as DocumentNode<QualityIssuesUpstreamQuery, QualityIssuesUpstreamQueryVariables>;
export const ValidationRuleTypesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ValidationRuleTypes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"validationRuleTypes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"fields"}},{"kind":"Field","name":{"kind":"Name","value":"acceptsMostly"}},{"kind":"Field","name":{"kind":"Name","value":"checks"}}]}}]}}]} as unknown as DocumentNode<ValidationRuleTypesQuery, ValidationRuleTypesQueryVariables>;
export const PackForSignOffDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PackForSignOff"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"evidencePack"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"promotionRequestId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<PackForSignOffQuery, PackForSignOffQueryVariables>;
export const SignOffPackDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SignOffPack"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SignOffInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signOff"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signOff"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"digest"}},{"kind":"Field","name":{"kind":"Name","value":"decision"}},{"kind":"Field","name":{"kind":"Name","value":"signedBy"}}]}}]}}]}}]} as unknown as DocumentNode<SignOffPackMutation, SignOffPackMutationVariables>;
export const CheckSuiteDefinitionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CheckSuiteDefinition"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"definition"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"checkSuiteDefinition"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"definition"},"value":{"kind":"Variable","name":{"kind":"Name","value":"definition"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"valid"}},{"kind":"Field","name":{"kind":"Name","value":"ruleCount"}},{"kind":"Field","name":{"kind":"Name","value":"problems"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rule"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CheckSuiteDefinitionQuery, CheckSuiteDefinitionQueryVariables>;
export const CreateSuiteDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateSuite"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"datasetId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"name"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"definition"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createValidationSuite"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"datasetId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"datasetId"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"name"},"value":{"kind":"Variable","name":{"kind":"Name","value":"name"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"definition"},"value":{"kind":"Variable","name":{"kind":"Name","value":"definition"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"validationSuite"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]}}]} as unknown as DocumentNode<CreateSuiteMutation, CreateSuiteMutationVariables>;
export const UpdateSuiteDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateSuite"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"suiteId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"definition"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateValidationSuite"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"suiteId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"suiteId"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"definition"},"value":{"kind":"Variable","name":{"kind":"Name","value":"definition"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"validationSuite"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}},{"kind":"Field","name":{"kind":"Name","value":"changed"}}]}}]}}]} as unknown as DocumentNode<UpdateSuiteMutation, UpdateSuiteMutationVariables>;
export const CheckTemplateDefinitionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CheckTemplateDefinition"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"definition"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"params"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TemplateParamInput"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"samples"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TemplateParamValue"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"checkTemplateDefinition"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"definition"},"value":{"kind":"Variable","name":{"kind":"Name","value":"definition"}}},{"kind":"Argument","name":{"kind":"Name","value":"params"},"value":{"kind":"Variable","name":{"kind":"Name","value":"params"}}},{"kind":"Argument","name":{"kind":"Name","value":"samples"},"value":{"kind":"Variable","name":{"kind":"Name","value":"samples"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"valid"}},{"kind":"Field","name":{"kind":"Name","value":"placeholders"}},{"kind":"Field","name":{"kind":"Name","value":"suiteChecked"}},{"kind":"Field","name":{"kind":"Name","value":"ruleCount"}},{"kind":"Field","name":{"kind":"Name","value":"problems"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rule"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<CheckTemplateDefinitionQuery, CheckTemplateDefinitionQueryVariables>;
export const CreateValidationTemplateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateValidationTemplate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateValidationTemplateInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createValidationTemplate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"validationTemplate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]}}]} as unknown as DocumentNode<CreateValidationTemplateMutation, CreateValidationTemplateMutationVariables>;
export const UpdateValidationTemplateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateValidationTemplate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateValidationTemplateInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateValidationTemplate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"validationTemplate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}},{"kind":"Field","name":{"kind":"Name","value":"changed"}},{"kind":"Field","name":{"kind":"Name","value":"suites"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<UpdateValidationTemplateMutation, UpdateValidationTemplateMutationVariables>;
export const VersionValidationRunsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"VersionValidationRuns"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DatasetVersion"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"qualityStatus"}},{"kind":"Field","name":{"kind":"Name","value":"health"}},{"kind":"Field","name":{"kind":"Name","value":"validationRuns"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"suiteName"}},{"kind":"Field","name":{"kind":"Name","value":"suiteVersion"}},{"kind":"Field","name":{"kind":"Name","value":"engine"}},{"kind":"Field","name":{"kind":"Name","value":"engineVersion"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"rowCount"}},{"kind":"Field","name":{"kind":"Name","value":"sha256"}},{"kind":"Field","name":{"kind":"Name","value":"error"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"row"}},{"kind":"Field","name":{"kind":"Name","value":"column"}}]}},{"kind":"Field","name":{"kind":"Name","value":"statistics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"evaluated"}},{"kind":"Field","name":{"kind":"Name","value":"passed"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"errored"}}]}},{"kind":"Field","name":{"kind":"Name","value":"results"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"column"}},{"kind":"Field","name":{"kind":"Name","value":"columns"}},{"kind":"Field","name":{"kind":"Name","value":"severity"}},{"kind":"Field","name":{"kind":"Name","value":"verdict"}},{"kind":"Field","name":{"kind":"Name","value":"observed"}},{"kind":"Field","name":{"kind":"Name","value":"elementCount"}},{"kind":"Field","name":{"kind":"Name","value":"unexpectedCount"}},{"kind":"Field","name":{"kind":"Name","value":"unexpectedPercent"}},{"kind":"Field","name":{"kind":"Name","value":"unexpectedSample"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<VersionValidationRunsQuery, VersionValidationRunsQueryVariables>;
export const ProjectWebhooksDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ProjectWebhooks"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"webhooks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"topics"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"pending"}},{"kind":"Field","name":{"kind":"Name","value":"delivered"}},{"kind":"Field","name":{"kind":"Name","value":"lastDeliveredAt"}},{"kind":"Field","name":{"kind":"Name","value":"attempts"}},{"kind":"Field","name":{"kind":"Name","value":"lastAttemptAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastStatus"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"}},{"kind":"Field","name":{"kind":"Name","value":"nextAttemptAt"}},{"kind":"Field","name":{"kind":"Name","value":"parkedAt"}},{"kind":"Field","name":{"kind":"Name","value":"previousSecretUntil"}}]}}]}}]} as unknown as DocumentNode<ProjectWebhooksQuery, ProjectWebhooksQueryVariables>;
export const CreateWebhookDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateWebhook"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateWebhookInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createWebhook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"webhook"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"secret"}}]}}]}}]} as unknown as DocumentNode<CreateWebhookMutation, CreateWebhookMutationVariables>;
export const RotateWebhookSecretDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RotateWebhookSecret"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RotateWebhookSecretInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rotateWebhookSecret"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"webhook"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"previousSecretUntil"}}]}},{"kind":"Field","name":{"kind":"Name","value":"secret"}}]}}]}}]} as unknown as DocumentNode<RotateWebhookSecretMutation, RotateWebhookSecretMutationVariables>;
export const RedeliverWebhookDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RedeliverWebhook"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"redeliverWebhook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"webhook"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"changed"}}]}}]}}]} as unknown as DocumentNode<RedeliverWebhookMutation, RedeliverWebhookMutationVariables>;
export const DeleteWebhookDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteWebhook"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteWebhook"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"webhook"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<DeleteWebhookMutation, DeleteWebhookMutationVariables>;
export const RecentEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RecentEvents"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recentEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"events"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"actor"}},{"kind":"Field","name":{"kind":"Name","value":"projectKey"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"targetId"}},{"kind":"Field","name":{"kind":"Name","value":"payload"}}]}}]}}]}}]} as unknown as DocumentNode<RecentEventsQuery, RecentEventsQueryVariables>;
export const EventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"Events"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"events"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"actor"}},{"kind":"Field","name":{"kind":"Name","value":"projectKey"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"targetId"}},{"kind":"Field","name":{"kind":"Name","value":"payload"}}]}}]}}]} as unknown as DocumentNode<EventsSubscription, EventsSubscriptionVariables>;
export const PromotionRequestsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PromotionRequests"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"PromotionRequestFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"promotionRequests"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"targetStage"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"approvalCount"}},{"kind":"Field","name":{"kind":"Name","value":"requiredApprovals"}},{"kind":"Field","name":{"kind":"Name","value":"modelVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"model"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"checks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"verdict"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<PromotionRequestsQuery, PromotionRequestsQueryVariables>;
export const PromotionRequestDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PromotionRequest"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PromotionRequest"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"projectKey"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"fromStage"}},{"kind":"Field","name":{"kind":"Name","value":"targetStage"}},{"kind":"Field","name":{"kind":"Name","value":"governedAlias"}},{"kind":"Field","name":{"kind":"Name","value":"justification"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"trainedBy"}},{"kind":"Field","name":{"kind":"Name","value":"checkedAt"}},{"kind":"Field","name":{"kind":"Name","value":"closedAt"}},{"kind":"Field","name":{"kind":"Name","value":"approvalCount"}},{"kind":"Field","name":{"kind":"Name","value":"requiredApprovals"}},{"kind":"Field","name":{"kind":"Name","value":"viewerCanDecide"}},{"kind":"Field","name":{"kind":"Name","value":"requiredGroups"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"group"}},{"kind":"Field","name":{"kind":"Name","value":"approvals"}}]}},{"kind":"Field","name":{"kind":"Name","value":"approvalsValidFor"}},{"kind":"Field","name":{"kind":"Name","value":"approvalsOutstanding"}},{"kind":"Field","name":{"kind":"Name","value":"modelVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"model"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"run"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"policy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"approverRole"}},{"kind":"Field","name":{"kind":"Name","value":"separationOfDuties"}}]}},{"kind":"Field","name":{"kind":"Name","value":"checks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"verdict"}},{"kind":"Field","name":{"kind":"Name","value":"detail"}},{"kind":"Field","name":{"kind":"Name","value":"evidenceIds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"approvals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"actor"}},{"kind":"Field","name":{"kind":"Name","value":"decision"}},{"kind":"Field","name":{"kind":"Name","value":"comment"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"groups"}},{"kind":"Field","name":{"kind":"Name","value":"counted"}},{"kind":"Field","name":{"kind":"Name","value":"notCountedReason"}},{"kind":"Field","name":{"kind":"Name","value":"countedForGroup"}}]}},{"kind":"Field","name":{"kind":"Name","value":"signOffs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"decision"}},{"kind":"Field","name":{"kind":"Name","value":"findings"}},{"kind":"Field","name":{"kind":"Name","value":"signedBy"}},{"kind":"Field","name":{"kind":"Name","value":"signedAt"}},{"kind":"Field","name":{"kind":"Name","value":"digest"}}]}}]}}]}}]}}]} as unknown as DocumentNode<PromotionRequestQuery, PromotionRequestQueryVariables>;
export const ApprovePromotionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ApprovePromotion"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"comment"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"approvePromotion"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"promotionRequestId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"comment"},"value":{"kind":"Variable","name":{"kind":"Name","value":"comment"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"promoted"}},{"kind":"Field","name":{"kind":"Name","value":"promotionRequest"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"modelVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ApprovePromotionMutation, ApprovePromotionMutationVariables>;
export const RejectPromotionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RejectPromotion"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"comment"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rejectPromotion"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"promotionRequestId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"comment"},"value":{"kind":"Variable","name":{"kind":"Name","value":"comment"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"promotionRequest"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<RejectPromotionMutation, RejectPromotionMutationVariables>;
export const CancelPromotionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelPromotion"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelPromotion"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"promotionRequestId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"promotionRequest"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<CancelPromotionMutation, CancelPromotionMutationVariables>;
export const ReevaluatePromotionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ReevaluatePromotion"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reevaluatePromotion"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"promotionRequestId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"promoted"}},{"kind":"Field","name":{"kind":"Name","value":"promotionRequest"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"checkedAt"}},{"kind":"Field","name":{"kind":"Name","value":"modelVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ReevaluatePromotionMutation, ReevaluatePromotionMutationVariables>;
export const EvidencePackDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"EvidencePack"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"evidencePack"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"promotionRequestId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<EvidencePackQuery, EvidencePackQueryVariables>;
export const AuditDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Audit"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"EventFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"auditEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"actor"}},{"kind":"Field","name":{"kind":"Name","value":"projectKey"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"targetId"}},{"kind":"Field","name":{"kind":"Name","value":"payload"}},{"kind":"Field","name":{"kind":"Name","value":"prevHash"}},{"kind":"Field","name":{"kind":"Name","value":"hash"}}]}}]}}]}}]}}]} as unknown as DocumentNode<AuditQuery, AuditQueryVariables>;
export const CatalogDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Catalog"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"q"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"datasets"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"nameContains"},"value":{"kind":"Variable","name":{"kind":"Name","value":"q"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"versions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"qualityStatus"}}]}}]}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"models"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"nameContains"},"value":{"kind":"Variable","name":{"kind":"Name","value":"q"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"versions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"jobs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}}},{"kind":"Argument","name":{"kind":"Name","value":"nameContains"},"value":{"kind":"Variable","name":{"kind":"Name","value":"q"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"latestRun"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<CatalogQuery, CatalogQueryVariables>;
export const CompareRunsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CompareRuns"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ids"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ids"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ids"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Run"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"projectKey"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"experiment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"job"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"params"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"metrics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"latest"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"step"}}]}},{"kind":"Field","name":{"kind":"Name","value":"history"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<CompareRunsQuery, CompareRunsQueryVariables>;
export const DatasetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Dataset"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Dataset"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"projectKey"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"facets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"json"}}]}},{"kind":"Field","name":{"kind":"Name","value":"feastKind"}},{"kind":"Field","name":{"kind":"Name","value":"featureView"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"owner"}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"features"}},{"kind":"Field","name":{"kind":"Name","value":"entityNames"}},{"kind":"Field","name":{"kind":"Name","value":"ttlSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"online"}},{"kind":"Field","name":{"kind":"Name","value":"health"}},{"kind":"Field","name":{"kind":"Name","value":"sources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"entities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"services"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"atRiskSources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"qualityStatus"}},{"kind":"Field","name":{"kind":"Name","value":"dataset"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"usedByFeatureViews"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"health"}}]}},{"kind":"Field","name":{"kind":"Name","value":"jobs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"latestRun"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"validationSuites"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"ruleCount"}},{"kind":"Field","name":{"kind":"Name","value":"onArrival"}},{"kind":"Field","name":{"kind":"Name","value":"definition"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedBy"}},{"kind":"Field","name":{"kind":"Name","value":"template"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"template"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"upToDate"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"versions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"uri"}},{"kind":"Field","name":{"kind":"Name","value":"digest"}},{"kind":"Field","name":{"kind":"Name","value":"integrity"}},{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"statistics"}},{"kind":"Field","name":{"kind":"Name","value":"columns"}},{"kind":"Field","name":{"kind":"Name","value":"rowCount"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"qualityStatus"}},{"kind":"Field","name":{"kind":"Name","value":"awaitingValidation"}},{"kind":"Field","name":{"kind":"Name","value":"health"}},{"kind":"Field","name":{"kind":"Name","value":"facets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"json"}}]}},{"kind":"Field","name":{"kind":"Name","value":"schema"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"nullable"}}]}},{"kind":"Field","name":{"kind":"Name","value":"producedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"experiment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"job"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"consumedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"projectKey"}},{"kind":"Field","name":{"kind":"Name","value":"experiment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"job"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"derivedFrom"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"dataset"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<DatasetQuery, DatasetQueryVariables>;
export const ValidationCompletedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ValidationCompleted"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"datasetId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"validationCompleted"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"datasetId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"datasetId"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"payload"}}]}}]}}]} as unknown as DocumentNode<ValidationCompletedSubscription, ValidationCompletedSubscriptionVariables>;
export const SetSuiteOnArrivalDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetSuiteOnArrival"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"suiteId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"onArrival"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setValidationSuiteOnArrival"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"suiteId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"suiteId"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"onArrival"},"value":{"kind":"Variable","name":{"kind":"Name","value":"onArrival"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"validationSuite"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"onArrival"}}]}},{"kind":"Field","name":{"kind":"Name","value":"changed"}}]}}]}}]} as unknown as DocumentNode<SetSuiteOnArrivalMutation, SetSuiteOnArrivalMutationVariables>;
export const RunValidationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RunValidation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"suiteId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"versionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runValidation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"suiteId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"suiteId"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"datasetVersionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"versionId"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"validationRun"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<RunValidationMutation, RunValidationMutationVariables>;
export const ExperimentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Experiment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"projectKey"}},{"kind":"Field","name":{"kind":"Name","value":"runs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"params"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"metrics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"latest"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"step"}}]}}]}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ExperimentQuery, ExperimentQueryVariables>;
export const SearchRunsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SearchRuns"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"experimentIds"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"searchRuns"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}}},{"kind":"Argument","name":{"kind":"Name","value":"experimentIds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"experimentIds"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"params"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"metrics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"latest"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"step"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<SearchRunsQuery, SearchRunsQueryVariables>;
export const ExperimentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Experiments"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"q"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experiments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"nameContains"},"value":{"kind":"Variable","name":{"kind":"Name","value":"q"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"runs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ExperimentsQuery, ExperimentsQueryVariables>;
export const FeatureViewsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FeatureViews"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"atRisk"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"featureViews"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}}},{"kind":"Argument","name":{"kind":"Name","value":"atRisk"},"value":{"kind":"Variable","name":{"kind":"Name","value":"atRisk"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"owner"}},{"kind":"Field","name":{"kind":"Name","value":"features"}},{"kind":"Field","name":{"kind":"Name","value":"health"}},{"kind":"Field","name":{"kind":"Name","value":"sources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"services"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<FeatureViewsQuery, FeatureViewsQueryVariables>;
export const GovernanceDashboardDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GovernanceDashboard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"promotionRequests"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"targetStage"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}},{"kind":"Field","name":{"kind":"Name","value":"closedAt"}},{"kind":"Field","name":{"kind":"Name","value":"modelVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"model"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"checks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"verdict"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<GovernanceDashboardQuery, GovernanceDashboardQueryVariables>;
export const ImpactDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Impact"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"depth"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Time"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"impact"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"depth"},"value":{"kind":"Variable","name":{"kind":"Name","value":"depth"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"root"}},{"kind":"Field","name":{"kind":"Name","value":"totalAffected"}},{"kind":"Field","name":{"kind":"Name","value":"hiddenAffected"}},{"kind":"Field","name":{"kind":"Name","value":"truncated"}},{"kind":"Field","name":{"kind":"Name","value":"truncatedBy"}},{"kind":"Field","name":{"kind":"Name","value":"openPromotionRequests"}},{"kind":"Field","name":{"kind":"Name","value":"owners"}},{"kind":"Field","name":{"kind":"Name","value":"atRisk"}},{"kind":"Field","name":{"kind":"Name","value":"runs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"projectKey"}},{"kind":"Field","name":{"kind":"Name","value":"distance"}},{"kind":"Field","name":{"kind":"Name","value":"owner"}}]}},{"kind":"Field","name":{"kind":"Name","value":"datasetVersions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"projectKey"}},{"kind":"Field","name":{"kind":"Name","value":"distance"}},{"kind":"Field","name":{"kind":"Name","value":"owner"}}]}},{"kind":"Field","name":{"kind":"Name","value":"modelVersions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"projectKey"}},{"kind":"Field","name":{"kind":"Name","value":"distance"}},{"kind":"Field","name":{"kind":"Name","value":"owner"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"inProduction"}}]}}]}}]}}]} as unknown as DocumentNode<ImpactQuery, ImpactQueryVariables>;
export const ImpactRootDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ImpactRoot"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Run"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Dataset"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DatasetVersion"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"dataset"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Model"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ModelVersion"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"number"},"name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"model"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ImpactRootQuery, ImpactRootQueryVariables>;
export const JobDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Job"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Job"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"projectKey"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"sourceCode"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"repo"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}}]}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"children"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"inputs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"outputs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"facets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"json"}}]}},{"kind":"Field","name":{"kind":"Name","value":"latestRun"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"runs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"endedAt"}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<JobQuery, JobQueryVariables>;
export const ModelDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Model"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Model"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"projectKey"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"versions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"uri"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"aliases"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"run"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"experiment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"job"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"promotionRequests"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"targetStage"}},{"kind":"Field","name":{"kind":"Name","value":"requestedBy"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAt"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"biasChecks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"1"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"fourFifths"}},{"kind":"Field","name":{"kind":"Name","value":"inconclusive"}},{"kind":"Field","name":{"kind":"Name","value":"notes"}},{"kind":"Field","name":{"kind":"Name","value":"demographicParityDifference"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}},{"kind":"Field","name":{"kind":"Name","value":"demographicParityRatio"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}},{"kind":"Field","name":{"kind":"Name","value":"equalizedOddsDifference"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}},{"kind":"Field","name":{"kind":"Name","value":"datasetVersion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"dataset"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ModelQuery, ModelQueryVariables>;
export const ModelPolicyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ModelPolicy"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"policy"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"governedAliases"}}]}}]}}]} as unknown as DocumentNode<ModelPolicyQuery, ModelPolicyQueryVariables>;
export const RequestPromotionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RequestPromotion"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RequestPromotionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestPromotion"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"promotionRequest"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"projectKey"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"targetStage"}},{"kind":"Field","name":{"kind":"Name","value":"checks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"verdict"}},{"kind":"Field","name":{"kind":"Name","value":"detail"}},{"kind":"Field","name":{"kind":"Name","value":"evidenceIds"}}]}}]}}]}}]}}]} as unknown as DocumentNode<RequestPromotionMutation, RequestPromotionMutationVariables>;
export const QualityDashboardDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"QualityDashboard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"days"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"qualityDashboard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}}},{"kind":"Argument","name":{"kind":"Name","value":"days"},"value":{"kind":"Variable","name":{"kind":"Name","value":"days"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"projectKey"}},{"kind":"Field","name":{"kind":"Name","value":"datasets"}},{"kind":"Field","name":{"kind":"Name","value":"datasetsWithSuites"}},{"kind":"Field","name":{"kind":"Name","value":"versions"}},{"kind":"Field","name":{"kind":"Name","value":"validatedVersions"}},{"kind":"Field","name":{"kind":"Name","value":"failingVersions"}},{"kind":"Field","name":{"kind":"Name","value":"awaitingValidation"}},{"kind":"Field","name":{"kind":"Name","value":"days"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"day"}},{"kind":"Field","name":{"kind":"Name","value":"runs"}},{"kind":"Field","name":{"kind":"Name","value":"passed"}}]}},{"kind":"Field","name":{"kind":"Name","value":"slowestSuites"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"suite"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"dataset"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"runs"}},{"kind":"Field","name":{"kind":"Name","value":"meanSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"maxSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"failing"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"qualityStatus"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"dataset"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"modelsAtRisk"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"model"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"datasetsAtRisk"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"dataset"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<QualityDashboardQuery, QualityDashboardQueryVariables>;
export const GovernanceReportDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GovernanceReport"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"experimentId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"since"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Time"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"until"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Time"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"governanceReport"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}}},{"kind":"Argument","name":{"kind":"Name","value":"experimentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"experimentId"}}},{"kind":"Argument","name":{"kind":"Name","value":"since"},"value":{"kind":"Variable","name":{"kind":"Name","value":"since"}}},{"kind":"Argument","name":{"kind":"Name","value":"until"},"value":{"kind":"Variable","name":{"kind":"Name","value":"until"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"projectKey"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"until"}},{"kind":"Field","name":{"kind":"Name","value":"generatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"experiment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"figures"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runs"}},{"kind":"Field","name":{"kind":"Name","value":"reproducibleRuns"}},{"kind":"Field","name":{"kind":"Name","value":"reproducibilityRate"}},{"kind":"Field","name":{"kind":"Name","value":"reproducedRuns"}},{"kind":"Field","name":{"kind":"Name","value":"divergedRuns"}},{"kind":"Field","name":{"kind":"Name","value":"datasetVersionsUsed"}},{"kind":"Field","name":{"kind":"Name","value":"validatedVersions"}},{"kind":"Field","name":{"kind":"Name","value":"validationCoverage"}},{"kind":"Field","name":{"kind":"Name","value":"failingVersions"}},{"kind":"Field","name":{"kind":"Name","value":"versionsWithDigest"}},{"kind":"Field","name":{"kind":"Name","value":"promotionRequests"}},{"kind":"Field","name":{"kind":"Name","value":"approved"}},{"kind":"Field","name":{"kind":"Name","value":"rejected"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}},{"kind":"Field","name":{"kind":"Name","value":"open"}},{"kind":"Field","name":{"kind":"Name","value":"leadTimeMeanSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"leadTimeP50Seconds"}},{"kind":"Field","name":{"kind":"Name","value":"leadTimeP90Seconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"inProduction"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"model"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"signOffs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"decision"}},{"kind":"Field","name":{"kind":"Name","value":"findings"}},{"kind":"Field","name":{"kind":"Name","value":"signedBy"}},{"kind":"Field","name":{"kind":"Name","value":"signedAt"}},{"kind":"Field","name":{"kind":"Name","value":"digest"}}]}}]}}]}}]} as unknown as DocumentNode<GovernanceReportQuery, GovernanceReportQueryVariables>;
export const ReproAuditViewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ReproAuditView"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"experimentId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reruns"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"project"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"key"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"myRole"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reproducibilityAudit"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"experimentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"experimentId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"complete"}},{"kind":"Field","name":{"kind":"Name","value":"missing"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"run"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"reproducibility"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"latestReproduction"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"tolerance"}},{"kind":"Field","name":{"kind":"Name","value":"relativeTolerance"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"reproductionRun"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"metrics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"original"}},{"kind":"Field","name":{"kind":"Name","value":"reproduced"}},{"kind":"Field","name":{"kind":"Name","value":"difference"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"searchRuns"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reruns"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ReproAuditViewQuery, ReproAuditViewQueryVariables>;
export const RecordReproductionViewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RecordReproductionView"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RecordReproductionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordReproduction"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reproduction"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<RecordReproductionViewMutation, RecordReproductionViewMutationVariables>;
export const RunDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Run"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Run"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"projectKey"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"endedAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"experiment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"job"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"externalId"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"children"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}},{"kind":"Field","name":{"kind":"Name","value":"facets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"json"}}]}},{"kind":"Field","name":{"kind":"Name","value":"params"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}},{"kind":"Field","name":{"kind":"Name","value":"code"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"repo"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"dirty"}}]}},{"kind":"Field","name":{"kind":"Name","value":"environment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"imageDigest"}},{"kind":"Field","name":{"kind":"Name","value":"lockfileHash"}},{"kind":"Field","name":{"kind":"Name","value":"platform"}}]}},{"kind":"Field","name":{"kind":"Name","value":"metrics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"latest"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"step"}}]}},{"kind":"Field","name":{"kind":"Name","value":"history"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"inputs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"digest"}},{"kind":"Field","name":{"kind":"Name","value":"integrity"}},{"kind":"Field","name":{"kind":"Name","value":"dataset"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"outputs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"digest"}},{"kind":"Field","name":{"kind":"Name","value":"integrity"}},{"kind":"Field","name":{"kind":"Name","value":"dataset"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"modelOutputs"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"model"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"featureServices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reproducibility"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"complete"}},{"kind":"Field","name":{"kind":"Name","value":"missing"}},{"kind":"Field","name":{"kind":"Name","value":"latestReproduction"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"reproductionRun"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"metrics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<RunQuery, RunQueryVariables>;
export const ReproduceSpecDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ReproduceSpec"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"runId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reproduceSpec"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"runId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"runId"}}}]}]}}]} as unknown as DocumentNode<ReproduceSpecQuery, ReproduceSpecQueryVariables>;
export const MeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"subject"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"grants"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"projectKey"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]}}]}}]} as unknown as DocumentNode<MeQuery, MeQueryVariables>;
export const ValidationTemplateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ValidationTemplate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"validationTemplate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"projectKey"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"definition"}},{"kind":"Field","name":{"kind":"Name","value":"autoApply"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedBy"}},{"kind":"Field","name":{"kind":"Name","value":"params"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"default"}}]}},{"kind":"Field","name":{"kind":"Name","value":"selector"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"featureView"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}}]}},{"kind":"Field","name":{"kind":"Name","value":"suites"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"onArrival"}},{"kind":"Field","name":{"kind":"Name","value":"dataset"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"template"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"upToDate"}},{"kind":"Field","name":{"kind":"Name","value":"params"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ValidationTemplateQuery, ValidationTemplateQueryVariables>;
export const TemplateProjectRoleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TemplateProjectRole"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"key"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"project"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"key"},"value":{"kind":"Variable","name":{"kind":"Name","value":"key"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"myRole"}}]}}]}}]} as unknown as DocumentNode<TemplateProjectRoleQuery, TemplateProjectRoleQueryVariables>;
export const ApplyValidationTemplateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ApplyValidationTemplate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ApplyValidationTemplateInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"applyValidationTemplate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"suites"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"skipped"}}]}}]}}]} as unknown as DocumentNode<ApplyValidationTemplateMutation, ApplyValidationTemplateMutationVariables>;
export const ValidationTemplatesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ValidationTemplates"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"validationTemplates"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"projectKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"projectKey"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedBy"}},{"kind":"Field","name":{"kind":"Name","value":"selector"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"featureView"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}}]}}]}}]}}]} as unknown as DocumentNode<ValidationTemplatesQuery, ValidationTemplatesQueryVariables>;
export const LineageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Lineage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"direction"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"LineageDirection"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"depth"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"maxNodes"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"kinds"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"NodeKind"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Time"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lineage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"direction"},"value":{"kind":"Variable","name":{"kind":"Name","value":"direction"}}},{"kind":"Argument","name":{"kind":"Name","value":"depth"},"value":{"kind":"Variable","name":{"kind":"Name","value":"depth"}}},{"kind":"Argument","name":{"kind":"Name","value":"maxNodes"},"value":{"kind":"Variable","name":{"kind":"Name","value":"maxNodes"}}},{"kind":"Argument","name":{"kind":"Name","value":"kinds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"kinds"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"root"}},{"kind":"Field","name":{"kind":"Name","value":"truncated"}},{"kind":"Field","name":{"kind":"Name","value":"truncatedBy"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"distance"}},{"kind":"Field","name":{"kind":"Name","value":"hasMore"}},{"kind":"Field","name":{"kind":"Name","value":"projectKey"}},{"kind":"Field","name":{"kind":"Name","value":"health"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"hops"}}]}}]}}]}}]} as unknown as DocumentNode<LineageQuery, LineageQueryVariables>;
export const LineagePathDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"LineagePath"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Time"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lineagePath"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"root"}},{"kind":"Field","name":{"kind":"Name","value":"truncated"}},{"kind":"Field","name":{"kind":"Name","value":"truncatedBy"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"distance"}},{"kind":"Field","name":{"kind":"Name","value":"hasMore"}},{"kind":"Field","name":{"kind":"Name","value":"projectKey"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"hops"}}]}}]}}]}}]} as unknown as DocumentNode<LineagePathQuery, LineagePathQueryVariables>;
export const LineageFeastKindsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"LineageFeastKinds"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ids"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ids"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ids"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Dataset"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"feastKind"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"DatasetVersion"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"dataset"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"feastKind"}}]}}]}}]}}]}}]} as unknown as DocumentNode<LineageFeastKindsQuery, LineageFeastKindsQueryVariables>;