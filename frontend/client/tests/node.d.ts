// The little of Node's API the stale-types test uses (the package has no @types/node, and does
// not need it otherwise). If @types/node is installed one day these overloads merge with its own.
declare module "node:child_process" {
  export function spawnSync(
    command: string,
    args: readonly string[],
    options: { cwd: string; encoding: "utf8"; timeout?: number },
  ): { status: number | null; stdout: string; stderr: string; error?: Error };
}

declare module "node:fs" {
  export function readFileSync(path: string | URL, encoding: "utf8"): string;
  export function existsSync(path: string | URL): boolean;
}

declare module "node:url" {
  export function fileURLToPath(url: string | URL): string;
}
