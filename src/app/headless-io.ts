/**
 * The I/O pieces of the headless line modes (headless.ts for a 1:1 chat,
 * room-headless.ts for a room): stdout batched per event-loop turn, the
 * stop signals, letting stdin go, and a bounded wait on a condition.
 */

/** Buffered stdout text is written at once past this many characters, without waiting for the end of the turn. */
const OUT_BATCH_MAX_CHARS = 64 * 1024;

export interface HeadlessIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/**
 * Lines for `stream`, written once the turn's datagrams are all handled
 * (setImmediate runs after the I/O phase), in order: a pipe write is a
 * system call, and costs more than the message itself.
 */
export function batchedLines(stream: NodeJS.WritableStream): { out: (line: string) => void; flush: () => void } {
  let text = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (text === '') return;
    const t = text;
    text = '';
    stream.write(t);
  };
  const out = (line: string): void => {
    text += `${line}\n`;
    if (text.length >= OUT_BATCH_MAX_CHARS) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  return { out, flush };
}

/** Stop reading `stdin` and let the event loop end without it (a process.stdin pipe or TTY keeps it alive otherwise). */
export function releaseInput(stdin: NodeJS.ReadableStream): void {
  stdin.pause();
  const handle = stdin as NodeJS.ReadableStream & { unref?: () => void };
  if (typeof handle.unref === 'function') handle.unref();
}

/** Resolves when `cond()` holds (checked on each wake) or after `ms`. */
export function until(cond: () => boolean, ms: number, wake: Set<() => void>): Promise<void> {
  if (cond()) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      wake.delete(check);
      resolve();
    };
    const check = (): void => {
      if (cond()) done();
    };
    const timer = setTimeout(done, ms);
    wake.add(check);
  });
}
