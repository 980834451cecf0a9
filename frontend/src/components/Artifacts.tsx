import { useEffect, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { fetchWithToken } from "../api";
import { artifactDir, crumbs, formatBytes, previewOf, TEXT_PREVIEW_BYTES, textOf } from "../lib/artifacts";
import { shortDigest } from "../lib/format";
import { withParams } from "../lib/url";
import { saveBlob } from "./Download";
import { Loading, Problem } from "./States";

const RunArtifactsQuery = graphql(`
  query RunArtifacts($id: ID!, $path: String) {
    node(id: $id) {
      ... on Run {
        id
        artifacts(path: $path) { path name isDir size sha256 downloadUrl }
      }
    }
  }
`);

interface ArtifactFile {
  path: string;
  name: string;
  size?: number | null;
  sha256?: string | null;
  downloadUrl?: string | null;
}

// readPrefix reads the first n bytes of a response's body and stops the
// transfer there.
async function readPrefix(res: Response, n: number): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(await res.arrayBuffer()).subarray(0, n);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let got = 0;
  while (got < n) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    got += value.length;
  }
  await reader.cancel().catch(() => {});
  const out = new Uint8Array(Math.min(got, n));
  let at = 0;
  for (const c of chunks) {
    const part = c.subarray(0, out.length - at);
    out.set(part, at);
    at += part.length;
    if (at === out.length) break;
  }
  return out;
}

type PreviewState =
  | { status: "loading" }
  | { status: "text"; text: string; cut: boolean }
  | { status: "image"; url: string }
  | { status: "error"; message: string };

// ArtifactPreview shows the first 64 KB of a text file or a raster image,
// fetched with the user's token; the image is an object URL typed from the
// extension, so nothing but PNG, JPEG, GIF or WebP is ever rendered.
function ArtifactPreview({ file }: { file: ArtifactFile }) {
  const [state, setState] = useState<PreviewState>({ status: "loading" });
  const { path, size, downloadUrl } = file;
  useEffect(() => {
    const preview = previewOf(path, size);
    if (preview.kind === "none" || !downloadUrl) return;
    const ctl = new AbortController();
    let url: string | null = null;
    (async () => {
      try {
        const res = await fetchWithToken(downloadUrl, ctl.signal);
        if (preview.kind === "text") {
          const bytes = await readPrefix(res, TEXT_PREVIEW_BYTES);
          setState({ status: "text", ...textOf(bytes, size ?? bytes.length) });
        } else {
          url = URL.createObjectURL(new Blob([await res.arrayBuffer()], { type: preview.type }));
          setState({ status: "image", url });
        }
      } catch (e) {
        if (!ctl.signal.aborted) setState({ status: "error", message: e instanceof Error ? e.message : String(e) });
      }
    })();
    return () => {
      ctl.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [path, size, downloadUrl]);
  const preview = previewOf(path, size);
  return (
    <div className="artifact-preview" data-testid="artifact-preview" data-path={path} data-kind={preview.kind}>
      <h4>{path}</h4>
      {preview.kind === "none" ? <p className="muted">{preview.why}; download it to open it.</p>
        : state.status === "loading" ? <Loading what={file.name} />
        : state.status === "error" ? <p className="warn" role="alert">Could not load {file.name}: {state.message}</p>
        : state.status === "text" ? (
          <>
            <pre className="artifact-text" data-testid="artifact-text">{state.text}</pre>
            {state.cut && <p className="muted">The first {formatBytes(TEXT_PREVIEW_BYTES)} of {formatBytes(size ?? 0)}; download it for the rest.</p>}
          </>
        ) : <img className="artifact-image" data-testid="artifact-image" src={state.url} alt={file.name} />}
    </div>
  );
}

// DownloadArtifact fetches a file with the user's token and saves it.
function DownloadArtifact({ file }: { file: ArtifactFile }) {
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  if (!file.downloadUrl) return null;
  const url = file.downloadUrl;
  const run = async () => {
    setState({ busy: true, error: null });
    try {
      const res = await fetchWithToken(url);
      saveBlob(file.name, await res.blob());
      setState({ busy: false, error: null });
    } catch (e) {
      setState({ busy: false, error: e instanceof Error ? e.message : String(e) });
    }
  };
  return (
    <>
      <button className="link" onClick={run} disabled={state.busy} aria-label={`download ${file.path}`}>{state.busy ? "downloading…" : "download"}</button>
      {state.error && <span className="warn-inline" role="alert"> {state.error}</span>}
    </>
  );
}

// Artifacts lists a run's artifact files and directories, one directory at
// a time, and previews the file picked. The directory (?artifacts=) and
// the file (?artifact=) live in the URL, so a preview can be shared.
export function Artifacts({ runId }: { runId: string }) {
  const [params, setParams] = useSearchParams();
  const dir = artifactDir(params);
  const picked = params.get("artifact");
  const [{ data, error, fetching }] = useQuery({ query: RunArtifactsQuery, variables: { id: runId, path: dir || null } });
  const entries = data?.node?.__typename === "Run" ? data.node.artifacts : null;
  const go = (patch: Record<string, string | null>) => setParams(withParams(params, patch), { replace: true });
  const file = entries?.find((e) => !e.isDir && e.path === picked);
  return (
    <div className="card" data-testid="artifacts" data-dir={dir}>
      <h3>Artifacts</h3>
      <p className="crumbs" data-testid="artifact-crumbs">
        <button className="link" onClick={() => go({ artifacts: null, artifact: null })}>artifacts</button>
        {crumbs(dir).map((c) => <span key={c.path}> / <button className="link" onClick={() => go({ artifacts: c.path, artifact: null })}>{c.name}</button></span>)}
      </p>
      {fetching && !data && <Loading what="the artifacts" />}
      {error && <Problem error={error} />}
      {entries && entries.length === 0 && <p className="muted">{dir ? "Nothing in this directory." : "This run logged no artifacts."}</p>}
      {entries && entries.length > 0 && (
        <table className="artifacts">
          <thead><tr><th>Name</th><th>Size</th><th>SHA-256</th><th></th></tr></thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.path} data-artifact={e.path} data-dir={e.isDir} className={e.path === picked ? "picked" : undefined}>
                <td>
                  {e.isDir
                    ? <button className="link" onClick={() => go({ artifacts: e.path, artifact: null })}>{e.name}/</button>
                    : <button className="link" onClick={() => go({ artifact: e.path })}>{e.name}</button>}
                </td>
                <td>{e.isDir ? <span className="muted">directory</span> : formatBytes(e.size ?? 0)}</td>
                <td>{e.sha256 ? <code title={e.sha256}>{shortDigest(e.sha256)}</code> : <span className="muted">—</span>}</td>
                <td>{!e.isDir && <DownloadArtifact file={e} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {picked && entries && !file && <p className="muted">No file {picked} in this directory.</p>}
      {file && <ArtifactPreview key={file.path} file={file} />}
    </div>
  );
}
