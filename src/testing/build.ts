/**
 * The built CLI for tests and the bench that run it as a process: where it
 * is, and one rule for when to rebuild it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is src/testing/build.ts, or dist/testing/build.js). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The built `fernchat` command. */
export const CLI_PATH = path.join(REPO_ROOT, 'dist', 'cli.js');

/** Time limit for a build, in ms. */
const BUILD_TIMEOUT_MS = 180_000;

/** The newest modification time of a .ts file under `dir`, in ms since the epoch. */
function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(full));
    else if (entry.isFile() && entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Builds (tsc -p .) when dist/cli.js is missing or older than a source file
 * under src/: npm test builds first, this keeps a single-file run honest.
 * tsc emits even when it reports type errors (npm test type-checks on its
 * own), so only the output file is checked.
 */
export function ensureBuilt(): void {
  const built = fs.existsSync(CLI_PATH) ? fs.statSync(CLI_PATH).mtimeMs : 0;
  if (built > 0 && built >= newestSourceMtime(path.join(REPO_ROOT, 'src'))) return;
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', REPO_ROOT], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: BUILD_TIMEOUT_MS,
  });
  if (!fs.existsSync(CLI_PATH)) throw new Error(`build failed: ${CLI_PATH} was not produced (run npx tsc -p . to see why)\n${r.stdout}${r.stderr}`);
}
