// Fails the build when the JavaScript a first visit downloads is over budget (gzipped).
// "First visit" = the entry chunk and every chunk index.html preloads; pages loaded on demand
// are reported but not counted.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_KB = 150;
const dist = new URL("../dist/", import.meta.url).pathname;
const html = readFileSync(join(dist, "index.html"), "utf8");
const initial = new Set(
  [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((match) => match[1]),
);
const gzipKb = (file) => gzipSync(readFileSync(join(dist, file))).length / 1024;

let total = 0;
for (const file of initial) total += gzipKb(file);
const lazy = readdirSync(join(dist, "assets"))
  .filter((name) => name.endsWith(".js") && !initial.has(`assets/${name}`))
  .map((name) => gzipKb(`assets/${name}`));
const largestLazy = lazy.length ? Math.max(...lazy) : 0;

console.log(
  `Initial JavaScript: ${total.toFixed(1)} KB gzipped in ${initial.size} file(s) ` +
    `(budget ${BUDGET_KB} KB); ${lazy.length} on-demand chunks, the largest ${largestLazy.toFixed(1)} KB.`,
);
if (initial.size === 0) {
  console.error("No script found in dist/index.html: is the build broken?");
  process.exit(1);
}
if (total > BUDGET_KB) {
  console.error(`Over budget by ${(total - BUDGET_KB).toFixed(1)} KB: split a route or drop a dependency.`);
  process.exit(1);
}
