/**
 * What run.ts and the figure modules share: the figure names, the context a
 * figure runs with, and the messages a figure child sends to run.ts over IPC.
 */
import type { Measurement } from './rows.js';

export interface FigureContext {
  quick: boolean;
  /** The figure's whole budget, in ms (run.ts kills the child a little after it). */
  budgetMs: number;
  /** Report one row, as soon as it is measured. */
  report(m: Measurement): void;
  /** Progress, shown on the bench's stderr. */
  log(text: string): void;
}

export type FigureRun = (ctx: FigureContext) => Promise<void>;

export interface FigureEntry {
  figure: number;
  name: string;
  /** Relative to bench/; exports `run: FigureRun`. */
  module: string;
  /** Most time the figure may take, in ms, full and --quick (a typical run takes a fraction). */
  budgetMs: { full: number; quick: number };
}

/** In table order. The budgets add up to more than the bench's total (run.ts caps it), so one slow figure cannot starve the rest by itself. */
export const FIGURES: readonly FigureEntry[] = [
  { figure: 1, name: 'fernet', module: './fig-fernet.js', budgetMs: { full: 30_000, quick: 15_000 } },
  { figure: 2, name: 'rtt', module: './fig-rtt.js', budgetMs: { full: 40_000, quick: 15_000 } },
  { figure: 3, name: 'throughput', module: './fig-throughput.js', budgetMs: { full: 40_000, quick: 15_000 } },
  { figure: 4, name: 'loss', module: './fig-loss.js', budgetMs: { full: 40_000, quick: 15_000 } },
  { figure: 5, name: 'pane', module: './fig-pane.js', budgetMs: { full: 30_000, quick: 18_000 } },
  { figure: 6, name: 'startup', module: './fig-startup.js', budgetMs: { full: 30_000, quick: 25_000 } },
  { figure: 7, name: 'memory', module: './fig-memory.js', budgetMs: { full: 60_000, quick: 15_000 } },
  { figure: 8, name: 'pipeline', module: './fig-pipeline.js', budgetMs: { full: 40_000, quick: 20_000 } },
  { figure: 9, name: 'giant', module: './fig-giant.js', budgetMs: { full: 60_000, quick: 25_000 } },
  { figure: 10, name: 'transfer', module: './fig-transfer.js', budgetMs: { full: 260_000, quick: 60_000 } },
  { figure: 11, name: 'room', module: './fig-room.js', budgetMs: { full: 150_000, quick: 15_000 } },
];

export type FigureMessage = { type: 'row'; m: Measurement } | { type: 'log'; text: string } | { type: 'error'; message: string } | { type: 'done' };
