/**
 * The architecture as rules (README, "Code map"). `npm run lint` runs this;
 * test/integration/lint-rules.test.ts plants a violation of each rule and
 * checks that it fails.
 *
 *   cli.ts → commands → app → ui, net, config, history, transfer → crypto, address, text
 *   room: pure (constants, text, address, crypto)
 *   bus.ts, clock.ts, constants.ts, errors.ts: shared leaves
 */
const layer = (name) => `^src/${name}/`;
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Modules that import each other in a circle share state no one owns (the old transport did).',
      from: { path: '^src/' },
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'net-below-ui-config-app',
      severity: 'error',
      comment: 'The transport knows datagrams, frames and keys; it never reaches up to the UI, config, app or commands, nor loads blessed, yargs or conf.',
      from: { path: layer('net') },
      to: { path: ['^src/(ui|config|commands|app|testing|text)/', '^src/cli\\.ts$', 'node_modules/(blessed|blessed-contrib|yargs|conf)/'] },
    },
    {
      name: 'crypto-is-a-leaf',
      severity: 'error',
      comment: 'crypto/ handles bytes and imports nothing of the app.',
      from: { path: layer('crypto') },
      to: { path: '^src/', pathNot: layer('crypto') },
    },
    {
      name: 'address-is-a-leaf',
      severity: 'error',
      comment: 'address/ (parse, compare, resolve a host:port) imports nothing of the app but the text rules (how a value is quoted).',
      from: { path: layer('address') },
      to: { path: '^src/', pathNot: [layer('address'), layer('text'), '^src/constants\\.ts$'] },
    },
    {
      name: 'text-is-a-leaf',
      severity: 'error',
      comment: 'text/ holds the text rules shared by the UI and headless mode; it imports only constants.',
      from: { path: layer('text') },
      to: { path: '^src/', pathNot: [layer('text'), '^src/constants\\.ts$'] },
    },
    {
      name: 'ui-only-through-the-bus',
      severity: 'error',
      comment: 'The UI reaches the transport only through the bus and shared types (address/, bus.ts), never net/, and never the runners or commands.',
      from: { path: layer('ui') },
      to: { path: ['^src/(net|app|commands|testing)/', '^src/cli\\.ts$'] },
    },
    {
      name: 'config-below-app',
      severity: 'error',
      comment: 'Profiles and options are data: config/ never reaches the transport, the UI, the runners or commands.',
      from: { path: layer('config') },
      to: { path: ['^src/(net|ui|app|commands|testing)/', '^src/cli\\.ts$'] },
    },
    {
      name: 'history-below-app',
      severity: 'error',
      comment:
        'The history file (src/history) is records and bytes: it may use the text rules, the shared leaves and the config paths and fs helpers (the same private-directory rules), never the UI, the transport, the runners or commands.',
      from: { path: layer('history') },
      to: {
        path: '^src/',
        pathNot: [layer('history'), layer('text'), '^src/(constants|errors)\\.ts$', '^src/config/(paths|fs)\\.ts$'],
      },
    },
    {
      name: 'transfer-below-app',
      severity: 'error',
      comment:
        'The transfer service (src/transfer) talks to the transport and the UI only through the bus: it may use the shared leaves, the text rules and the config fs helpers (private files), never net/, ui/, the runners or commands.',
      from: { path: layer('transfer') },
      to: {
        path: '^src/',
        pathNot: [layer('transfer'), layer('text'), '^src/(bus|clock|constants|errors)\\.ts$', '^src/config/(paths|fs)\\.ts$'],
      },
    },
    {
      name: 'room-is-pure',
      severity: 'error',
      comment: 'Rooms (src/room) are replicated state and a rotation state machine: pure logic over the constants, the text rules, addresses and crypto.',
      from: { path: layer('room') },
      to: { path: '^src/', pathNot: [layer('room'), layer('text'), layer('address'), layer('crypto'), '^src/constants\\.ts$'] },
    },
    {
      name: 'app-below-commands',
      severity: 'error',
      comment: 'Runners are used by commands, not the other way round.',
      from: { path: layer('app') },
      to: { path: ['^src/(commands|testing)/', '^src/cli\\.ts$'] },
    },
    {
      name: 'shared-leaves',
      severity: 'error',
      comment:
        'bus.ts, clock.ts, constants.ts and errors.ts are imported by every layer, so they import none (errors.ts may name crypto errors and quote by the text rules; bus.ts may name the room facts, a type only).',
      from: { path: '^src/(bus|clock|constants|errors)\\.ts$' },
      to: {
        path: '^src/',
        pathNot: ['^src/(bus|clock|constants|errors)\\.ts$', '^src/crypto/errors\\.ts$', '^src/text/quote\\.ts$', '^src/room/core-types\\.ts$'],
      },
    },
    {
      name: 'testing-only-for-tests',
      severity: 'error',
      comment: 'Test doubles (src/testing) are for test/ and bench/, never for the product.',
      from: { path: '^src/', pathNot: layer('testing') },
      to: { path: layer('testing') },
    },
    {
      name: 'src-never-imports-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'test-and-bench-apart',
      severity: 'error',
      comment: 'Shared test code lives in src/testing; test/ and bench/ do not import each other.',
      from: { path: '^test/' },
      to: { path: '^bench/' },
    },
    {
      name: 'bench-and-test-apart',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
