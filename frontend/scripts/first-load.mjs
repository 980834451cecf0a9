// Prints the gzipped size of what the explorer's first page load fetches
// (the entry script, its modulepreloads and stylesheets, as index.html
// names them) and fails when it is over the budget in kB given as the
// first argument. Lazy chunks (lineage, charts, the layout worker) are not
// counted: they load when their view is first opened.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const dir = new URL("../static/app/", import.meta.url);
const html = readFileSync(new URL("index.html", dir), "utf8");
const refs = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*\bhref)="\/([^"]+)"/g)].map((m) => m[1]);
if (refs.length === 0) throw new Error("index.html references no asset: build first (npm run build)");
let total = 0;
for (const ref of refs) {
  const raw = readFileSync(new URL(ref, dir));
  const gz = gzipSync(raw, { level: 9 }).length;
  total += gz;
  console.log(`${ref.padEnd(40)} ${(raw.length / 1024).toFixed(1).padStart(7)} kB  gzip ${(gz / 1024).toFixed(1).padStart(6)} kB`);
}
console.log(`first load: ${(total / 1024).toFixed(1)} kB gzipped`);
const budget = Number(process.argv[2]);
if (budget && total / 1024 > budget) {
  console.error(`first-load JavaScript and CSS is over the budget of ${budget} kB gzipped`);
  process.exit(1);
}
