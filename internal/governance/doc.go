// Package governance owns what a model version needs to reach a stage and
// who decides: project policies, promotion requests and their checks, the
// decision rule (role, separation of duties, one decision each), bias
// checks, the reproducibility of training runs, and the evidence pack
// compliance verifies offline.
//
// Its rules are pure functions over facts (Decision, Checks, Cancellation,
// Reproducibility, Compare, CheckPolicy), tested without Neo4j; the store
// applies Checks and Status inside the transactions that change evidence
// (see Rules), and every other operation is one call of Service that checks
// the caller's access, applies the rules and writes through the store. It
// must not speak HTTP or GraphQL, and holds no Cypher.
package governance
