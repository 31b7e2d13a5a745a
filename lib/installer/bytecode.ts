/**
 * Compiling installed `.py` files to bytecode (`--compile`), as pip does:
 * every `.py` file a wheel installs, named in the bytecode by its final path,
 * written where `importlib.util.cache_from_source` puts it, in the
 * interpreter's default invalidation mode (checked hashes when
 * `SOURCE_DATE_EPOCH` is set, else timestamps), by `py_compile` itself.
 *
 * One long-lived interpreter per core reads batches of files from a pipe and
 * answers each batch with the `.pyc` files it wrote. Batches come from one
 * shared queue, largest files first, to the interpreter with the least work
 * in hand, each holding at most its share of what is left (a quarter of it
 * for two; guided self-scheduling): a large share while much is left, so
 * that an interpreter keeps working while this thread is busy unpacking
 * other wheels and cannot feed it, and smaller ones towards the end, so that
 * the cores finish together whatever each file costs.
 *
 * @module
 */

import { DpipError } from "../errors.ts";

/** One file to compile. */
export interface BytecodeJob {
  /** Where the file is now (staged). */
  readonly source: string;
  /** The path it will have once installed (what tracebacks show). */
  readonly final: string;
  /** Its size in bytes, to hand out the largest first (unknown: an average file's). */
  readonly size?: number;
}

/** Options for {@link BytecodeCompiler}. */
export interface BytecodeOptions {
  /** The interpreter that compiles (its version names the `.pyc` files). */
  readonly python: string;
  /**
   * The environment the interpreter runs with (`SOURCE_DATE_EPOCH` selects
   * hash-checked bytecode, `PYTHONOPTIMIZE` optimized files); by default this
   * process's.
   */
  readonly env?: Readonly<Record<string, string>>;
  /** How many interpreter processes at most (default: one per core). */
  readonly processes?: number;
}

/** How much one batch (one line, one answer) holds at most. */
export const BATCH_LIMITS = { files: 32, bytes: 64 * 1024 } as const;
/** The source bytes an interpreter may hold at least, however little is left (two batches). */
const MIN_IN_HAND = 2 * BATCH_LIMITS.bytes;
/** Another interpreter starts only while at least this many files wait. */
const MIN_FILES_PER_PROCESS = 32;
/** The size assumed for a file whose size is not known. */
const AVERAGE_SIZE = 8192;

/**
 * The compiling side: each line read is a batch `[[source, final], …]`; each
 * line written answers one batch, `[cfile or null, …]` (null: the file does
 * not compile, skipped as pip's `compileall` skips it).
 *
 * Marshal records whether each string is interned, and the one-character
 * strings are shared by the whole interpreter, so a `.pyc` with such a
 * constant depends on what the compiling process did before. pip compiles in
 * its own process, where `"{"` and `"}"` are interned by then and `"["` is
 * not: the script interns those two (with them, the 453 `.pyc` files of six
 * real wheels, idna, jinja2, pygments, six, tornado and typing_extensions,
 * are pip 23.2.1's byte for byte; 20 differed without) and does not write
 * its answers with `json.dumps`, whose encoder interns `"["` and `","`.
 */
const SCRIPT = `
import importlib.util, json, py_compile, sys, warnings
from json.encoder import encode_basestring_ascii as quote
warnings.filterwarnings("ignore")
sys.intern("{"), sys.intern("}")
try:
    import fcntl
    fcntl.fcntl(0, 1031, 1 << 20)  # F_SETPIPE_SZ: more work queued while dpip is busy
except Exception:
    pass
for line in sys.stdin.buffer:
    done = []
    for source, final in json.loads(line):
        try:
            cfile = importlib.util.cache_from_source(source)
            py_compile.compile(source, cfile=cfile, dfile=final, doraise=True)
            done.append(quote(cfile))
        except Exception:
            done.append("null")
    sys.stdout.write("[" + ",".join(done) + "]\\n")
    sys.stdout.flush()
`;

/** A queued file and the request it belongs to. */
export interface QueuedJob {
  readonly job: BytecodeJob;
  readonly group: Group;
  readonly index: number;
}

interface Group {
  readonly results: (string | undefined)[];
  left: number;
  resolve(results: (string | undefined)[]): void;
  reject(error: unknown): void;
}

interface Interpreter {
  readonly child: Deno.ChildProcess;
  readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  /** Batches written and not answered yet, oldest first. */
  readonly batches: QueuedJob[][];
  /** Their source bytes. */
  inHand: number;
  /** The last line it wrote to stderr (why it failed). */
  stderr: string;
  /** Reading its answers and its stderr, until it exits. */
  done?: Promise<void>;
}

/**
 * Compiles files as they are handed in, on up to one interpreter per core,
 * each started when there is work for it. {@link close} when done (the
 * interpreters keep this process alive).
 *
 * @example
 * ```ts ignore
 * const compiler = new BytecodeCompiler({ python: "/venv/bin/python" });
 * try {
 *   const written = await compiler.compile([
 *     { source: "/stage/0.0.demo/__init__.py", final: "/venv/lib/python3.11/site-packages/demo/__init__.py" },
 *   ]);
 * } finally {
 *   await compiler.close();
 * }
 * ```
 */
export class BytecodeCompiler {
  readonly #options: BytecodeOptions;
  readonly #processes: number;
  /** Largest first, from `#head` on (those before it are handed out). */
  #queue: QueuedJob[] = [];
  #head = 0;
  /** Source bytes queued or in an interpreter's hand, not answered yet. */
  #unanswered = 0;
  readonly #interpreters: Interpreter[] = [];
  #failure: DpipError | undefined;
  #closed = false;
  #batches = 0;

  constructor(options: BytecodeOptions) {
    this.#options = options;
    this.#processes = Math.max(
      1,
      Math.floor(options.processes ?? navigator.hardwareConcurrency ?? 1),
    );
  }

  /** How many interpreters have been started (for tests). */
  get started(): number {
    return this.#interpreters.length;
  }

  /** How many batches have been handed out (for tests). */
  get batches(): number {
    return this.#batches;
  }

  /**
   * Queues `jobs`; resolves, in their order, to the `.pyc` file written
   * beside each source, or undefined for a file that does not compile.
   *
   * @throws {DpipError} `compile-failed` when an interpreter cannot run or dies.
   */
  compile(jobs: readonly BytecodeJob[]): Promise<(string | undefined)[]> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.reject(compileFailed(this.#options.python, "closed"));
    if (jobs.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const group: Group = {
        results: new Array(jobs.length).fill(undefined),
        left: jobs.length,
        resolve,
        reject,
      };
      const added = jobs.map((job, index) => ({ job, group, index }));
      this.#queue = mergeLargestFirst(this.#queue.slice(this.#head), added);
      this.#head = 0;
      for (const queued of added) this.#unanswered += sizeOf(queued);
      this.#dispatch();
    });
  }

  /**
   * Stops the interpreters: at once when work is left (which then fails),
   * else once they have exited.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const busy = this.#head < this.#queue.length ||
      this.#interpreters.some((interpreter) => interpreter.batches.length > 0);
    if (busy) this.#fail(compileFailed(this.#options.python, "stopped"));
    for (const interpreter of this.#interpreters) {
      await interpreter.writer.close().catch(() => {});
    }
    await Promise.all(this.#interpreters.map((interpreter) => interpreter.done));
  }

  #dispatch(): void {
    while (this.#head < this.#queue.length && this.#failure === undefined) {
      const allowance = Math.max(MIN_IN_HAND, this.#unanswered / (2 * this.#processes));
      let target: Interpreter | undefined = undefined;
      for (const interpreter of this.#interpreters) {
        if (target === undefined || interpreter.inHand < target.inHand) target = interpreter;
      }
      if (target === undefined || target.inHand >= allowance) {
        const wanted = this.#interpreters.length === 0 ||
          this.#queue.length - this.#head >= MIN_FILES_PER_PROCESS;
        if (!wanted || this.#interpreters.length >= this.#processes) return;
        target = this.#start();
        if (target === undefined) return;
      }
      const count = batchLength(this.#queue, BATCH_LIMITS, this.#head);
      const batch = this.#queue.slice(this.#head, this.#head + count);
      this.#head += count;
      target.batches.push(batch);
      for (const queued of batch) target.inHand += sizeOf(queued);
      this.#batches++;
      const line = JSON.stringify(batch.map(({ job }) => [job.source, job.final])) + "\n";
      target.writer.write(new TextEncoder().encode(line)).catch(() => {});
    }
  }

  #start(): Interpreter | undefined {
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(this.#options.python, {
        args: ["-c", SCRIPT],
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
        ...(this.#options.env === undefined
          ? { env: { PYTHONIOENCODING: "utf-8" } }
          : { env: { ...this.#options.env, PYTHONIOENCODING: "utf-8" }, clearEnv: true }),
      }).spawn();
    } catch (error) {
      this.#fail(
        compileFailed(this.#options.python, error instanceof Error ? error.message : String(error)),
      );
      return undefined;
    }
    const interpreter: Interpreter = {
      child,
      writer: child.stdin.getWriter(),
      batches: [],
      inHand: 0,
      stderr: "",
    };
    this.#interpreters.push(interpreter);
    interpreter.done = Promise.all([
      this.#readAnswers(interpreter),
      readLastLine(child.stderr).then((line) => interpreter.stderr = line),
    ]).then(async () => {
      const status = await child.status;
      if (interpreter.batches.length > 0 || (!status.success && !this.#closed)) {
        const reason = interpreter.stderr === "" ? `exit code ${status.code}` : interpreter.stderr;
        this.#fail(compileFailed(this.#options.python, reason));
      }
    }).catch((error) => this.#fail(compileFailed(this.#options.python, String(error))));
    return interpreter;
  }

  async #readAnswers(interpreter: Interpreter): Promise<void> {
    for await (const line of lines(interpreter.child.stdout)) {
      const batch = interpreter.batches.shift();
      let answer: unknown;
      try {
        answer = JSON.parse(line);
      } catch {
        answer = undefined;
      }
      if (batch === undefined || !Array.isArray(answer) || answer.length !== batch.length) {
        stop(interpreter.child);
        if (batch !== undefined) interpreter.batches.unshift(batch);
        continue;
      }
      batch.forEach((queued, i) => {
        const { group, index } = queued;
        interpreter.inHand -= sizeOf(queued);
        this.#unanswered -= sizeOf(queued);
        const cfile = answer[i];
        if (typeof cfile === "string") group.results[index] = cfile;
        if (--group.left === 0) group.resolve(group.results);
      });
      this.#dispatch();
    }
  }

  /** Fails every request not answered yet, and every later one. */
  #fail(error: DpipError): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    const groups = new Set(this.#queue.slice(this.#head).map(({ group }) => group));
    for (const interpreter of this.#interpreters) {
      for (const batch of interpreter.batches) for (const { group } of batch) groups.add(group);
      stop(interpreter.child);
    }
    this.#queue = [];
    this.#head = 0;
    for (const group of groups) group.reject(error);
  }
}

/** `queue` and `added` merged, largest first (both already sorted, `added` sorted here). */
export function mergeLargestFirst(
  queue: readonly QueuedJob[],
  added: readonly QueuedJob[],
): QueuedJob[] {
  const sorted = [...added].sort((a, b) => sizeOf(b) - sizeOf(a));
  const merged: QueuedJob[] = [];
  let i = 0;
  let j = 0;
  while (i < queue.length || j < sorted.length) {
    const takeQueued = j >= sorted.length ||
      (i < queue.length && sizeOf(queue[i]!) >= sizeOf(sorted[j]!));
    merged.push(takeQueued ? queue[i++]! : sorted[j++]!);
  }
  return merged;
}

/**
 * How many files from `queue[start]` on make the next batch: at least one,
 * then while the batch stays within both limits.
 */
export function batchLength(
  queue: readonly { job: BytecodeJob }[],
  limits: { files: number; bytes: number },
  start = 0,
): number {
  let count = 0;
  let bytes = 0;
  while (start + count < queue.length && count < limits.files) {
    const size = queue[start + count]!.job.size ?? AVERAGE_SIZE;
    if (count > 0 && bytes + size > limits.bytes) break;
    bytes += size;
    count++;
  }
  return count;
}

/** Kills `child` unless it has exited already. */
function stop(child: Deno.ChildProcess): void {
  try {
    child.kill();
  } catch {
    // It has exited.
  }
}

function sizeOf(queued: QueuedJob): number {
  return queued.job.size ?? AVERAGE_SIZE;
}

/** The lines of a stream of UTF-8 text, without their newlines. */
async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    let start = 0;
    for (
      let newline = pending.indexOf("\n");
      newline >= 0;
      newline = pending.indexOf("\n", start)
    ) {
      yield pending.slice(start, newline);
      start = newline + 1;
    }
    pending = pending.slice(start);
  }
  if (pending !== "") yield pending;
}

/** The last non-empty line of a stream (read to its end), or "". */
async function readLastLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  let last = "";
  for await (const line of lines(stream)) if (line.trim() !== "") last = line.trim();
  return last;
}

function compileFailed(python: string, reason: string): DpipError {
  return new DpipError("compile-failed", `Compiling to bytecode with ${python} failed: ${reason}`);
}
