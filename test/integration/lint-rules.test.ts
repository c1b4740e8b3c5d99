/**
 * The house rules are enforced, not remembered: each planted violation makes
 * `npm run lint` fail, and a clean tree passes (so the test can fail).
 *
 * A tiny tree in a temp folder gets the repository's own lint configuration
 * (eslint.config.js, .dependency-cruiser.cjs, the tsconfigs, package.json
 * and node_modules by symlink), and the commands of package.json's `lint`
 * script run there, as npm would: every step on the clean tree; then once
 * on one tree holding every planted violation, each in files of its own,
 * and every violation must be named (by its rule and the exact import) in
 * that run's output. One run per step instead of one per plant: each lint
 * step is a process that spends most of its time starting.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LINT_SCRIPT = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['lint'] ?? '';
/** The lint script's commands, e.g. ["eslint .", "depcruise src test bench --config …", "prettier --check ."]. */
const STEPS = LINT_SCRIPT.split('&&').map((s) => s.trim());

/** A clean little tree in every layer the rules name. */
const CLEAN: Record<string, string> = {
  'src/constants.ts': 'export const LIMIT = 1;\n',
  'src/bus.ts': 'export interface Bus {\n  emit(name: string): void;\n}\n',
  'src/crypto/c.ts': 'export const c = 1;\n',
  'src/net/n.ts': "import { c } from '../crypto/c.js';\nimport { LIMIT } from '../constants.js';\n\nexport const n = c + LIMIT;\n",
  'src/ui/u.ts': "import type { Bus } from '../bus.js';\n\nexport const u = (bus: Bus): void => bus.emit('x');\n",
  'src/config/k.ts': 'export const k = 1;\n',
  'src/history/h.ts': "import { LIMIT } from '../constants.js';\n\nexport const h = LIMIT;\n",
  'test/t.test.ts': "import { n } from '../src/net/n.js';\n\nexport const t = n;\n",
  'bench/b.ts': "import { n } from '../src/net/n.js';\n\nexport const b = n;\n",
};

interface Plant {
  name: string;
  files: Record<string, string>;
  /** The lint step that must catch it (a prefix of the command) and what it must print. */
  step: 'eslint' | 'depcruise';
  expect: RegExp;
}

const PLANTS: Plant[] = [
  {
    name: 'src/net imports src/ui',
    files: { 'src/net/n-ui.ts': "import { u } from '../ui/u.js';\n\nexport const n = u;\n" },
    step: 'depcruise',
    expect: /net-below-ui-config-app: src\/net\/n-ui\.ts → src\/ui\/u\.ts/,
  },
  {
    name: "src/net imports 'blessed'",
    files: { 'src/net/n-blessed.ts': "import blessed from 'blessed';\n\nexport const n = blessed;\n" },
    step: 'depcruise',
    expect: /net-below-ui-config-app: src\/net\/n-blessed\.ts → \S*node_modules\/blessed\//,
  },
  {
    name: 'a floating promise',
    files: { 'src/net/n-later.ts': 'async function later(): Promise<void> {}\n\nexport function n(): void {\n  later();\n}\n' },
    step: 'eslint',
    expect: /n-later\.ts\n.*no-floating-promises/,
  },
  {
    name: 'src/crypto imports the app',
    files: { 'src/crypto/c-app.ts': "import { LIMIT } from '../constants.js';\n\nexport const c = LIMIT;\n" },
    step: 'depcruise',
    expect: /crypto-is-a-leaf: src\/crypto\/c-app\.ts → src\/constants\.ts/,
  },
  {
    name: 'src/ui reaches the transport past the bus',
    files: { 'src/ui/u-net.ts': "import { n } from '../net/n.js';\n\nexport const u = n;\n" },
    step: 'depcruise',
    expect: /ui-only-through-the-bus: src\/ui\/u-net\.ts → src\/net\/n\.ts/,
  },
  {
    name: 'src/history imports src/ui',
    files: { 'src/history/h-ui.ts': "import { u } from '../ui/u.js';\n\nexport const h = u;\n" },
    step: 'depcruise',
    expect: /history-below-app: src\/history\/h-ui\.ts → src\/ui\/u\.ts/,
  },
  {
    name: 'src/transfer reaches the transport past the bus',
    files: { 'src/transfer/x.ts': "import { n } from '../net/n.js';\n\nexport const x = n;\n" },
    step: 'depcruise',
    expect: /transfer-below-app: src\/transfer\/x\.ts → src\/net\/n\.ts/,
  },
  {
    name: 'src/room imports the bus',
    files: { 'src/room/r.ts': "import type { Bus } from '../bus.js';\n\nexport const r = (b: Bus): void => b.emit('x');\n" },
    step: 'depcruise',
    expect: /room-is-pure: src\/room\/r\.ts → src\/bus\.ts/,
  },
  {
    name: 'src imports test/',
    files: { 'src/config/k-test.ts': "import { t } from '../../test/t.test.js';\n\nexport const k = t;\n" },
    step: 'depcruise',
    expect: /src-never-imports-tests: src\/config\/k-test\.ts → test\/t\.test\.ts/,
  },
  {
    name: 'test/ imports bench/',
    files: { 'test/t-bench.test.ts': "import { b } from '../bench/b.js';\n\nexport const t = b;\n" },
    step: 'depcruise',
    expect: /test-and-bench-apart: test\/t-bench\.test\.ts → bench\/b\.ts/,
  },
  {
    name: 'a cycle',
    files: {
      'src/net/cycle-n.ts': "import { m } from './cycle-m.js';\n\nexport const n = (): number => m();\n",
      'src/net/cycle-m.ts': "import { n } from './cycle-n.js';\n\nexport const m = (): number => n();\n",
    },
    step: 'depcruise',
    expect: /no-cycles: src\/net\/cycle-[nm]\.ts → /,
  },
];

function makeTree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fernchat-lint-'));
  for (const f of ['eslint.config.js', '.dependency-cruiser.cjs', 'tsconfig.json', 'package.json', '.prettierrc.json', '.prettierignore']) {
    copyFileSync(path.join(ROOT, f), path.join(dir, f));
  }
  mkdirSync(path.join(dir, 'test'));
  copyFileSync(path.join(ROOT, 'test', 'tsconfig.json'), path.join(dir, 'test', 'tsconfig.json'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const [rel, text] of Object.entries({ ...CLEAN, ...files })) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/** Runs `command` in `dir` as npm would (its node_modules/.bin first on PATH); without blocking, so the cases run side by side. */
function run(dir: string, command: string): Promise<{ code: number | null; out: string }> {
  const bin = path.join(dir, 'node_modules', '.bin');
  return new Promise((resolve, reject) => {
    const child = spawn(command, {
      cwd: dir,
      shell: true,
      env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env['PATH'] ?? ''}` },
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

test('the lint script runs eslint, dependency-cruiser and prettier', () => {
  assert.ok(
    STEPS.some((s) => s.startsWith('eslint ')),
    LINT_SCRIPT,
  );
  assert.ok(
    STEPS.some((s) => s.startsWith('depcruise ')),
    LINT_SCRIPT,
  );
  assert.ok(
    STEPS.some((s) => s.startsWith('prettier --check')),
    LINT_SCRIPT,
  );
});

/** Every plant's files, in one tree: no two plants write the same file. */
function plantedTree(): string {
  const files: Record<string, string> = {};
  for (const plant of PLANTS) {
    for (const [rel, text] of Object.entries(plant.files)) {
      assert.ok(!Object.hasOwn(files, rel) && !Object.hasOwn(CLEAN, rel), `${plant.name}: ${rel} is planted twice`);
      files[rel] = text;
    }
  }
  return makeTree(files);
}

/** The clean tree and the planted one run side by side (each lint step is a process, mostly startup). */
describe('planted violations', { concurrency: true }, () => {
  /** Each lint step that a plant names, run once on the planted tree (started by the first plant's test). */
  let planted: Promise<Map<string, { code: number | null; out: string }>> | undefined;
  const plantedRuns = (): Promise<Map<string, { code: number | null; out: string }>> =>
    (planted ??= (async () => {
      const dir = plantedTree();
      try {
        const steps = STEPS.filter((s) => PLANTS.some((p) => s.startsWith(`${p.step} `)));
        return new Map(await Promise.all(steps.map(async (s) => [s, await run(dir, s)] as const)));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    })());

  test('a clean tree passes every lint step', async () => {
    const dir = makeTree({});
    try {
      for (const step of STEPS) {
        const r = await run(dir, step);
        assert.equal(r.code, 0, `${step} failed on the clean tree:\n${r.out}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const plant of PLANTS) {
    test(`npm run lint fails on ${plant.name}`, async () => {
      const step = STEPS.find((s) => s.startsWith(`${plant.step} `));
      assert.ok(step !== undefined, `the lint script has no ${plant.step} step: ${LINT_SCRIPT}`);
      const r = (await plantedRuns()).get(step);
      assert.ok(r !== undefined);
      assert.notEqual(r.code, 0, `${step} passed with ${plant.name}:\n${r.out}`);
      assert.match(r.out, plant.expect);
    });
  }
});
