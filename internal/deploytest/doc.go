// Package deploytest holds only tests: they check what is under deploy/
// without Docker, Kubernetes or a network, in `make test`.
//
//   - The image (deploy/Dockerfile), parsed with BuildKit's own Dockerfile
//     parser and its parse-time lint rules: the build stages run the very
//     commands of the Makefile's `frontend` and `build` targets (read from
//     the Makefile, so they cannot drift), the final stage is minimal,
//     pinned, non-root and has a HEALTHCHECK.
//   - deploy/docker-compose.yml, loaded by compose-spec's own loader (the
//     Compose schema, interpolation): its services, health checks and
//     start order, and the hubs' settings accepted by the server's strict
//     config.
//   - The Helm chart (deploy/helm/exphub), rendered by a real helm built
//     from its Go module for several value sets, every manifest validated
//     against the Kubernetes schemas of the supported versions (the
//     kubernetes-validate package from PyPI, in a pinned venv made by
//     deploy/python/venv.sh), and the pods' environment accepted by the
//     server's strict config.
//   - Backups of the development Neo4j (deploy/neo4j/backup.sh, make backup
//     and make restore): a dump of a running instance with data, loaded into
//     a fresh one on another port, whose hash-chained event log verifies end
//     to end (hubctl audit verify) and ends where it ended at the backup.
//
// It is on the testing floor: production code must not import it, and it
// holds no code of its own besides this comment.
package deploytest
