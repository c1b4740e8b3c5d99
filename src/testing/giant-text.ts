/**
 * The giant messages of issue 12 part 3 (the bench's figure 9 and the e2e
 * test of the full-screen UI send the same ones).
 */

/** ~`bytes` of tab-heavy text: indented, tab-separated columns, as pasted code or a TSV dump; different for each `n`. */
export function giantText(n: number, bytes: number): string {
  const parts: string[] = [`#${n} `];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes; i++) {
    const line = `${'\t'.repeat(8 + (i % 56))}row ${i}\t\tvalue\t${i * 7}\n`;
    parts.push(line);
    size += line.length;
  }
  return parts.join('').slice(0, bytes);
}
