/**
 * Issue 11 against the real binaries: two `fernchat chat --headless`
 * processes with their own profiles (--config-dir, so a rotated key is
 * saved), a recording UDP forwarder between them (the thief's tap), a
 * rotation with /rotate, and a thief in this test process that holds only
 * the OLD key. It reads the session ids from the traffic it recorded before
 * the rotation and sends, to the victim's real port, a forged data frame
 * claiming the peer's session at packet number 2^48−1, then a hello from a
 * fresh session and a fresh port (the "peer restarted" roll-back).
 *
 * The victim must not switch peers, must not roll back (its saved profile
 * still holds the new key, nothing it sends is readable under the old one),
 * must not show the forged line, and the chat must still work both ways.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import { CliSandbox, ensureBuilt } from '../_cli.js';
import { HeadlessProc, freeUdpPorts } from '../_headless-proc.js';
import { Attacker, PACKET_TOP, Recording } from '../_attacker.js';
import { parseKey } from '../../src/crypto/keys.js';
import { systemClock } from '../../src/clock.js';
import type { Address } from '../../src/address/address.js';
import { sleep } from '../../src/testing/wait.js';

const WAIT_MS = 15_000;
const HOST = '127.0.0.1';

let buildProblem: string | null = null;
before(() => {
  try {
    ensureBuilt();
  } catch (err) {
    buildProblem = err instanceof Error ? err.message : String(err);
  }
});

/** A UDP forwarder between A and B that records every datagram passing (A talks to forA, B to forB). */
interface Tap {
  forA: Address;
  forB: Address;
  rec: Recording;
  close(): Promise<void>;
}

async function bindSocket(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, HOST, () => resolve());
  });
  return s;
}

async function startTap(a: Address, b: Address): Promise<Tap> {
  const sa = await bindSocket();
  const sb = await bindSocket();
  const rec = new Recording();
  const forA = { host: HOST, port: sa.address().port };
  const forB = { host: HOST, port: sb.address().port };
  sa.on('message', (m) => {
    rec.add(a, b, m);
    sb.send(m, b.port, b.host);
  });
  sb.on('message', (m) => {
    rec.add(b, a, m);
    sa.send(m, a.port, a.host);
  });
  return {
    forA,
    forB,
    rec,
    close: async () => {
      await Promise.all([new Promise<void>((r) => sa.close(() => r())), new Promise<void>((r) => sb.close(() => r()))]);
    },
  };
}

/** Whether any file under `dir` (a profile's config dir) contains `text`. */
function filesHold(dir: string, text: string): boolean {
  if (!fs.existsSync(dir)) return false;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && fs.readFileSync(path.join(e.parentPath, e.name), 'utf8').includes(text)) return true;
  }
  return false;
}

// v1: bob prints the forged line as alice's, moves his peer to the thief, announces "peer restarted",
// rotates back to the old key and saves it in his profile; his next line goes to the thief, readable.
test('real binaries: a thief with the old key and a recording cannot forge, roll back or steal the peer after /rotate', { timeout: 60_000 }, async (t) => {
  if (buildProblem !== null) return t.skip(`dist/cli.js is missing and could not be built: ${buildProblem}`);
  const box = new CliSandbox();
  const [pa, pb] = await freeUdpPorts(2);
  const A: Address = { host: HOST, port: pa };
  const B: Address = { host: HOST, port: pb };
  const tap = await startTap(A, B);
  t.after(() => tap.close());
  const dirA = box.configDir();
  const dirB = box.configDir();
  const addA = await box.runFast(['profile', 'add', 'alice', '--host', HOST, '--port', String(pa), '--peer', `${HOST}:${tap.forA.port}`, '--nick', 'alice'], {
    configDir: dirA,
  });
  assert.equal(addA.code, 0, addA.stderr);
  const keyText = (await box.runFast(['profile', 'show', 'alice', '--reveal'], { configDir: dirA })).stdout.match(/key\s+(\S+)/)?.[1];
  assert.ok(keyText, 'the generated key');
  const addB = await box.runFast(
    ['profile', 'add', 'bob', '--host', HOST, '--port', String(pb), '--peer', `${HOST}:${tap.forB.port}`, '--nick', 'bob', `--key=${keyText}`],
    {
      configDir: dirB,
    },
  );
  assert.equal(addB.code, 0, addB.stderr);
  const fp = async (dir: string, name: string): Promise<string> => (await box.runFast(['fingerprint', '--profile', name], { configDir: dir })).stdout.trim();
  const oldFp = await fp(dirA, 'alice');
  // The thief copied the config file before the rotation: it holds the old key, nothing else.
  const thief = new Attacker(parseKey(keyText), systemClock);

  const start = (args: string[]): HeadlessProc => {
    const p = new HeadlessProc(['chat', '--headless', ...args]);
    t.after(() => p.kill());
    return p;
  };
  const a = start(['--config-dir', dirA, '--profile', 'alice', '--linger', '5']);
  const b = start(['--config-dir', dirB, '--profile', 'bob', '--linger', '5']);
  await a.waitLine('err', /^peer online$/, WAIT_MS);
  await b.waitLine('err', /^peer online$/, WAIT_MS);
  a.write('hello bob');
  b.write('hello alice');
  await b.waitLine('out', /<alice> hello bob$/, WAIT_MS);
  await a.waitLine('out', /<bob> hello alice$/, WAIT_MS);

  const rotationAt = tap.rec.length;
  a.write('/rotate');
  const rotated = await a.waitLine('err', /^key rotated: /, WAIT_MS);
  await b.waitLine('err', /^key rotated: /, WAIT_MS);
  const newFp = rotated.split(' → ')[1] ?? '';
  assert.ok(newFp !== '' && newFp !== oldFp, rotated);
  assert.equal(await fp(dirB, 'bob'), newFp, "bob's profile holds the new key");

  // What the thief read before the rotation: alice's and bob's session ids, packet numbers, seqs.
  const ids = thief.learn(tap.rec.between(A, B, 0, rotationAt).map((d) => d.data));
  assert.ok(ids, 'the thief reads the traffic recorded before the rotation');
  const s1 = await bindSocket();
  const s2 = await bindSocket();
  const heard: Buffer[] = [];
  for (const s of [s1, s2]) s.on('message', (m) => heard.push(Buffer.from(m)));
  t.after(() => Promise.all([s1, s2].map((s) => new Promise<void>((r) => s.close(() => r())))));
  const attackAt = tap.rec.length;
  const oldKeySavedBefore = filesHold(dirB, keyText);
  const errBefore = b.err.length;
  // 1. forged data under the old key, as alice's session, at the top packet number, from a port of the thief's
  s1.send(
    thief.data({
      sender: ids.sender,
      receiver: ids.receiver,
      packet: PACKET_TOP,
      seq: ids.nextSeq,
      text: 'FORGED by the thief',
      nick: 'alice',
      ack: ids.ack,
    }),
    pb,
    HOST,
  );
  await sleep(300);
  // 2. a hello from a fresh session and a fresh port, "stamped later" as a restarted process would be
  thief.freshSession();
  s2.send(thief.hello({ nick: 'alice', ts: (Date.now() + 1_000) % 0x1_0000_0000 }), pb, HOST);
  await sleep(1_500);

  const newErr = b.err.slice(errBefore);
  assert.ok(!b.out.some((l) => l.includes('FORGED')), `bob showed no forged line:\n${b.out.join('\n')}`);
  assert.ok(!newErr.some((l) => /^peer moved to/.test(l)), `bob did not switch peers:\n${newErr.join('\n')}`);
  assert.ok(!newErr.some((l) => /^peer restarted/.test(l)), `no fake "peer restarted":\n${newErr.join('\n')}`);
  assert.ok(!newErr.some((l) => /^key rotated/.test(l)), `no key change after the attack:\n${newErr.join('\n')}`);
  assert.equal(await fp(dirB, 'bob'), newFp, "bob's saved profile still holds the new key (no roll-back)");
  if (!oldKeySavedBefore) assert.ok(!filesHold(dirB, keyText), "the attack did not write the old key into bob's profile (in any slot)");

  b.write('bob after the attack');
  a.write('alice after the attack');
  await a.waitLine('out', /<bob> bob after the attack$/, 8_000);
  await b.waitLine('out', /<alice> alice after the attack$/, 8_000);
  await sleep(300);
  const fromBob = tap.rec.between(B, A, attackAt).map((d) => d.data);
  assert.equal(thief.canRead([...fromBob, ...heard], 'bob after the attack'), false, "the thief cannot read bob's line");
  assert.equal(thief.readable([...fromBob, ...heard]), 0, 'nothing bob sent after the attack is under the old key');
  assert.equal(await fp(dirA, 'alice'), newFp);
  assert.equal(await fp(dirB, 'bob'), newFp);
  a.end();
  b.end();
  assert.equal(await a.exitCode(WAIT_MS), 0, a.err.join('\n'));
  assert.equal(await b.exitCode(WAIT_MS), 0, b.err.join('\n'));
});
