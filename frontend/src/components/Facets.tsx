import { prettyJSON } from "../lib/pipeline";

// Facets lists OpenLineage facets by name, each folded: a facet can be
// large (a schema, a SQL query), so only the names show until opened.
export function Facets({ facets, title = "Facets" }: { facets: { name: string; json: string }[]; title?: string }) {
  if (facets.length === 0) return null;
  return (
    <div className="facets" data-testid="facets">
      <h4>{title} <small className="muted">{facets.length}</small></h4>
      {facets.map((f) => (
        <details key={f.name} data-facet={f.name}>
          <summary><code>{f.name}</code></summary>
          <pre className="facet">{prettyJSON(f.json)}</pre>
        </details>
      ))}
    </div>
  );
}
