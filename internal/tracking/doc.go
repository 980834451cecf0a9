// Package tracking owns experiments and runs: creating experiments,
// starting runs, their lifecycle (which statuses a run starts in and which
// moves between statuses are legal), params (write-once, logged until the
// run ends), metrics, tags, and the dataset and model versions a run reads
// and writes.
//
// Its rules are pure functions over facts (StartStatus, StatusChange,
// FinishStatus, Open, ParamsLogging), tested without Neo4j; the store
// applies those that must hold under a run's lock inside its write
// transaction, through an allow function. Every operation is one call of
// Service that checks the caller's access, applies the rules and writes
// through the store. It must not speak HTTP or GraphQL, and holds no
// Cypher.
package tracking
