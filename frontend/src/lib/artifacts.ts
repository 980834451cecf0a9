// A run's artifacts: which files the explorer previews and how, the
// directory path in the URL, and the sizes shown. Pure functions; the
// fetching is in components/Artifacts.tsx.

// TEXT_PREVIEW_BYTES is how much of a text file the preview shows.
export const TEXT_PREVIEW_BYTES = 64 * 1024;

// IMAGE_PREVIEW_BYTES is the largest image previewed; a larger one is
// downloaded instead, not pulled into the page.
export const IMAGE_PREVIEW_BYTES = 20 * 1024 * 1024;

// Extensions previewed as text: text/*, JSON, YAML, CSV and Markdown as
// the hub serves them (never HTML, SVG or script: they are shown as
// nothing but a download).
const textExtensions = new Set(["txt", "log", "md", "markdown", "json", "yaml", "yml", "csv", "tsv"]);

// Raster image types previewed, by extension; the object URL gets this type,
// whatever the response says, so nothing but these formats is rendered.
const imageTypes: Record<string, string> = {
  png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp",
};

function extension(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot <= 0 ? "" : name.slice(dot + 1).toLowerCase();
}

export type Preview = { kind: "text" } | { kind: "image"; type: string } | { kind: "none"; why: string };

// previewOf says how a file at path of size bytes is previewed.
export function previewOf(path: string, size: number | null | undefined): Preview {
  const ext = extension(path);
  if (textExtensions.has(ext)) return { kind: "text" };
  const type = imageTypes[ext];
  if (type) {
    if ((size ?? 0) > IMAGE_PREVIEW_BYTES) return { kind: "none", why: `images over ${formatBytes(IMAGE_PREVIEW_BYTES)} are not previewed` };
    return { kind: "image", type };
  }
  return { kind: "none", why: "no preview for this type of file" };
}

// textOf decodes the first bytes of a file as UTF-8 for the preview; cut
// says whether the file goes on (total bytes beyond the preview), and then
// a character split at the cut is dropped rather than shown broken.
export function textOf(bytes: Uint8Array, total: number): { text: string; cut: boolean } {
  const shown = bytes.subarray(0, TEXT_PREVIEW_BYTES);
  const cut = total > shown.length;
  let text = new TextDecoder("utf-8").decode(shown);
  if (cut) text = text.replace(/\uFFFD+$/, "");
  return { text, cut };
}

// formatBytes shows a size in B, KB, MB or GB (binary, one decimal).
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

// crumbs are the directories from the root to dir, each with its path.
export function crumbs(dir: string): { name: string; path: string }[] {
  const parts = dir.split("/").filter((p) => p !== "");
  return parts.map((name, i) => ({ name, path: parts.slice(0, i + 1).join("/") }));
}

// artifactDir reads the directory shown from the URL: the "artifacts"
// parameter without leading or trailing slashes; "" is the root.
export function artifactDir(params: URLSearchParams): string {
  return (params.get("artifacts") ?? "").replace(/^\/+|\/+$/g, "");
}
