// Which project a project-scoped view shows: the one in the URL, else the
// one last picked (if the caller may still read it), else the first.

const LAST_KEY = "exphub.project";

export function chooseProject(fromUrl: string | null, readable: string[], last: string | null): string | null {
  if (fromUrl) return fromUrl;
  if (last && readable.includes(last)) return last;
  return readable[0] ?? null;
}

export function lastProject(): string | null {
  return localStorage.getItem(LAST_KEY);
}

export function rememberProject(key: string): void {
  localStorage.setItem(LAST_KEY, key);
}

// The roles that may write a project's data (contributor and above).
const WRITERS = ["CONTRIBUTOR", "APPROVER", "ADMIN"];

// canWrite reports whether a caller with role may write a project's data.
export function canWrite(role: string | null | undefined): boolean {
  return WRITERS.includes(role ?? "");
}
