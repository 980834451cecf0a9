// Package quality is exphub's data-quality validation engine: it runs a
// suite of rules (not_null, unique, value_between, freshness,
// distribution_drift, ...) over one data file (CSV, JSON Lines or
// Parquet; a local path, file:// or http(s)://) and returns a Result
// with a run status (PASSED, WARNED, FAILED or ERROR) and, per rule, a
// verdict, the observed value, counts and a bounded sample of failing
// values. It also reads Great Expectations validation results into the
// same Result (ParseGreatExpectations).
//
// The engine is pure Go and knows nothing of Neo4j, the API or the hub's
// projects: internal/validation runs it for the server, hubctl validate on
// a workstation. It must stay that way, so it can be reasoned about and
// tested on files alone.
//
// A run reads the file once. All rules of a suite are fed the same
// batches of rows, which a reader goroutine parses while the rules
// evaluate the previous batch. The file's sha256 is computed on the way;
// a caller that passes Source.ExpectedSHA256 gets a run in ERROR with
// code INTEGRITY when it differs. Files a rule refers to (the reference
// of referential_integrity and distribution_drift) are read before the
// data, through a Resolver.
//
// Memory is bounded and exact: set-based rules keep at most
// Options.MaxDistinct distinct values each, and median, quantile and KS at
// most Options.MaxValues numbers each; a rule that would exceed its bound
// ends in ERROR instead of returning an approximate answer.
//
// RULES.md, next to this file, states the semantics of every rule, the
// type inference of each reader and the choices made where Great
// Expectations, Soda and Deequ disagree.
package quality
