#!/usr/bin/env node
/**
 * The `fernchat` command: commands/main.ts on this process's streams,
 * environment and directories. Exit codes (0, 1, 2) are documented there.
 */
import { processIo } from './commands/io.js';
import { main } from './commands/main.js';

// yargs' hideBin() for node; importing yargs/helpers would add modules for this one line.
process.exitCode = await main(process.argv.slice(2), processIo());
