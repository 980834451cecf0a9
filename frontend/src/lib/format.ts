// Formatting shared by the views.

export function kindLabel(kind: string): string {
  return kind
    .toLowerCase()
    .split("_")
    .map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w))
    .join(" ");
}

// relativeTime says how long ago t was, from now.
export function relativeTime(t: string, now: Date = new Date()): string {
  const ms = now.getTime() - Date.parse(t);
  if (Number.isNaN(ms)) return "";
  const s = Math.round(ms / 1000);
  if (s < 5) return "just now";
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

// csv writes rows as RFC 4180 CSV: fields with commas, quotes or line
// breaks are quoted, quotes doubled.
export function csv(rows: (string | number | boolean | null | undefined)[][]): string {
  return rows
    .map((r) =>
      r
        .map((v) => {
          const s = v === null || v === undefined ? "" : String(v);
          return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
        })
        .join(","),
    )
    .join("\r\n");
}

// shortDigest shows the first 12 hex digits of a sha256, as git does for
// commits; the full digest goes in a title.
export function shortDigest(d: string): string {
  return d.length > 12 ? d.slice(0, 12) : d;
}
