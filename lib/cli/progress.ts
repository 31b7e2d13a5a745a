/**
 * Progress for a terminal: download bars (one line per file in flight, with
 * its speed and the time left, plus a total line), redrawn at most ten times
 * a second and erased at the end; a status line with a spinner while wheels
 * are built, unpacked, installed and compiled; and pip's `--progress-bar
 * raw` lines (`Progress 1024 of 4096`) for programs that read them. Bars and
 * the status line are drawn only when stderr is a terminal and
 * `--progress-bar` is not `off` (`progressMode`); otherwise nothing is
 * animated at all.
 *
 * @module
 */

import type { DownloadReporter } from "../operations/download_files.ts";
import type { InstallPhase } from "../operations/install_wheels.ts";
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

/**
 * A duration as rich's `TimeRemainingColumn` shows it (pip's bars): `0:00:07`.
 *
 * @example
 * ```ts
 * import { formatDuration } from "./progress.ts";
 * formatDuration(3725); // "1:02:05"
 * ```
 */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  return `${hours}:${String(minutes).padStart(2, "0")}:${String(rest).padStart(2, "0")}`;
}

/** How progress is shown, from `--progress-bar`, `-q` and whether stderr is a terminal. */
export type ProgressMode =
  /** Bars and status lines on stderr (a terminal). */
  | "bars"
  /** pip's `Progress N of M` lines. */
  | "raw"
  /** Nothing. */
  | "off";

/**
 * pip 26's rule: `raw` whatever the output is; `on`/`auto` draw only on a
 * terminal (`auto`, the default, also not with `-q`); `off` never.
 */
export function progressMode(
  option: string | undefined,
  options: { terminal: boolean; quiet: number },
): ProgressMode {
  switch (option) {
    case "off":
      return "off";
    case "raw":
      return "raw";
    case "on":
      return options.terminal ? "bars" : "off";
    default:
      return options.terminal && options.quiet === 0 ? "bars" : "off";
  }
}

/**
 * `--progress-bar raw`, as pip writes it: for each file, `Progress 0 of
 * SIZE` when it starts, then the bytes received so far at most every
 * quarter of a second, and always once complete. Downloads run in parallel,
 * so lines of different files may interleave.
 */
export class RawProgress implements DownloadReporter {
  readonly #sink: TextSink;
  readonly #now: () => number;
  readonly #files = new Map<string, { total: number; last: number; written: number }>();

  constructor(sink: TextSink, options: { now?: () => number } = {}) {
    this.#sink = sink;
    this.#now = options.now ?? (() => performance.now());
  }

  onStart(filename: string, size: number | undefined): void {
    this.#files.set(filename, { total: size ?? 0, last: this.#now(), written: 0 });
    this.#sink.write(`Progress 0 of ${size ?? 0}\n`);
  }

  onProgress(filename: string, received: number, total: number | undefined): void {
    const file = this.#files.get(filename);
    if (file === undefined) return;
    if (total !== undefined) file.total = total;
    const now = this.#now();
    if (now - file.last < 250 && received !== file.total) return;
    file.last = now;
    file.written = received;
    this.#sink.write(`Progress ${received} of ${file.total}\n`);
  }

  onDone(filename: string): void {
    this.#files.delete(filename);
  }
}

interface Bar {
  received: number;
  total: number | undefined;
  /** When it started (for its speed). */
  started: number;
}

/** `5.6 MB/s`, or nothing before there is a fair measure (a fifth of a second). */
function speedText(bytes: number, seconds: number): string | undefined {
  return seconds < 0.2 ? undefined : `${formatSize(bytes / seconds)}/s`;
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
  #firstStart: number | undefined;

  constructor(sink: TextSink, options: { now?: () => number } = {}) {
    this.#sink = sink;
    this.#now = options.now ?? (() => performance.now());
  }

  onStart(filename: string, size: number | undefined): void {
    this.#started++;
    const now = this.#now();
    this.#firstStart ??= now;
    this.#active.set(filename, { received: 0, total: size, started: now });
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
      const seconds = (now - entry.started) / 1000;
      const speed = speedText(entry.received, seconds);
      let line = `  ${name} ${bar(fraction)} ${amount}`;
      if (speed !== undefined) {
        line += ` ${speed}`;
        if (entry.total !== undefined && entry.received > 0) {
          const left = (entry.total - entry.received) / (entry.received / seconds);
          line += ` eta ${formatDuration(left)}`;
        }
      }
      lines.push(line);
    }
    if (this.#started > 0) {
      const speed = speedText(this.#bytes, (now - (this.#firstStart ?? now)) / 1000);
      lines.push(
        `  ${this.#done}/${this.#started} files, ${formatSize(this.#bytes)}${
          speed === undefined ? "" : ` at ${speed}`
        }`,
      );
    }
    this.#erase();
    if (lines.length > 0) this.#sink.write(lines.join("\n") + "\n");
    this.#lines = lines.length;
  }
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * One status line on a terminal for what takes a while after the downloads
 * (`Building flask-3.0.0.tar.gz`, `Unpacking 3/12 wheels`, `Installing 12
 * packages`, `Compiling`), with a spinner and the seconds spent, redrawn
 * ten times a second by a timer that does not keep the process alive, and
 * erased when done.
 */
export class StatusLine {
  readonly #sink: TextSink;
  readonly #now: () => number;
  #text: string | undefined;
  #since = 0;
  #frame = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(sink: TextSink, options: { now?: () => number } = {}) {
    this.#sink = sink;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Shows `text` (the time counts from the first call with a new text). */
  show(text: string): void {
    if (text !== this.#text) {
      const sameStep = this.#text !== undefined && stepOf(this.#text) === stepOf(text);
      if (!sameStep) this.#since = this.#now();
      this.#text = text;
    }
    this.#draw();
    if (this.#timer === undefined) {
      const timer = setInterval(() => this.#draw(), 100);
      Deno.unrefTimer(timer);
      this.#timer = timer;
    }
  }

  /** Erases the line and stops the timer. */
  finish(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#text !== undefined) this.#sink.write("\r\x1b[2K");
    this.#text = undefined;
  }

  #draw(): void {
    if (this.#text === undefined) return;
    const seconds = Math.floor((this.#now() - this.#since) / 1000);
    const frame = SPINNER[this.#frame++ % SPINNER.length];
    this.#sink.write(`\r\x1b[2K${frame} ${this.#text}${seconds > 0 ? ` (${seconds}s)` : ""}`);
  }
}

/** The first word: a step keeps its time while its count moves (`Unpacking 3/12`). */
function stepOf(text: string): string {
  return text.split(" ", 1)[0] ?? text;
}

/** The status text of an install phase. */
export function phaseText(phase: InstallPhase): string {
  const wheels = phase.total === 1 ? "wheel" : "wheels";
  switch (phase.kind) {
    case "unpacking":
      return `Unpacking ${phase.done}/${phase.total} ${wheels}`;
    case "installing":
      return `Installing ${phase.total} ${phase.total === 1 ? "package" : "packages"}`;
    case "compiling":
      return `Compiling the Python files of ${phase.total} ${
        phase.total === 1 ? "package" : "packages"
      }`;
  }
}

/** The download reporter and status line of a command, as {@link progressMode} chooses them. */
export interface ProgressDisplay {
  /** Download bars or raw lines; none when off. */
  readonly downloads?: Required<DownloadReporter> & { finish(): void };
  /** The status line for building, unpacking, installing; only on a terminal. */
  readonly status?: StatusLine;
  /** Erases whatever is drawn. */
  finish(): void;
}

/**
 * The progress a command shows: bars and a status line on a terminal, raw
 * lines on `stdout` (on `stderr` when stdout carries a JSON document), or
 * nothing.
 */
export function progressDisplay(
  sinks: { stdout: TextSink; stderr: TextSink },
  options: { progressBar: string | undefined; quiet: number; json: boolean },
): ProgressDisplay {
  const mode = progressMode(options.progressBar, {
    terminal: sinks.stderr.isTerminal,
    quiet: options.quiet,
  });
  switch (mode) {
    case "bars": {
      const downloads = new ProgressBars(sinks.stderr);
      const status = new StatusLine(sinks.stderr);
      return {
        downloads,
        status,
        finish: () => {
          downloads.finish();
          status.finish();
        },
      };
    }
    case "raw": {
      const raw = new RawProgress(options.json ? sinks.stderr : sinks.stdout);
      return { downloads: Object.assign(raw, { finish: () => {} }), finish: () => {} };
    }
    case "off":
      return { finish: () => {} };
  }
}
