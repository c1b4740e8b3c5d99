/**
 * The house rules are enforced, not remembered: each planted violation makes
 * `npm run lint` fail, and a clean tree passes (so the test can fail).
 *
 * Every case builds a tiny tree in a temp folder with the repository's own
 * lint configuration (eslint.config.js, .dependency-cruiser.cjs, the
 * tsconfigs, package.json and node_modules by symlink) and runs the commands
 * of package.json's `lint` script there, in order, as npm would.
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
    files: { 'src/net/n.ts': "import { u } from '../ui/u.js';\n\nexport const n = u;\n" },
    step: 'depcruise',
    expect: /net-below-ui-config-app: src\/net\/n\.ts → src\/ui\/u\.ts/,
  },
  {
    name: "src/net imports 'blessed'",
    files: { 'src/net/n.ts': "import blessed from 'blessed';\n\nexport const n = blessed;\n" },
    step: 'depcruise',
    expect: /net-below-ui-config-app: src\/net\/n\.ts → \S*node_modules\/blessed\//,
  },
  {
    name: 'a floating promise',
    files: { 'src/net/n.ts': 'async function later(): Promise<void> {}\n\nexport function n(): void {\n  later();\n}\n' },
    step: 'eslint',
    expect: /no-floating-promises/,
  },
  {
    name: 'src/crypto imports the app',
    files: { 'src/crypto/c.ts': "import { LIMIT } from '../constants.js';\n\nexport const c = LIMIT;\n" },
    step: 'depcruise',
    expect: /crypto-is-a-leaf: src\/crypto\/c\.ts → src\/constants\.ts/,
  },
  {
    name: 'src/ui reaches the transport past the bus',
    files: { 'src/ui/u.ts': "import { n } from '../net/n.js';\n\nexport const u = n;\n" },
    step: 'depcruise',
    expect: /ui-only-through-the-bus: src\/ui\/u\.ts → src\/net\/n\.ts/,
  },
  {
    name: 'src/history imports src/ui',
    files: { 'src/history/h.ts': "import { u } from '../ui/u.js';\n\nexport const h = u;\n" },
    step: 'depcruise',
    expect: /history-below-app: src\/history\/h\.ts → src\/ui\/u\.ts/,
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
    files: { 'src/config/k.ts': "import { t } from '../../test/t.test.js';\n\nexport const k = t;\n" },
    step: 'depcruise',
    expect: /src-never-imports-tests: src\/config\/k\.ts → test\/t\.test\.ts/,
  },
  {
    name: 'test/ imports bench/',
    files: { 'test/t.test.ts': "import { b } from '../bench/b.js';\n\nexport const t = b;\n" },
    step: 'depcruise',
    expect: /test-and-bench-apart: test\/t\.test\.ts → bench\/b\.ts/,
  },
  {
    name: 'a cycle',
    files: {
      'src/net/n.ts': "import { m } from './m.js';\n\nexport const n = (): number => m();\n",
      'src/net/m.ts': "import { n } from './n.js';\n\nexport const m = (): number => n();\n",
    },
    step: 'depcruise',
    expect: /no-cycles/,
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

/** Each case has a tree of its own: they run side by side (each lint step is a process, mostly startup). */
describe('planted violations', { concurrency: 4 }, () => {
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
      const dir = makeTree(plant.files);
      try {
        const r = await run(dir, step);
        assert.notEqual(r.code, 0, `${step} passed with ${plant.name}:\n${r.out}`);
        assert.match(r.out, plant.expect);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
