/**
 * The real full-screen UI (runTui) on a bus whose other end is the test, for
 * the transfer e2e tests (transfers.test.ts runs this file in a pty).
 *
 * The UI's contract with the transfer service is the bus and nothing else:
 * it emits transfer:send / accept / decline / cancel and draws
 * transfer:update. So this process gives the UI a bus and no transport or
 * transfer service; instead a line-delimited JSON socket to the test
 * (127.0.0.1, port in FERNCHAT_TEST_CONTROL_PORT) carries every request
 * the UI emits to the test, and every fact the test sends ({name, payload})
 * is emitted on the bus here. The test plays the transfer service.
 *
 * FERNCHAT_TEST_WIRE=raw gives the UI the raw wire mode.
 */
import net from 'node:net';
import { createInterface } from 'node:readline';
import { Bus, type BusEventName, type BusEvents } from '../../src/bus.js';
import { DEFAULT_UI } from '../../src/config/schema.js';
import { runTui } from '../../src/ui/app.js';

const port = Number(process.env.FERNCHAT_TEST_CONTROL_PORT);
const wire = process.env.FERNCHAT_TEST_WIRE === 'raw' ? 'raw' : 'reliable';
const bus = new Bus();
const sock = net.connect(port, '127.0.0.1');
await new Promise<void>((resolve, reject) => {
  sock.once('connect', resolve);
  sock.once('error', reject);
});
sock.on('error', () => process.exit(3));

const REQUESTS = ['transfer:send', 'transfer:accept', 'transfer:decline', 'transfer:cancel', 'send'] as const;
for (const name of REQUESTS) bus.on(name, (payload) => sock.write(`${JSON.stringify({ name, payload })}\n`));
createInterface({ input: sock }).on('line', (line) => {
  const { name, payload } = JSON.parse(line) as { name: BusEventName; payload: BusEvents[BusEventName] };
  bus.emit(name, payload);
});

const code = await runTui({
  bus,
  opts: { profileName: null, nick: 'bob', wire, ui: { ...DEFAULT_UI }, debug: false },
  listen: { host: '127.0.0.1', port: 7001 },
  fingerprint: 'AAAA-BBBB-CCCC-DDDD',
  peer: { host: '127.0.0.1', port: 7002 },
  shutdown: () => {
    sock.end();
    return Promise.resolve();
  },
  start: () => {
    bus.emit('peer:state', { state: 'online' });
    sock.write(`${JSON.stringify({ name: 'ready', payload: {} })}\n`);
  },
});
process.exit(code);
