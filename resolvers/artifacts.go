package resolvers

import (
	"context"
	"net/url"
	"strings"

	"github.com/exphub/exphub/graph/model"
	"github.com/exphub/exphub/internal/mlflow"
	"github.com/exphub/exphub/internal/store"
)

// mlflowArtifactsGET is where the MLflow artifact proxy serves a file:
// this, then the path the run's artifact_uri names after its scheme.
const mlflowArtifactsGET = "/api/2.0/mlflow-artifacts/artifacts/"

// runArtifacts lists a run's artifacts in directory path, exactly under
// the run's read rule: a run of a project the caller may not read has
// none to show (the run itself is not shown either; this is the second
// lock), and a viewer reads.
func (r *Resolver) runArtifacts(ctx context.Context, run *store.Run, path *string) ([]*model.RunArtifact, error) {
	out := []*model.RunArtifact{}
	if !canRead(ctx, run.ProjectKey) {
		return out, nil
	}
	dir := ""
	if path != nil {
		dir = strings.TrimSuffix(*path, "/")
	}
	if dir != "" {
		if err := mlflow.CheckArtifactPath("path", dir); err != nil {
			return nil, err
		}
	}
	entries, err := r.Store.ListArtifactDir(ctx, store.ArtifactOwner{Kind: store.ArtifactOfRun, ID: run.ID}, dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		a := &model.RunArtifact{Name: e.Name, Path: e.Name, IsDir: e.IsDir}
		if dir != "" {
			a.Path = dir + "/" + e.Name
		}
		if !e.IsDir {
			size, sum := int(e.Size), e.SHA256
			a.Size, a.Sha256 = &size, &sum
			if u := artifactDownloadURL(run, a.Path); u != "" {
				a.DownloadURL = &u
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// artifactDownloadURL is the proxy's GET of the file at path of run, each
// segment escaped; "" for a run without an experiment (a pipeline run),
// which the proxy does not serve.
func artifactDownloadURL(run *store.Run, path string) string {
	if run.ExperimentID == "" {
		return ""
	}
	root := strings.TrimPrefix(mlflow.RunArtifactURI(run), "mlflow-artifacts:/")
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return mlflowArtifactsGET + root + "/" + strings.Join(segs, "/")
}
