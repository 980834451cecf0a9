import { describe, expect, it } from "vitest";
import { artifactDir, crumbs, formatBytes, IMAGE_PREVIEW_BYTES, previewOf, TEXT_PREVIEW_BYTES, textOf } from "./artifacts";

describe("previewOf", () => {
  it("previews text, JSON, YAML, CSV and Markdown as text", () => {
    for (const p of ["notes.txt", "train.log", "README.md", "conf/params.json", "MLmodel.yaml", "c.YML", "data/rows.csv"]) {
      expect(previewOf(p, 10)).toEqual({ kind: "text" });
    }
  });
  it("previews raster images with a type from the extension", () => {
    expect(previewOf("plots/roc.png", 10)).toEqual({ kind: "image", type: "image/png" });
    expect(previewOf("a.JPG", 10)).toEqual({ kind: "image", type: "image/jpeg" });
    expect(previewOf("a.jpeg", 10)).toEqual({ kind: "image", type: "image/jpeg" });
    expect(previewOf("a.gif", 10)).toEqual({ kind: "image", type: "image/gif" });
    expect(previewOf("a.webp", 10)).toEqual({ kind: "image", type: "image/webp" });
  });
  it("never previews SVG, HTML, scripts or unknown files", () => {
    for (const p of ["logo.svg", "report.html", "page.htm", "x.js", "model.pkl", "MLmodel", ".png", "dir.png/file", "a.svg.png.exe"]) {
      expect(previewOf(p, 10).kind).toBe("none");
    }
  });
  it("downloads a large image rather than previewing it", () => {
    expect(previewOf("big.png", IMAGE_PREVIEW_BYTES + 1).kind).toBe("none");
    expect(previewOf("big.png", IMAGE_PREVIEW_BYTES).kind).toBe("image");
  });
});

describe("textOf", () => {
  it("shows a short file whole", () => {
    expect(textOf(new TextEncoder().encode("héllo\n"), 7)).toEqual({ text: "héllo\n", cut: false });
  });
  it("shows the first 64 KB of a long file and says it is cut", () => {
    const long = new Uint8Array(TEXT_PREVIEW_BYTES + 100).fill(97);
    const got = textOf(long, long.length);
    expect(got.cut).toBe(true);
    expect(got.text.length).toBe(TEXT_PREVIEW_BYTES);
  });
  it("drops a character split at the cut", () => {
    const bytes = new Uint8Array(TEXT_PREVIEW_BYTES + 1).fill(97);
    bytes.set(new TextEncoder().encode("é"), TEXT_PREVIEW_BYTES - 1); // 2 bytes across the cut
    const got = textOf(bytes, bytes.length);
    expect(got.text.endsWith("a")).toBe(true);
    expect(got.text).not.toContain("\uFFFD");
  });
});

describe("formatBytes", () => {
  it("uses binary units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(64 * 1024)).toBe("64 KB");
    expect(formatBytes(5 * 1024 * 1024 * 1024)).toBe("5.0 GB");
  });
});

describe("directories", () => {
  it("reads the directory from the URL", () => {
    expect(artifactDir(new URLSearchParams(""))).toBe("");
    expect(artifactDir(new URLSearchParams("artifacts=/notes/deep/"))).toBe("notes/deep");
  });
  it("breaks a directory into crumbs", () => {
    expect(crumbs("")).toEqual([]);
    expect(crumbs("notes/deep")).toEqual([{ name: "notes", path: "notes" }, { name: "deep", path: "notes/deep" }]);
  });
});
