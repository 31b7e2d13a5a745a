/**
 * Download progress bars for a terminal: one line per file in flight plus a
 * total line, redrawn at most ten times a second and erased at the end.
 * Only used when stderr is a terminal and `--progress-bar` is not `off`;
 * otherwise nothing is drawn at all.
 *
 * @module
 */

import type { DownloadReporter } from "../operations/download.ts";
import type { TextSink } from "./io.ts";

/**
 * A size in pip's format: `12 bytes`, `1.5 kB`, `62 kB`, `3.4 MB`.
 *
 * @example
 * ```ts
 * import { formatSize } from "./progress.ts";
 * formatSize(62_600); // "62 kB"
 * formatSize(1_500); // "1.5 kB"
 * ```
 */
export function formatSize(bytes: number): string {
  if (bytes > 1000 * 1000) return `${oneDecimal(bytes / 1000 / 1000)} MB`;
  if (bytes > 10 * 1000) return `${Math.floor(bytes / 1000)} kB`;
  if (bytes > 1000) return `${oneDecimal(bytes / 1000)} kB`;
  return `${Math.floor(bytes)} bytes`;
}

/**
 * One decimal as Python's `{:.1f}`: an exact tie (only an odd multiple of
 * 0.25 is one) rounds to even, where `toFixed` rounds up (1.25 → "1.2").
 */
function oneDecimal(value: number): string {
  const quarters = value * 4;
  if (!Number.isInteger(quarters) || quarters % 2 === 0) return value.toFixed(1);
  const tenths = Math.floor(value * 10);
  return ((tenths % 2 === 0 ? tenths : tenths + 1) / 10).toFixed(1);
}

interface Bar {
  received: number;
  total: number | undefined;
}

const WIDTH = 30;

function bar(fraction: number): string {
  const filled = Math.max(0, Math.min(WIDTH, Math.round(fraction * WIDTH)));
  return "━".repeat(filled) + " ".repeat(WIDTH - filled);
}

/** Draws download progress on a terminal sink. */
export class ProgressBars implements DownloadReporter {
  readonly #sink: TextSink;
  readonly #active = new Map<string, Bar>();
  readonly #now: () => number;
  #lines = 0;
  #lastDraw = 0;
  #done = 0;
  #started = 0;
  #bytes = 0;

  constructor(sink: TextSink, options: { now?: () => number } = {}) {
    this.#sink = sink;
    this.#now = options.now ?? (() => performance.now());
  }

  onStart(filename: string, size: number | undefined): void {
    this.#started++;
    this.#active.set(filename, { received: 0, total: size });
    this.#draw(true);
  }

  onProgress(filename: string, received: number, total: number | undefined): void {
    const entry = this.#active.get(filename);
    if (entry === undefined) return;
    this.#bytes += received - entry.received;
    entry.received = received;
    if (total !== undefined) entry.total = total;
    this.#draw(false);
  }

  onDone(filename: string): void {
    if (this.#active.delete(filename)) this.#done++;
    this.#draw(true);
  }

  /** Erases the bars. */
  finish(): void {
    this.#erase();
  }

  #erase(): void {
    if (this.#lines > 0) this.#sink.write(`\x1b[${this.#lines}F\x1b[J`);
    this.#lines = 0;
  }

  #draw(force: boolean): void {
    const now = this.#now();
    if (!force && now - this.#lastDraw < 100) return;
    this.#lastDraw = now;
    const lines: string[] = [];
    for (const [filename, entry] of this.#active) {
      const name = filename.length > 40 ? filename.slice(0, 39) + "…" : filename.padEnd(40);
      const fraction = entry.total ? entry.received / entry.total : 0;
      const amount = entry.total === undefined
        ? formatSize(entry.received)
        : `${formatSize(entry.received)}/${formatSize(entry.total)}`;
      lines.push(`  ${name} ${bar(fraction)} ${amount}`);
    }
    if (this.#started > 0) {
      lines.push(`  ${this.#done}/${this.#started} files, ${formatSize(this.#bytes)}`);
    }
    this.#erase();
    if (lines.length > 0) this.#sink.write(lines.join("\n") + "\n");
    this.#lines = lines.length;
  }
}
