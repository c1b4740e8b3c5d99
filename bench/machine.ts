/**
 * The machine the figures come from, for the table header: CPU model (from
 * /proc/cpuinfo), cores, OS, node, python and cryptography versions, date.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { PYTHON_SKIP, pythonInfo } from './python.js';
import type { MachineInfo } from './table.js';

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1]!.trim();
  } catch {
    // not Linux: os.cpus() below
  }
  return os.cpus()[0]?.model ?? 'unknown CPU';
}

export function machineInfo(mode: MachineInfo['mode']): MachineInfo {
  const py = pythonInfo();
  return {
    cpu: cpuModel(),
    cores: os.availableParallelism(),
    node: process.version,
    python: py ? `${py.python}, cryptography ${py.cryptography}` : PYTHON_SKIP,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    mode,
  };
}
