// A build plugin that gives every generated GraphQL document a module of
// its own, so a lazy view's operations load with that view.
//
// The client preset's babel optimizer turns each graphql(`…`) call into
// `import { XDocument } from "…/gql/graphql"`. That file holds all 60-odd
// documents, and Rollup never splits a module across chunks: since the
// first page imports a few of them, every document any view uses would
// land in the first-load chunk. This plugin points each of those imports at
// a virtual module that exports only that document, read from the same
// generated file (src/gql stays the one artifact codegen writes).
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Plugin } from "vite";

const VIRTUAL = "virtual:gql-document/";
const DOCUMENT = /^export const (\w+Document) = (\{.*\}) as unknown as DocumentNode<.*>;$/gm;
const IMPORT = /import\s*\{([^}]*)\}\s*from\s*["']([^"']+)["'];?/g;

export function gqlDocumentModules(gqlDir: string): Plugin {
  const artifact = path.resolve(gqlDir, "graphql.ts");
  const artifactNoExt = artifact.slice(0, -".ts".length);
  let documents: Map<string, string> | null = null;
  const read = () => {
    documents ??= new Map([...readFileSync(artifact, "utf8").matchAll(DOCUMENT)].map((m) => [m[1]!, m[2]!]));
    return documents;
  };
  return {
    name: "exphub:gql-documents",
    apply: "build",
    transform(code, id) {
      const file = id.split("?")[0]!;
      if (!/\.[cm]?[jt]sx?$/.test(file) || file.startsWith(path.dirname(artifact) + path.sep)) return null;
      if (!code.includes("gql/graphql")) return null;
      let changed = false;
      const out = code.replace(IMPORT, (whole, names: string, source: string) => {
        if (!source.startsWith(".") || path.resolve(path.dirname(file), source).replace(/\.ts$/, "") !== artifactNoExt) return whole;
        const list = names.split(",").map((n) => n.trim()).filter(Boolean);
        // Only the documents are values; anything else is left as it was.
        if (list.length === 0 || !list.every((n) => /^\w+Document$/.test(n))) return whole;
        changed = true;
        return list.map((n) => `import { ${n} } from "${VIRTUAL}${n}";`).join("\n");
      });
      return changed ? { code: out, map: null } : null;
    },
    resolveId(source) {
      return source.startsWith(VIRTUAL) ? `\0${source}` : null;
    },
    load(id) {
      if (!id.startsWith(`\0${VIRTUAL}`)) return null;
      this.addWatchFile(artifact);
      const name = id.slice(`\0${VIRTUAL}`.length);
      const json = read().get(name);
      if (json === undefined) this.error(`${name} is not in ${artifact}: run npm run codegen`);
      return `export const ${name} = ${json};`;
    },
  };
}
