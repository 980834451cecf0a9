package mlflow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"
	"unicode"

	"github.com/exphub/exphub/internal/access"
	"github.com/exphub/exphub/internal/auth"
	"github.com/exphub/exphub/internal/errs"
	"github.com/exphub/exphub/internal/store"
	"github.com/exphub/exphub/internal/store/blobs"
)

// Artifacts through MLflow's artifact proxy (mlflow-artifacts): the hub's
// experiments have the artifact location mlflow-artifacts:/<experiment id>,
// a run's files live under <experiment id>/<run id>/artifacts/ and a logged
// model's under <experiment id>/models/<model id>/artifacts/, so the client
// uploads, lists and downloads through the hub. The bytes go to a
// content-addressed blob store (sha256); the graph records each file's
// path, size and digest per run or logged model, and listing reads the
// graph. Paths are keys in the graph, never file names on a disk, but a
// path that tries to climb out of its run is refused anyway, by name.

// DefaultMaxArtifactBytes is the largest artifact file accepted when the
// configuration sets none.
const DefaultMaxArtifactBytes = 1 << 30

// Blobs is the content-addressed storage artifacts' bytes live in;
// blobs.Local provides it.
type Blobs interface {
	Put(ctx context.Context, r io.Reader, max int64) (blobs.Blob, error)
	Open(ctx context.Context, digest string) (io.ReadCloser, int64, error)
}

// ArtifactsConfig says where artifacts are kept: Blobs (nil: the server
// serves no artifacts, and says so) and the largest file accepted
// (0: DefaultMaxArtifactBytes).
type ArtifactsConfig struct {
	Blobs        Blobs
	MaxFileBytes int64
}

// ArtifactStore is what artifacts and logged models read and write;
// *store.Store provides it.
type ArtifactStore interface {
	RecordArtifact(ctx context.Context, actor string, owner store.ArtifactOwner, path, sha256 string, size int64) (*store.Artifact, error)
	CheckArtifactUpload(ctx context.Context, owner store.ArtifactOwner, path string) (store.ArtifactUploadCheck, error)
	Artifact(ctx context.Context, owner store.ArtifactOwner, path string) (*store.Artifact, error)
	ListArtifacts(ctx context.Context, owner store.ArtifactOwner, dir string) ([]store.ArtifactEntry, error)
	CreateLoggedModel(ctx context.Context, actor string, in store.CreateLoggedModelInput) (*store.LoggedModel, error)
	LoggedModelsByIDs(ctx context.Context, ids []string) (map[string]*store.LoggedModel, error)
	FinalizeLoggedModel(ctx context.Context, actor, id string, status store.LoggedModelStatus) (*store.LoggedModel, error)
	SetLoggedModelTags(ctx context.Context, id string, tags []store.KeyValue) (*store.LoggedModel, error)
	DeleteLoggedModelTag(ctx context.Context, id, key string) (*store.LoggedModel, error)
	AddLoggedModelParams(ctx context.Context, id string, params []store.KeyValue) (*store.LoggedModel, error)
	LoggedModelsOfExperiments(ctx context.Context, experimentIDs []string, f store.LoggedModelFilter, after string, limit int) ([]*store.LoggedModel, error)
	LogRunOutputs(ctx context.Context, actor, runID string, outputs []store.ModelOutput) error
}

// Artifacts carries out the artifact and logged model operations of the
// MLflow API for a caller. It is safe for concurrent use.
type Artifacts struct {
	svc   *Service
	store ArtifactStore
	blobs Blobs
	max   int64
}

// NewArtifacts returns the artifact operations over svc's experiments and
// runs, st and cfg's blob store.
func NewArtifacts(svc *Service, st ArtifactStore, cfg ArtifactsConfig) *Artifacts {
	max := cfg.MaxFileBytes
	if max <= 0 {
		max = DefaultMaxArtifactBytes
	}
	return &Artifacts{svc: svc, store: st, blobs: cfg.Blobs, max: max}
}

// MaxFileBytes is the largest artifact file accepted.
func (a *Artifacts) MaxFileBytes() int64 { return a.max }

// The layout of artifact paths under an experiment's location.
const (
	artifactsDir = "artifacts"
	modelsDir    = "models"
)

// RunArtifactURI is a run's artifact_uri: where the client logs its files.
func RunArtifactURI(r *store.Run) string {
	return "mlflow-artifacts:/" + r.ExperimentID + "/" + RunID(r.ID) + "/" + artifactsDir
}

// LoggedModelArtifactURI is a logged model's artifact_uri.
func LoggedModelArtifactURI(m *store.LoggedModel) string {
	return "mlflow-artifacts:/" + m.ExperimentID + "/" + modelsDir + "/" + m.ID + "/" + artifactsDir
}

// ArtifactRef is what an artifact path names: the files of a run (RunID,
// MLflow's form) or of a logged model (ModelID) of an experiment, and a
// path inside them ("" for their root).
type ArtifactRef struct {
	ExperimentID string
	RunID        string
	ModelID      string
	Path         string
}

// CheckArtifactPath refuses a path that is not a plain relative path of
// names: absolute, with a backslash, a control character, an empty, "."
// or ".." segment, or a segment whose percent-decoding is one of those
// or holds a slash (an encoded traversal). The error names the problem
// and quotes a short prefix of the path.
func CheckArtifactPath(field, p string) error {
	bad := func(why string) error {
		return errs.Invalidf("%s: %s %s", field, errs.Quote(p), why)
	}
	switch {
	case len(p) > store.MaxArtifactPathLen:
		return errs.Invalidf("%s: at most %d bytes, got %d", field, store.MaxArtifactPathLen, len(p))
	case strings.HasPrefix(p, "/"):
		return bad("is an absolute path; artifact paths are relative")
	case strings.Contains(p, `\`):
		return bad("contains a backslash")
	case strings.IndexFunc(p, unicode.IsControl) >= 0:
		return bad("contains a control character")
	}
	for _, seg := range strings.Split(p, "/") {
		dec, err := url.PathUnescape(seg)
		if err != nil {
			dec = seg
		}
		switch {
		case seg == "":
			return bad("has an empty segment")
		case seg == "..", dec == "..":
			return bad("has a '..' segment (path traversal)")
		case seg == ".", dec == ".":
			return bad("has a '.' segment")
		case dec != seg && strings.ContainsAny(dec, `/\`):
			return bad("has an encoded slash in a segment")
		}
	}
	if len(p) >= 2 && p[1] == ':' && unicode.IsLetter(rune(p[0])) {
		return bad("starts with a drive letter")
	}
	return nil
}

// ParseArtifactPath reads a path under the artifact root:
// <experiment>/<run>/artifacts[/<path>] or
// <experiment>/models/<model>/artifacts[/<path>]. file says the path must
// name a file (an upload or download), not a run's or model's root.
func ParseArtifactPath(p string, file bool) (ArtifactRef, error) {
	if err := CheckArtifactPath("path", p); err != nil {
		return ArtifactRef{}, err
	}
	segs := strings.Split(p, "/")
	layout := errs.Invalidf("path: %s is not <experiment id>/<run id>/artifacts/<path> or <experiment id>/models/<model id>/artifacts/<path>", errs.Quote(p))
	var ref ArtifactRef
	var rest []string
	switch {
	case len(segs) >= 4 && segs[1] == modelsDir && segs[3] == artifactsDir:
		ref, rest = ArtifactRef{ExperimentID: segs[0], ModelID: segs[2]}, segs[4:]
	case len(segs) >= 3 && segs[2] == artifactsDir:
		ref, rest = ArtifactRef{ExperimentID: segs[0], RunID: segs[1]}, segs[3:]
	default:
		return ArtifactRef{}, layout
	}
	ref.Path = strings.Join(rest, "/")
	if file && ref.Path == "" {
		return ArtifactRef{}, errs.Invalidf("path: %s names no file", errs.Quote(p))
	}
	return ref, nil
}

// owner loads what ref names and checks the caller holds min in its
// project; one of a project the caller may not read, or of another
// experiment than ref names, is not found.
func (a *Artifacts) owner(ctx context.Context, p *auth.Principal, ref ArtifactRef, min auth.Role) (store.ArtifactOwner, error) {
	if ref.RunID != "" {
		r, err := a.svc.run(ctx, p, ref.RunID, auth.RoleViewer)
		if err != nil {
			return store.ArtifactOwner{}, err
		}
		if r.ExperimentID != ref.ExperimentID {
			return store.ArtifactOwner{}, fmt.Errorf("run with id=%s not found in experiment %s: %w", errs.Quote(ref.RunID), errs.Quote(ref.ExperimentID), errs.NotFound)
		}
		if err := access.Require(p, r.ProjectKey, min); err != nil {
			return store.ArtifactOwner{}, err
		}
		return store.ArtifactOwner{Kind: store.ArtifactOfRun, ID: r.ID}, nil
	}
	m, err := a.loggedModel(ctx, p, ref.ModelID, min)
	if err != nil {
		return store.ArtifactOwner{}, err
	}
	if m.ExperimentID != ref.ExperimentID {
		return store.ArtifactOwner{}, fmt.Errorf("logged model %s not found in experiment %s: %w", errs.Quote(ref.ModelID), errs.Quote(ref.ExperimentID), errs.NotFound)
	}
	return store.ArtifactOwner{Kind: store.ArtifactOfLoggedModel, ID: m.ID}, nil
}

func (a *Artifacts) storage() error {
	if a.blobs == nil {
		// MLflow's server answers 503 when it serves no artifacts; the
		// message says why (Detailed: shown, not replaced by the generic
		// "unavailable").
		return errs.WithDetails(errs.Unavailablef("this server keeps no artifacts: EXPHUB_ARTIFACT_ROOT is not set"), nil)
	}
	return nil
}

// Upload stores the file at path p (ParseArtifactPath) of a run or logged
// model the caller contributes to, streaming body into the blob store, and
// records its path, size and digest. declared is the request's length (-1
// when unknown): one over the limit is refused before anything is read.
// Everything that can refuse the upload is asked before its bytes are
// stored (path, owner and access, the owner's status, a file/directory
// clash, a file whose bytes may no longer change: store.RecordArtifact's
// rule), and a refused upload stores nothing and records nothing. A file
// whose bytes may no longer change is only hashed, never stored: the same
// bytes are a retry and answer the file as it is, other bytes are refused.
// The store decides again when it records the file, under the owner's
// lock, and has the final word; an upload it then refuses (the owner ended
// in between) leaves its blob unreferenced in the blob store.
func (a *Artifacts) Upload(ctx context.Context, p *auth.Principal, path string, body io.Reader, declared int64) (*store.Artifact, error) {
	ref, err := ParseArtifactPath(path, true)
	if err != nil {
		return nil, err
	}
	if err := a.storage(); err != nil {
		return nil, err
	}
	owner, err := a.owner(ctx, p, ref, auth.RoleContributor)
	if err != nil {
		return nil, err
	}
	if declared > a.max {
		return nil, a.tooLarge(ref.Path, fmt.Sprintf("has %d bytes", declared))
	}
	chk, err := a.store.CheckArtifactUpload(ctx, owner, ref.Path)
	if err != nil {
		return nil, err
	}
	if chk.Fixed != nil {
		digest, size, err := hashBody(ctx, body, a.max)
		if errors.Is(err, errs.TooLarge) {
			return nil, a.tooLarge(ref.Path, "is over the limit")
		}
		if err != nil {
			return nil, err
		}
		if err := chk.Content(digest, size); err != nil {
			return nil, err
		}
		return a.store.RecordArtifact(ctx, p.Subject, owner, ref.Path, digest, size)
	}
	b, err := a.blobs.Put(ctx, body, a.max)
	if errors.Is(err, errs.TooLarge) {
		return nil, a.tooLarge(ref.Path, "is over the limit")
	}
	if err != nil {
		return nil, err
	}
	return a.store.RecordArtifact(ctx, p.Subject, owner, ref.Path, b.Digest, b.Size)
}

func (a *Artifacts) tooLarge(path, what string) error {
	return fmt.Errorf("%w: %s %s; an artifact file may have at most %d bytes", errs.TooLarge, errs.Quote(path), what, a.max)
}

// hashBody reads body whole, at most max bytes, and returns its sha256
// (hex) and size without keeping the bytes; more than max is
// errs.TooLarge.
func hashBody(ctx context.Context, body io.Reader, max int64) (string, int64, error) {
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(ctxReader{ctx, body}, max+1))
	if err != nil {
		return "", 0, fmt.Errorf("read the upload: %w", err)
	}
	if n > max {
		return "", 0, errs.TooLarge
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// ctxReader stops reading once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Download is an artifact file to send: its content (the caller closes
// it), size and digest, and the path it was logged at.
type Download struct {
	Content io.ReadCloser
	Size    int64
	SHA256  string
	Path    string
}

// Download opens the file at path p of a run or logged model the caller
// may read.
func (a *Artifacts) Download(ctx context.Context, p *auth.Principal, path string) (*Download, error) {
	ref, err := ParseArtifactPath(path, true)
	if err != nil {
		return nil, err
	}
	if err := a.storage(); err != nil {
		return nil, err
	}
	owner, err := a.owner(ctx, p, ref, auth.RoleViewer)
	if err != nil {
		return nil, err
	}
	art, err := a.store.Artifact(ctx, owner, ref.Path)
	if err != nil {
		return nil, err
	}
	rc, size, err := a.blobs.Open(ctx, art.SHA256)
	if errors.Is(err, errs.NotFound) {
		return nil, errs.Hide(errs.Unavailable, "the artifact's content is missing from storage", err)
	}
	if err != nil {
		return nil, err
	}
	return &Download{Content: rc, Size: size, SHA256: art.SHA256, Path: ref.Path}, nil
}

// List lists the entries directly inside directory p (a run's or logged
// model's root or a directory under it) of a run or logged model the
// caller may read.
func (a *Artifacts) List(ctx context.Context, p *auth.Principal, dir string) ([]store.ArtifactEntry, error) {
	ref, err := ParseArtifactPath(strings.TrimSuffix(dir, "/"), false)
	if err != nil {
		return nil, err
	}
	owner, err := a.owner(ctx, p, ref, auth.RoleViewer)
	if err != nil {
		return nil, err
	}
	return a.store.ListArtifacts(ctx, owner, ref.Path)
}

// contentTypes maps the extensions artifacts commonly have to the type
// they are served with; anything else is application/octet-stream.
var contentTypes = map[string]string{
	".txt": "text/plain; charset=utf-8", ".log": "text/plain; charset=utf-8", ".md": "text/plain; charset=utf-8",
	".yaml": "text/plain; charset=utf-8", ".yml": "text/plain; charset=utf-8", ".py": "text/plain; charset=utf-8",
	".json": "application/json", ".csv": "text/csv; charset=utf-8",
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
	".pdf": "application/pdf", ".parquet": "application/vnd.apache.parquet",
	".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8", ".svg": "image/svg+xml",
	".xml": "application/xml", ".js": "text/javascript",
}

// inlineTypes are the types a browser shows without running anything in
// them: every other type is sent as an attachment, so an uploaded HTML or
// SVG file never renders (and scripts) on the hub's origin.
var inlineTypes = map[string]bool{
	"text/plain; charset=utf-8": true, "application/json": true, "text/csv; charset=utf-8": true,
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true,
}

// ArtifactContentType says how an artifact at path is served: its
// Content-Type (from the extension) and whether it may be shown inline.
func ArtifactContentType(p string) (contentType string, inline bool) {
	ct, ok := contentTypes[strings.ToLower(path.Ext(p))]
	if !ok {
		return "application/octet-stream", false
	}
	return ct, inlineTypes[ct]
}
