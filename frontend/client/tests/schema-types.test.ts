/**
 * src/schema.d.ts must be what openapi-typescript makes of openapi/openapi.json today, with the
 * package's own `openapi:check` options: a stale copy fails here, not in a user's browser.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { expect, test } from "vitest";

const CLIENT_DIR = fileURLToPath(new URL("..", import.meta.url));

/** The `openapi:check` script's arguments, minus the output file and --check (we compare here). */
function generatorArguments(): { args: string[]; output: string } {
  const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    scripts?: Record<string, string>;
  };
  const words = (manifest.scripts?.["openapi:check"] ?? "").split(/\s+/).filter(Boolean);
  expect(words[0], "package.json has an openapi:check script running openapi-typescript").toBe("openapi-typescript");
  const args: string[] = [];
  let output = "";
  for (let index = 1; index < words.length; index += 1) {
    const word = words[index] ?? "";
    if (word === "-o" || word === "--output") {
      output = words[index + 1] ?? "";
      index += 1;
    } else if (word !== "--check") {
      args.push(word);
    }
  }
  expect(output, "openapi:check names the output file").not.toBe("");
  return { args, output };
}

function generatorCli(): string {
  // npm workspaces hoist it to frontend/node_modules; a standalone install keeps it here.
  for (const place of ["../node_modules/", "../../node_modules/"]) {
    const cli = new URL(`${place}openapi-typescript/bin/cli.js`, import.meta.url);
    if (existsSync(cli)) return fileURLToPath(cli);
  }
  throw new Error("openapi-typescript is not installed: run npm install in frontend/");
}

function firstDifference(fresh: string, committed: string): string {
  const a = fresh.split("\n");
  const b = committed.split("\n");
  for (let line = 0; line < Math.max(a.length, b.length); line += 1) {
    if (a[line] !== b[line]) {
      return `line ${line + 1}:\n  generated: ${a[line] ?? "(end of file)"}\n  committed: ${b[line] ?? "(end of file)"}`;
    }
  }
  return "(no line differs)";
}

test("src/schema.d.ts is up to date with openapi/openapi.json", { timeout: 60_000 }, () => {
  const { args, output } = generatorArguments();
  const node = (globalThis as unknown as { process: { execPath: string } }).process.execPath;
  // Without -o the generator writes to stdout and nothing on disk changes.
  const run = spawnSync(node, [generatorCli(), ...args], { cwd: CLIENT_DIR, encoding: "utf8", timeout: 55_000 });
  expect(run.error).toBeUndefined();
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout.length).toBeGreaterThan(1000);

  const committed = readFileSync(new URL(`../${output}`, import.meta.url), "utf8");
  if (run.stdout !== committed) {
    expect.fail(
      `${output} is stale: run \`npm run openapi\` in frontend/ (after \`make openapi\` at the repo root if ` +
        `the API changed) and commit the result. First difference at ${firstDifference(run.stdout, committed)}`,
    );
  }
});
