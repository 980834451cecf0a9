// Package feast reads a Feast feature repository without Feast — its
// feature_store.yaml and its file registry — and turns what the registry
// defines (feature views, feature services, and the entities and data
// sources they use) into OpenLineage static-lineage JobEvents shaped as
// Feast's own OpenLineage emitter shapes them, so the hub gets the same
// datasets and facets whether Feast reports itself or `hubctl feast
// import` reads its registry.
//
// Why the protobuf file registry is what is read. registry.db is a
// serialized feast.core.Registry message, and those bytes are Feast's
// cross-language contract: the Java and Go feature servers read the same
// file the Python SDK writes. Under protobuf's compatibility rules a
// field's number and type never change (a removed field's number is
// reserved, not reused), so reading the handful of fields this package
// needs by number keeps working across Feast releases, and every field it
// does not know is skipped. The alternatives are not contracts: `feast
// registry-dump` needs Feast and its dependencies installed, and the
// Python objects change shape between releases. Only the file registry is
// read; a SQL, Snowflake or remote registry lives in a service this
// package does not talk to, and is refused by name.
//
// The package is pure: it reads files and returns values. It must not
// speak HTTP (cmd/hubctl posts the events to the hub's OpenLineage
// endpoint), must not import the store, and must not panic on any input:
// a corrupt registry is an error naming the message and field that could
// not be read, and a registry over MaxRegistryBytes or MaxObjects is
// refused before it costs more.
package feast
