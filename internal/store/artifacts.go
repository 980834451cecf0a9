package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/exphub/exphub/internal/errs"
)

// Run and logged model artifacts, as the graph records them: one Artifact
// node per file, (Run|LoggedModel)-[:HAS_ARTIFACT]->(Artifact {path, size,
// sha256}), the bytes kept content-addressed elsewhere (internal/store/
// blobs) under that sha256. Listing reads the graph, never the blob store,
// so what a caller may see is decided here by the owner's project; the
// digests are evidence a verifier can check against the bytes.

// ArtifactOwnerKind says what an artifact belongs to.
type ArtifactOwnerKind string

// The owners of artifacts.
const (
	ArtifactOfRun         ArtifactOwnerKind = "Run"
	ArtifactOfLoggedModel ArtifactOwnerKind = "LoggedModel"
)

// ownerMatch is the statement text that matches and names the owner o; the
// label comes from this table only.
var ownerMatch = map[ArtifactOwnerKind]string{
	ArtifactOfRun:         `MATCH (o:Run {id: $owner})`,
	ArtifactOfLoggedModel: `MATCH (o:LoggedModel {id: $owner})`,
}

// ArtifactOwner names a run (by its hub ID) or a logged model.
type ArtifactOwner struct {
	Kind ArtifactOwnerKind
	ID   string
}

func (o ArtifactOwner) check() error {
	switch o.Kind {
	case ArtifactOfRun:
		return checkID("run_id", o.ID, KindRun)
	case ArtifactOfLoggedModel:
		if !IsLoggedModelID(o.ID) {
			return invalid("model_id: %s is not a logged model ID", errs.Quote(o.ID))
		}
		return nil
	}
	return invalid("artifact owner: %s is not a run or a logged model", errs.Quote(string(o.Kind)))
}

// MaxArtifactPathLen bounds an artifact's path inside its run or model.
const MaxArtifactPathLen = 1024

// MaxArtifactListing bounds the entries one listing returns.
const MaxArtifactListing = 10_000

// Artifact is one file of a run or logged model.
type Artifact struct {
	Path string
	Size int64
	// SHA256 is the hex digest of the content; the blob store keeps the
	// bytes under it.
	SHA256    string
	CreatedAt time.Time
	CreatedBy string
	UpdatedAt time.Time
}

func decodeArtifact(m map[string]any) (Artifact, error) {
	p := props{m: m}
	a := Artifact{Path: p.str("path"), Size: p.int("size"), SHA256: p.str("sha256"), CreatedAt: p.time("createdAt"),
		CreatedBy: p.str("createdBy"), UpdatedAt: p.time("updatedAt")}
	return a, p.err
}

// ArtifactEntry is one entry of a directory listing: a file with its
// size, or a directory.
type ArtifactEntry struct {
	Name  string
	IsDir bool
	Size  int64
}

// RecordArtifact records that the file at path of owner has the content
// with digest sha256 (hex) and size bytes: the Artifact is created, or its
// digest replaced when the file is logged again with other content (the
// event log keeps every digest it had). The same content again is a no-op,
// so a retried upload changes nothing. A path that is a directory of
// another file, or under one, is errs.Invalid. A change appends
// RUN_LINEAGE_CHANGED (target: the run; for a logged model its source run,
// else its experiment) with the path, digest and size.
func (s *Store) RecordArtifact(ctx context.Context, actor string, owner ArtifactOwner, path, sha256 string, size int64) (*Artifact, error) {
	if err := owner.check(); err != nil {
		return nil, err
	}
	if err := checkText("path", path, MaxArtifactPathLen, true); err != nil {
		return nil, err
	}
	if len(sha256) != 64 || strings.Trim(sha256, "0123456789abcdef") != "" {
		return nil, invalid("sha256: %s is not a hex digest", errs.Quote(sha256))
	}
	if size < 0 {
		return nil, invalid("size: %d is negative", size)
	}
	var ancestors []string
	for i := range len(path) {
		if path[i] == '/' {
			ancestors = append(ancestors, path[:i])
		}
	}
	var unchanged *Artifact
	a, err := write(ctx, s, func(tx *txn) (*Artifact, error) {
		rec, err := tx.single(ownerMatch[owner.Kind]+` `+lockClause("o")+`
			WITH o
			OPTIONAL MATCH (o)-[:HAS_ARTIFACT]->(a:Artifact {path: $path})
			RETURN o.projectKey AS pk, o.experimentId AS experimentId,
			       CASE WHEN o:Run THEN o.id ELSE coalesce(o.sourceRunId, o.experimentId) END AS target,
			       a{.*} AS old,
			       EXISTS { MATCH (o)-[:HAS_ARTIFACT]->(x:Artifact) WHERE x.path IN $ancestors OR x.path STARTS WITH $dir } AS clash`,
			map[string]any{"owner": owner.ID, "path": path, "ancestors": ancestors, "dir": path + "/"})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, notFoundOwner(owner)
		}
		m := map[string]any{}
		for _, k := range []string{"pk", "experimentId", "target", "clash"} {
			m[k], _ = rec.Get(k)
		}
		p := props{m: m}
		pk, expID, target, clash := p.str("pk"), p.str("experimentId"), p.str("target"), p.bool("clash")
		if p.err != nil {
			return nil, p.err
		}
		if clash {
			return nil, invalid("path: %s is a directory of another artifact, or under a file", errs.Quote(path))
		}
		if old, _ := rec.Get("old"); old != nil {
			om, _ := old.(map[string]any)
			a, err := decodeArtifact(om)
			if err != nil {
				return nil, err
			}
			if a.SHA256 == sha256 && a.Size == size {
				unchanged = &a
				return nil, errUnchanged
			}
		}
		now := s.now().UTC()
		rec, err = tx.single(ownerMatch[owner.Kind]+`
			MERGE (o)-[:HAS_ARTIFACT]->(a:Artifact {ownerId: $owner, path: $path})
			ON CREATE SET a.createdAt = $now, a.createdBy = $actor
			SET a.projectKey = o.projectKey, a.sha256 = $sha256, a.size = $size, a.updatedAt = $now
			RETURN a{.*} AS a`,
			map[string]any{"owner": owner.ID, "path": path, "now": now, "actor": actor, "sha256": sha256, "size": size})
		if err != nil {
			return nil, err
		}
		a, err := recDecode(rec, "a", decodeArtifact)
		if err != nil {
			return nil, err
		}
		payload := map[string]any{"experimentId": expID, "artifact": path, "sha256": sha256, "size": size}
		if owner.Kind == ArtifactOfLoggedModel {
			payload["loggedModelId"] = owner.ID
		}
		return &a, s.appendEvents(tx, actor, eventDraft{EventRunLineageChanged, pk, target, payload})
	})
	return orUnchanged(a, unchanged, err)
}

func notFoundOwner(o ArtifactOwner) error {
	if o.Kind == ArtifactOfRun {
		return notFound(KindRun, o.ID)
	}
	return fmt.Errorf("logged model %s: %w", errs.Quote(o.ID), errs.NotFound)
}

// Artifact returns the file at path of owner; errs.NotFound when there is
// none (a directory is not a file).
func (s *Store) Artifact(ctx context.Context, owner ArtifactOwner, path string) (*Artifact, error) {
	if err := owner.check(); err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx *txn) (*Artifact, error) {
		rec, err := tx.single(ownerMatch[owner.Kind]+`-[:HAS_ARTIFACT]->(a:Artifact {path: $path}) RETURN a{.*} AS a`,
			map[string]any{"owner": owner.ID, "path": path})
		if err != nil {
			return nil, err
		}
		if rec == nil {
			return nil, fmt.Errorf("artifact %s: %w", errs.Quote(path), errs.NotFound)
		}
		a, err := recDecode(rec, "a", decodeArtifact)
		return &a, err
	})
}

// ListArtifacts lists the entries directly inside directory dir ("" for
// the root) of owner's artifacts, by name: files with their size and
// directories, at most MaxArtifactListing. A dir that holds nothing (or is
// a file) lists nothing.
func (s *Store) ListArtifacts(ctx context.Context, owner ArtifactOwner, dir string) ([]ArtifactEntry, error) {
	if err := owner.check(); err != nil {
		return nil, err
	}
	prefix := ""
	if dir != "" {
		prefix = strings.TrimSuffix(dir, "/") + "/"
	}
	return read(ctx, s, func(tx *txn) ([]ArtifactEntry, error) {
		recs, err := tx.run(ownerMatch[owner.Kind]+`-[:HAS_ARTIFACT]->(a:Artifact)
			WHERE a.path STARTS WITH $prefix
			WITH split(substring(a.path, size($prefix)), '/') AS parts, a
			WITH parts[0] AS name, size(parts) > 1 AS isDir, a
			WITH name, isDir, max(a.size) AS size
			ORDER BY name
			LIMIT $limit
			RETURN name, isDir, CASE WHEN isDir THEN 0 ELSE size END AS size`,
			map[string]any{"owner": owner.ID, "prefix": prefix, "limit": MaxArtifactListing})
		if err != nil {
			return nil, err
		}
		out := make([]ArtifactEntry, 0, len(recs))
		for _, rec := range recs {
			m := map[string]any{}
			for _, k := range []string{"name", "isDir", "size"} {
				m[k], _ = rec.Get(k)
			}
			p := props{m: m}
			out = append(out, ArtifactEntry{Name: p.str("name"), IsDir: p.bool("isDir"), Size: p.int("size")})
			if p.err != nil {
				return nil, p.err
			}
		}
		return out, nil
	})
}

// ArtifactsOf returns every file of owner, by path: what an evidence pack
// lists with its digests.
func (s *Store) ArtifactsOf(ctx context.Context, owner ArtifactOwner) ([]Artifact, error) {
	if err := owner.check(); err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx *txn) ([]Artifact, error) {
		recs, err := tx.run(ownerMatch[owner.Kind]+`-[:HAS_ARTIFACT]->(a:Artifact) WITH a ORDER BY a.path RETURN a{.*} AS a`,
			map[string]any{"owner": owner.ID})
		if err != nil {
			return nil, err
		}
		return recsDecode(recs, "a", decodeArtifact)
	})
}

// ArtifactDirEntry is one entry of a directory listing with what a reader
// needs to tell files apart: a file's size and digest, or a directory.
type ArtifactDirEntry struct {
	Name  string
	IsDir bool
	// Size and SHA256 are the file's; zero and "" for a directory.
	Size   int64
	SHA256 string
}

// ListArtifactDir is ListArtifacts with each file's digest: the entries
// directly inside directory dir ("" for the root) of owner's artifacts, by
// name, at most MaxArtifactListing. A dir that holds nothing (or is a
// file) lists nothing.
func (s *Store) ListArtifactDir(ctx context.Context, owner ArtifactOwner, dir string) ([]ArtifactDirEntry, error) {
	if err := owner.check(); err != nil {
		return nil, err
	}
	prefix := ""
	if dir != "" {
		prefix = strings.TrimSuffix(dir, "/") + "/"
	}
	return read(ctx, s, func(tx *txn) ([]ArtifactDirEntry, error) {
		// A name is a file or a directory, never both (RecordArtifact
		// refuses the clash), so a file's group is its one Artifact.
		recs, err := tx.run(ownerMatch[owner.Kind]+`-[:HAS_ARTIFACT]->(a:Artifact)
			WHERE a.path STARTS WITH $prefix
			WITH split(substring(a.path, size($prefix)), '/') AS parts, a
			WITH parts[0] AS name, size(parts) > 1 AS isDir, a
			WITH name, isDir, max(a.size) AS size, max(a.sha256) AS sha256
			ORDER BY name
			LIMIT $limit
			RETURN name, isDir, CASE WHEN isDir THEN 0 ELSE size END AS size, CASE WHEN isDir THEN '' ELSE sha256 END AS sha256`,
			map[string]any{"owner": owner.ID, "prefix": prefix, "limit": MaxArtifactListing})
		if err != nil {
			return nil, err
		}
		out := make([]ArtifactDirEntry, 0, len(recs))
		for _, rec := range recs {
			m := map[string]any{}
			for _, k := range []string{"name", "isDir", "size", "sha256"} {
				m[k], _ = rec.Get(k)
			}
			p := props{m: m}
			out = append(out, ArtifactDirEntry{Name: p.str("name"), IsDir: p.bool("isDir"), Size: p.int("size"), SHA256: p.str("sha256")})
			if p.err != nil {
				return nil, p.err
			}
		}
		return out, nil
	})
}

// RunArtifact is one file of a run, named with the run: what an evidence
// pack lists of the runs it covers.
type RunArtifact struct {
	RunID string
	Artifact
}

// ArtifactsOfRuns returns every file of each run of runIDs (hub IDs), by
// run in the order of runIDs, then by path; a run that is unknown or has
// none contributes nothing. One round-trip.
func (s *Store) ArtifactsOfRuns(ctx context.Context, runIDs []string) ([]RunArtifact, error) {
	for i, id := range runIDs {
		if err := checkID(fmt.Sprintf("runIds[%d]", i), id, KindRun); err != nil {
			return nil, err
		}
	}
	return read(ctx, s, func(tx *txn) ([]RunArtifact, error) {
		recs, err := tx.run(`
			UNWIND range(0, size($ids) - 1) AS i
			MATCH (:Run {id: $ids[i]})-[:HAS_ARTIFACT]->(a:Artifact)
			WITH i, a ORDER BY i, a.path
			RETURN $ids[i] AS run, a{.*} AS a`, map[string]any{"ids": runIDs})
		if err != nil {
			return nil, err
		}
		out := make([]RunArtifact, 0, len(recs))
		for _, rec := range recs {
			run, err := recStr(rec, "run")
			if err != nil {
				return nil, err
			}
			a, err := recDecode(rec, "a", decodeArtifact)
			if err != nil {
				return nil, err
			}
			out = append(out, RunArtifact{RunID: run, Artifact: a})
		}
		return out, nil
	})
}
