/**
 * The slash syntax of an input line, shared by the full-screen UI
 * (ui/commands.ts) and the headless mode (app/headless-format.ts). Each side
 * decides which commands exist and what a bad one says; this only splits.
 *
 *   text        a message: "text"
 *   //text      a message: "/text" (the doubled slash escapes)
 *   /NAME ARGS  a command: NAME as typed, up to the first blank; ARGS trimmed
 */

export type SlashLine = { kind: 'message'; text: string } | { kind: 'command'; name: string; args: string };

export function parseSlashLine(line: string): SlashLine {
  if (line.startsWith('//')) return { kind: 'message', text: line.slice(1) };
  if (!line.startsWith('/')) return { kind: 'message', text: line };
  const rest = line.slice(1);
  const blank = rest.search(/\s/);
  if (blank === -1) return { kind: 'command', name: rest, args: '' };
  return { kind: 'command', name: rest.slice(0, blank), args: rest.slice(blank).trim() };
}
