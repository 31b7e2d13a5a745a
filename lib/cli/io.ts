/**
 * The process boundary that `main(args, io)` talks through: output streams,
 * environment, working directory and the name dpip was invoked as. The real
 * implementation lives in `main.ts`; tests pass an in-memory one.
 *
 * @module
 */

/** A text sink, such as stdout or stderr. */
export interface TextSink {
  /** Writes text as-is (no newline added). */
  write(text: string): void;
  /** Whether the sink is an interactive terminal (progress bars, prompts). */
  readonly isTerminal: boolean;
}

/** Everything `main` may use from the outside world besides the file system and network. */
export interface Io {
  /** Where normal output goes. */
  readonly stdout: TextSink;
  /** Where errors, warnings and progress go. */
  readonly stderr: TextSink;
  /** The environment variables, as a snapshot. */
  readonly env: Readonly<Record<string, string>>;
  /** The working directory relative paths resolve against. */
  readonly cwd: string;
  /** The file name dpip was invoked as (`dpip`, `pip3.12`): selects the default interpreter. */
  readonly invokedAs: string;
  /** Whether stdin is a terminal (prompts are only shown then). */
  readonly stdinIsTerminal: boolean;
  /** Reads one line from stdin, for prompts; undefined at end of input. */
  readLine?(): Promise<string | undefined>;
  /**
   * Asks to be told of an interrupt (Ctrl-C, SIGINT) instead of being ended
   * by it: the signal aborts on the first one, so the command can stop and
   * clean up (a second one ends the process at once). Commands that do not
   * ask are ended by an interrupt as usual.
   */
  interruptSignal?(): AbortSignal;
}

/** An in-memory `Io` whose output can be read back; for tests and embedding. */
export interface CapturedIo extends Io {
  /** Everything written to stdout so far. */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
}

/** Options for {@link captureIo}. */
export interface CaptureIoOptions {
  /** The environment variables (none by default). */
  env?: Record<string, string>;
  /** The working directory (`/` by default). */
  cwd?: string;
  /** The name dpip is invoked as (`dpip` by default). */
  invokedAs?: string;
  /** Whether stdout, stderr and stdin are terminals (no by default). */
  terminal?: boolean;
  /** Lines returned by `readLine`, in order. */
  input?: string[];
  /** What `interruptSignal` returns (none by default: interrupts are not asked for). */
  interrupt?: AbortSignal;
}

/**
 * Makes an `Io` that records output in memory.
 *
 * @example
 * ```ts
 * import { captureIo } from "./io.ts";
 * const io = captureIo();
 * io.stdout.write("hi\n");
 * if (io.out() !== "hi\n") throw new Error();
 * ```
 */
export function captureIo(options: CaptureIoOptions = {}): CapturedIo {
  let out = "";
  let err = "";
  const terminal = options.terminal ?? false;
  const input = [...(options.input ?? [])];
  return {
    stdout: { write: (text) => void (out += text), isTerminal: terminal },
    stderr: { write: (text) => void (err += text), isTerminal: terminal },
    env: { ...(options.env ?? {}) },
    cwd: options.cwd ?? "/",
    invokedAs: options.invokedAs ?? "dpip",
    stdinIsTerminal: terminal,
    readLine: () => Promise.resolve(input.shift()),
    ...(options.interrupt === undefined ? {} : { interruptSignal: () => options.interrupt! }),
    out: () => out,
    err: () => err,
  };
}
