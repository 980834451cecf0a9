// Validation templates in the explorer: the parameter rows of the editor
// (kept in step with the placeholders the server finds in the text), what
// the rows send, and how a selector reads.

// A parameter row of the template editor: its declared default and a
// sample value that only the check uses; "" is none.
export interface ParamRow {
  name: string;
  default: string;
  sample: string;
}

// rowsFor are the editor's parameter rows: one for each placeholder the
// server found in the text, in the text's order, with what was typed for
// it. What was typed stays in values when a placeholder leaves the text,
// and comes back with it.
export function rowsFor(placeholders: readonly string[], values: Readonly<Record<string, { default: string; sample: string }>>): ParamRow[] {
  return placeholders.map((name) => ({ name, default: values[name]?.default ?? "", sample: values[name]?.sample ?? "" }));
}

// sameNames reports whether two lists of names are equal.
export function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

// paramInputs are the rows as the API declares parameters: an empty
// default is none (every suite must then give a value).
export function paramInputs(rows: readonly ParamRow[]): { name: string; default: string | null }[] {
  return rows.map((r) => ({ name: r.name, default: r.default === "" ? null : r.default }));
}

// sampleInputs are the sample values the check uses.
export function sampleInputs(rows: readonly ParamRow[]): { name: string; value: string }[] {
  return rows.filter((r) => r.sample !== "").map((r) => ({ name: r.name, value: r.sample }));
}

// valuesOf are a saved template's parameters as the editor keeps them.
export function valuesOf(params: readonly { name: string; default?: string | null }[]): Record<string, { default: string; sample: string }> {
  return Object.fromEntries(params.map((p) => [p.name, { default: p.default ?? "", sample: "" }]));
}

export interface SelectorForm {
  namespace: string;
  name: string;
  featureView: string;
  tags: string;
}

// parseTags reads the editor's tags field: key or key=value, separated by
// commas, blanks dropped.
export function parseTags(text: string): string[] {
  return text.split(",").map((t) => t.trim()).filter((t) => t !== "");
}

// selectorInput is the form as the API takes a selector: an empty
// pattern matches anything.
export function selectorInput(f: SelectorForm): { namespace: string | null; name: string | null; featureView: string | null; tags: string[] } {
  const or = (s: string) => (s.trim() === "" ? null : s.trim());
  return { namespace: or(f.namespace), name: or(f.name), featureView: or(f.featureView), tags: parseTags(f.tags) };
}

// selectorForm is a saved selector in the editor's fields.
export function selectorForm(s: { namespace?: string | null; name?: string | null; featureView?: string | null; tags: readonly string[] }): SelectorForm {
  return { namespace: s.namespace ?? "", name: s.name ?? "", featureView: s.featureView ?? "", tags: s.tags.join(", ") };
}

// describeSelector says in words which datasets a selector is for.
export function describeSelector(s: { namespace?: string | null; name?: string | null; featureView?: string | null; tags: readonly string[] }): string {
  const parts: string[] = [];
  if (s.namespace) parts.push(`namespace ${s.namespace}`);
  if (s.name) parts.push(`name ${s.name}`);
  if (s.featureView) parts.push(`sources of feature views ${s.featureView}`);
  if (s.tags.length > 0) parts.push(`tagged ${s.tags.join(", ")}`);
  return parts.length === 0 ? "every dataset of the project" : parts.join("; ");
}

// followers counts a template's suites and how many follow its latest
// version.
export function followers(suites: readonly { template?: { upToDate: boolean } | null }[]): { total: number; upToDate: number } {
  return { total: suites.length, upToDate: suites.filter((s) => s.template?.upToDate).length };
}
