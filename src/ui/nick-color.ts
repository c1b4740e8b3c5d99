/**
 * A stable colour per nick, readable on dark and on light backgrounds.
 *
 * Stable across runs and machines: FNV-1a over the nick's UTF-8 bytes picks
 * from a fixed palette (no Math.random, no per-process salt). The 256-colour
 * palette is the xterm colour cube filtered to mid luminance and clear
 * saturation: no near-black (lost on dark terminals), no pastel or yellow
 * (lost on light ones), no greys (they look like system text). With 8 or 16
 * colours the choice is the basic hues minus black, white and yellow; with
 * fewer, no colour at all.
 */

/** Basic hues usable on both backgrounds, as blessed colour names. */
const BASIC = ['red', 'green', 'blue', 'magenta', 'cyan'] as const;

const CUBE_LEVELS = [0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff];

/** xterm-256 cube indexes (16–231) that read well on black and on white. */
export const NICK_PALETTE_256: readonly number[] = buildPalette();

function buildPalette(): number[] {
  const out: number[] = [];
  for (let i = 16; i < 232; i++) {
    const n = i - 16; // 0..215: each of the three digits in base 6 indexes the six cube levels
    const [r, g, b] = [CUBE_LEVELS[Math.floor(n / 36)]!, CUBE_LEVELS[Math.floor(n / 6) % 6]!, CUBE_LEVELS[n % 6]!];
    const lum = relativeLuminance(r, g, b);
    const spread = Math.max(r, g, b) - Math.min(r, g, b);
    // Contrast ≥ ~3:1 against both black (lum 0) and white (lum 1).
    if (lum >= 0.1 && lum <= 0.3 && spread >= 0x87) out.push(i);
  }
  return out;
}

function relativeLuminance(r: number, g: number, b: number): number {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** FNV-1a, 32 bits, over UTF-8. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The nick's colour as a blessed colour name for a `{NAME-fg}` tag ('cyan',
 * or a 256-colour index like '167'), or '' when the terminal has fewer than 8
 * colours. `colors` is the terminal's colour count (screen.tput.colors).
 */
export function nickColor(nick: string, colors: number): string {
  if (!Number.isFinite(colors)) throw new TypeError(`nickColor: colors must be a number, got ${colors}`);
  if (colors < 8) return '';
  const h = fnv1a(nick);
  if (colors >= 256) return String(NICK_PALETTE_256[h % NICK_PALETTE_256.length]);
  return BASIC[h % BASIC.length]!;
}
