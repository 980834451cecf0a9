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
// event log keeps every digest it had) while its owner is open. The same
// content again is a no-op, so a retried upload changes nothing. Refused
// with errs.Invalid, naming the path and the reason, and writing nothing
// (decided under the owner's lock, by artifactState.decide):
//   - a path that is a directory of another file, or under one;
//   - any new file of a READY logged model;
//   - other content for a file of a run that has ended, of a READY logged
//     model, or of a run or logged model a model version refers to: what
//     was approved is never rewritten.
//
// A change appends RUN_LINEAGE_CHANGED (target: the run; for a logged
// model its source run, else its experiment) with the path, digest and
// size.
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
	var unchanged *Artifact
	a, err := write(ctx, s, func(tx *txn) (*Artifact, error) {
		st, err := loadArtifactState(tx, owner, path, true)
		if err != nil {
			return nil, err
		}
		v, err := st.decide(path, sha256, size)
		if err != nil {
			return nil, err
		}
		if v == artifactSame {
			unchanged = st.old
			return nil, errUnchanged
		}
		now := s.now().UTC()
		rec, err := tx.single(ownerMatch[owner.Kind]+`
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
		payload := map[string]any{"experimentId": st.experimentID, "artifact": path, "sha256": sha256, "size": size}
		if owner.Kind == ArtifactOfLoggedModel {
			payload["loggedModelId"] = owner.ID
		}
		return &a, s.appendEvents(tx, actor, eventDraft{EventRunLineageChanged, st.projectKey, st.target, payload})
	})
	return orUnchanged(a, unchanged, err)
}

// ArtifactUploadCheck is what an upload to a path may write, decided
// before its bytes are read (CheckArtifactUpload).
type ArtifactUploadCheck struct {
	// Fixed is the file the path holds when its bytes may no longer
	// change (its owner ended, is READY, or a model version refers to it):
	// only that content may be sent again, a retry that writes nothing,
	// so the upload need not be stored to be answered. nil when any
	// content may be written.
	Fixed *Artifact
	// path and why make Content's refusal RecordArtifact's.
	path, why string
}

// Content says whether content with digest sha256 and size may be
// recorded at the checked path: errs.Invalid, as RecordArtifact would
// answer, when the path's bytes are Fixed and these are other bytes.
func (c ArtifactUploadCheck) Content(sha256 string, size int64) error {
	if c.Fixed == nil || (c.Fixed.SHA256 == sha256 && c.Fixed.Size == size) {
		return nil
	}
	return changedArtifact(c.path, c.Fixed, c.why)
}

// CheckArtifactUpload answers, in a read transaction, what RecordArtifact
// decides without the content: the owner exists, path does not clash with
// a file or directory, the owner takes new files, and whether the path's
// bytes may still change. An upload asks it before storing any bytes, so
// what will be refused is refused before it is stored; RecordArtifact
// decides again under the owner's lock and has the final word.
func (s *Store) CheckArtifactUpload(ctx context.Context, owner ArtifactOwner, path string) (ArtifactUploadCheck, error) {
	if err := owner.check(); err != nil {
		return ArtifactUploadCheck{}, err
	}
	if err := checkText("path", path, MaxArtifactPathLen, true); err != nil {
		return ArtifactUploadCheck{}, err
	}
	return read(ctx, s, func(tx *txn) (ArtifactUploadCheck, error) {
		st, err := loadArtifactState(tx, owner, path, false)
		if err != nil {
			return ArtifactUploadCheck{}, err
		}
		v, err := st.decide(path, "", 0)
		if err != nil || v != artifactOnlySame {
			return ArtifactUploadCheck{}, err
		}
		return ArtifactUploadCheck{Fixed: st.old, path: path, why: st.sealed()}, nil
	})
}

// artifactState is what decides whether content may be written at a path
// of an artifact owner: the facts of the graph, read in the transaction
// that writes (under the owner's lock) or that checks an upload.
type artifactState struct {
	owner ArtifactOwner
	// status is the run's or logged model's.
	status string
	// referenced: a model version refers to the owner (its run PRODUCED
	// one, it is a version's model_id, or a version's source names it).
	// Read only when it matters: the path holds other content and the
	// status alone does not seal the owner.
	referenced bool
	// clash: the path is a directory of another file, or under one.
	clash bool
	// old is the file at the path, or nil.
	old                              *Artifact
	projectKey, experimentID, target string
}

// artifactVerdict is what artifactState.decide allows.
type artifactVerdict int

const (
	// artifactWrite: the content may be written.
	artifactWrite artifactVerdict = iota
	// artifactSame: the path holds this content already; a no-op.
	artifactSame
	// artifactOnlySame: the content is not known yet (an upload about to
	// be read) and only the content the path holds may be written again.
	artifactOnlySame
)

// sealed says why the owner's existing files no longer change, or "".
func (st artifactState) sealed() string {
	switch {
	case st.owner.Kind == ArtifactOfRun && RunStatus(st.status).Terminal():
		return fmt.Sprintf("run %s has ended (%s)", errs.Quote(st.owner.ID), st.status)
	case st.owner.Kind == ArtifactOfLoggedModel && LoggedModelStatus(st.status) == LoggedModelReady:
		return fmt.Sprintf("logged model %s is READY", errs.Quote(st.owner.ID))
	case st.referenced:
		return fmt.Sprintf("a model version refers to %s %s", map[ArtifactOwnerKind]string{ArtifactOfRun: "run", ArtifactOfLoggedModel: "logged model"}[st.owner.Kind], errs.Quote(st.owner.ID))
	}
	return ""
}

// decide is the rule of artifact writes: whether content with digest
// sha256 ("" when not known yet) and size may be written at path. A path
// holds a file or a directory, never both; a READY logged model takes no
// new files; the bytes of a file of an owner that is sealed (sealed())
// never change, though the same bytes again are a retry and a no-op. A
// run that has ended still takes new files, as MLflow lets a finished run
// log artifacts.
func (st artifactState) decide(path, sha256 string, size int64) (artifactVerdict, error) {
	if st.clash {
		return 0, invalid("path: %s is a directory of another artifact, or under a file", errs.Quote(path))
	}
	if st.old != nil && sha256 != "" && st.old.SHA256 == sha256 && st.old.Size == size {
		return artifactSame, nil
	}
	if st.old == nil && st.owner.Kind == ArtifactOfLoggedModel && LoggedModelStatus(st.status) == LoggedModelReady {
		return 0, invalid("path: %s is a new file, but logged model %s is READY and takes no new files", errs.Quote(path), errs.Quote(st.owner.ID))
	}
	if st.old == nil {
		return artifactWrite, nil
	}
	why := st.sealed()
	switch {
	case why == "":
		return artifactWrite, nil
	case sha256 == "":
		return artifactOnlySame, nil
	}
	return 0, changedArtifact(path, st.old, why)
}

// changedArtifact refuses other bytes for a file whose bytes may no longer
// change, for the reason why.
func changedArtifact(path string, old *Artifact, why string) error {
	return invalid("path: %s already holds other content (sha256 %s…) and its bytes never change: %s",
		errs.Quote(path), old.SHA256[:min(12, len(old.SHA256))], why)
}

// loadArtifactState reads the artifactState of path of owner, locking the
// owner when lock is set (a write); errs.NotFound when there is no owner.
func loadArtifactState(tx *txn, owner ArtifactOwner, path string, lock bool) (artifactState, error) {
	var ancestors []string
	for i := range len(path) {
		if path[i] == '/' {
			ancestors = append(ancestors, path[:i])
		}
	}
	lk := ""
	if lock {
		lk = lockClause("o")
	}
	rec, err := tx.single(ownerMatch[owner.Kind]+` `+lk+`
		WITH o
		OPTIONAL MATCH (o)-[:HAS_ARTIFACT]->(a:Artifact {path: $path})
		RETURN o.projectKey AS pk, o.experimentId AS experimentId, o.status AS status,
		       CASE WHEN o:Run THEN o.id ELSE coalesce(o.sourceRunId, o.experimentId) END AS target,
		       a{.*} AS old,
		       EXISTS { MATCH (o)-[:HAS_ARTIFACT]->(x:Artifact) WHERE x.path IN $ancestors OR x.path STARTS WITH $dir } AS clash`,
		map[string]any{"owner": owner.ID, "path": path, "ancestors": ancestors, "dir": path + "/"})
	if err != nil {
		return artifactState{}, err
	}
	if rec == nil {
		return artifactState{}, notFoundOwner(owner)
	}
	m := map[string]any{}
	for _, k := range []string{"pk", "experimentId", "status", "target", "clash"} {
		m[k], _ = rec.Get(k)
	}
	p := props{m: m}
	st := artifactState{owner: owner, projectKey: p.str("pk"), experimentID: p.str("experimentId"), status: p.str("status"),
		target: p.str("target"), clash: p.bool("clash")}
	if p.err != nil {
		return artifactState{}, p.err
	}
	if old, _ := rec.Get("old"); old != nil {
		om, _ := old.(map[string]any)
		a, err := decodeArtifact(om)
		if err != nil {
			return artifactState{}, err
		}
		st.old = &a
	}
	if st.old == nil || st.sealed() != "" {
		return st, nil
	}
	st.referenced, err = ownerReferenced(tx, st)
	return st, err
}

// ownerReferenced reports whether a model version of the owner's project
// refers to it: a run that PRODUCED a version, a logged model that is a
// version's model_id, or either named in a version's source URI (a run by
// its UUID's 32 hex digits, MLflow's run id, as runs:/<id>/… and
// mlflow-artifacts:/<experiment>/<id>/… write it; a logged model by its
// ID). A version of another project never seals the owner (it cannot be
// made to: internal/mlflow refuses such a source).
func ownerReferenced(tx *txn, st artifactState) (bool, error) {
	ref := st.owner.ID
	if st.owner.Kind == ArtifactOfRun {
		ref = strings.ReplaceAll(strings.TrimPrefix(ref, IDPrefix(KindRun)), "-", "")
	}
	rec, err := tx.single(ownerMatch[st.owner.Kind]+`
		RETURN EXISTS { MATCH (o)-[:PRODUCED]->(:ModelVersion) }
		    OR EXISTS { MATCH (:Model {projectKey: $pk})-[:HAS_VERSION]->(v:ModelVersion)
		                WHERE v.mlflowModelId = $owner OR toLower(v.uri) CONTAINS $ref } AS referenced`,
		map[string]any{"owner": st.owner.ID, "pk": st.projectKey, "ref": ref})
	if err != nil {
		return false, err
	}
	if rec == nil {
		return false, notFoundOwner(st.owner)
	}
	return recBool(rec, "referenced")
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
