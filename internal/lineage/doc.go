// Package lineage owns what a caller gets when asking how data flows: the
// lineage around a node, the impact of a node (everything downstream of
// it, grouped), a shortest path between two nodes, and the data-quality
// health of nodes with the failed versions upstream that explain it.
//
// It owns the requests and their limits and defaults (depth, maxNodes,
// kinds, the impact depth), and, as pure functions over the facts the
// store read, the shaping of the answers: which walked nodes a caller
// gets within maxNodes and a kinds filter, INDIRECT edges through the
// nodes a filter leaves out, hasMore, the redacted placeholders that
// stand for hidden projects, the truncation reasons, the impact report's
// groups, counts and at-risk list, path assembly, and the health rules.
// These are tested without Neo4j. Service runs each operation for a
// caller: it checks the request, scopes it to the projects the caller may
// read (internal/access) and reads through a Store.
//
// It must not speak HTTP or GraphQL, and holds no Cypher: how the walks
// run (the statements, the budget inside Neo4j, which neighbours are
// looked for) is internal/store's.
package lineage
