import { formatBytes, formatCount } from "./format.js";

/** Where progress goes: a writable with an optional TTY flag (process.stderr). */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** Shows read progress on one rewritten line. */
export interface Progress {
  update(bytesRead: number, lines: number): void;
  done(): void;
}

const INTERVAL_MS = 200;

/**
 * Progress for a long read, drawn on `stream` only when it is a terminal (redirected output
 * stays clean) and at most five times a second.
 *
 * @example
 * const progress = createProgress(process.stderr, statSync(file).size);
 * progress.update(reader.bytesRead, reader.linesRead);
 * progress.done();
 */
export function createProgress(stream: ProgressStream, totalBytes: number, now: () => number = Date.now): Progress {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  let last = now();
  let shown = false;
  return {
    update(bytesRead, lines) {
      const time = now();
      if (time - last < INTERVAL_MS) return;
      last = time;
      shown = true;
      const percent = totalBytes > 0 ? ` (${((bytesRead / totalBytes) * 100).toFixed(1)}%)` : "";
      stream.write(
        `\r\u001b[2Kreading ${formatBytes(bytesRead)} / ${formatBytes(totalBytes)}${percent}, ${formatCount(lines)} lines`,
      );
    },
    done() {
      if (shown) stream.write("\r\u001b[2K");
    },
  };
}
