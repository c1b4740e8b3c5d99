/** A path with the home directory shown as `~` (transfer lines, the receiver's notices). */
export function tildePath(path: string, home: string | null): string {
  if (home === null || home === '' || home === '/') return path;
  const h = home.endsWith('/') ? home.slice(0, -1) : home;
  if (path === h) return '~';
  return path.startsWith(`${h}/`) ? `~${path.slice(h.length)}` : path;
}
