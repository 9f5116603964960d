// `npm run bench`: every benchmark in bench/, one after another, each a fresh `tsx` process printing its
// own table (side by side with the baseline its issue names). Benchmarks that start lab clusters need
// root and a build (`npm run build`) — run.sh test does both. Pass names to run only some:
//   npm run bench -- analysis lint
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
/** Every bench/*.ts but this file; helpers shared by benchmarks live in bench/support/. */
const all = readdirSync(here)
  .filter((name) => name.endsWith(".ts") && name !== "run.ts")
  .map((name) => name.slice(0, -3))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`bench: no such benchmark: ${unknown.join(", ")} (there are: ${all.join(", ")})\n`);
  process.exit(2);
}
let failed = 0;
for (const name of wanted.length > 0 ? wanted : all) {
  process.stdout.write(`\n=== bench/${name}.ts ===\n`);
  const result = spawnSync(process.execPath, ["--import", "tsx", `${here}${name}.ts`], { stdio: "inherit" });
  if (result.status !== 0) {
    failed += 1;
    process.stdout.write(`bench/${name}.ts exited ${result.status ?? result.signal}\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
