/**
 * Issue #5's interop bar: a Python script using only `socket` and
 * `cryptography.fernet` — the original app's wire — chats with
 * `fernchat chat --headless --wire raw`, both directions. Skipped, with the
 * reason printed, when python3 or its cryptography package is missing.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { CliSandbox, ensureBuilt } from '../_cli.js';
import { HeadlessProc, freeUdpPorts } from '../_headless-proc.js';

const WAIT_MS = 15_000;

/** The peer: answers every message with "echo: …", then says goodbye and leaves on "bye python". */
const PYTHON_PEER = `
import socket, sys
from cryptography.fernet import Fernet
key, my_port, peer_port = sys.argv[1].encode(), int(sys.argv[2]), int(sys.argv[3])
f = Fernet(key)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", my_port))
s.settimeout(20)
peer = ("127.0.0.1", peer_port)
print("ready", flush=True)
for _ in range(50):
    data, addr = s.recvfrom(65535)
    text = f.decrypt(data).decode()
    print("got: " + text, flush=True)
    s.sendto(f.encrypt(("echo: " + text).encode()), peer)
    if text == "bye python":
        s.sendto(f.encrypt("h\\u00e9llo from python \\u2713".encode()), peer)
        break
`;

function pythonProblem(): string | null {
  const r = spawnSync('python3', ['-c', 'import cryptography.fernet'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) return `python3 is not available (${r.error.message})`;
  if (r.status !== 0) return 'python3 has no cryptography package (pip install cryptography)';
  return null;
}

before(() => ensureBuilt());

test('a socket + cryptography.fernet Python script and fernchat --wire raw chat both ways', { timeout: 60_000 }, async (t) => {
  const why = pythonProblem();
  if (why !== null) {
    console.log(`skipped: ${why}`);
    t.skip(why);
    return;
  }
  const key = (await new CliSandbox().runFast(['keygen'])).stdout.trim();
  const [pyPort, fcPort] = await freeUdpPorts(2);
  const py = spawn('python3', ['-c', PYTHON_PEER, key, String(pyPort), String(fcPort)], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => py.kill('SIGKILL'));
  let pyOut = '';
  let pyErr = '';
  py.stdout.setEncoding('utf8').on('data', (c: string) => (pyOut += c));
  py.stderr.setEncoding('utf8').on('data', (c: string) => (pyErr += c));
  const pyExit = new Promise<number | null>((r) => py.once('exit', (code) => r(code)));
  const end = Date.now() + WAIT_MS;
  while (!pyOut.includes('ready') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.ok(pyOut.includes('ready'), `python did not start: ${pyErr}`);

  const fc = new HeadlessProc([
    'chat',
    '--headless',
    '--wire',
    'raw',
    '--host',
    '127.0.0.1',
    '--port',
    String(fcPort),
    '--peer',
    `127.0.0.1:${pyPort}`,
    `--key=${key}`,
    '--nick',
    'fern',
  ]);
  t.after(() => fc.kill());
  await fc.waitLine('err', /^listening on /, WAIT_MS);
  fc.write('hi python');
  fc.write('sch\u00f6ne gr\u00fc\u00dfe \u2713');
  await fc.waitLine('out', /echo: sch\u00f6ne gr\u00fc\u00dfe \u2713$/, WAIT_MS);
  fc.write('bye python');
  await fc.waitLine('out', /h\u00e9llo from python \u2713$/, WAIT_MS);
  fc.end();
  assert.equal(await fc.exitCode(WAIT_MS), 0, fc.err.join('\n'));
  assert.equal(await pyExit, 0, pyErr);

  assert.deepEqual(pyOut.trim().split('\n'), ['ready', 'got: hi python', 'got: sch\u00f6ne gr\u00fc\u00dfe \u2713', 'got: bye python']);
  const shown = fc.out.map((l) => l.replace(/^\d\d:\d\d:\d\d /, ''));
  // Raw text carries no nick: the sender's address stands in.
  const who = `<127.0.0.1:${pyPort}>`;
  assert.deepEqual(shown, [
    `${who} echo: hi python`,
    `${who} echo: sch\u00f6ne gr\u00fc\u00dfe \u2713`,
    `${who} echo: bye python`,
    `${who} h\u00e9llo from python \u2713`,
  ]);
  assert.ok(
    fc.err.some((l) => /raw wire: .*no delivery receipts/.test(l)),
    'the raw mode says it has no receipts',
  );
});
