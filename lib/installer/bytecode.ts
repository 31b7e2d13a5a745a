/**
 * Compiling installed `.py` files to bytecode (`--compile`), as pip does:
 * every `.py` file a wheel installs, named in the bytecode by its final path,
 * written where `importlib.util.cache_from_source` puts it, in the
 * interpreter's default invalidation mode (checked hashes when
 * `SOURCE_DATE_EPOCH` is set, else timestamps). The work is split by bytes
 * over one interpreter process per core (largest files first, each to the
 * least loaded process), so all cores compile at once.
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
  /** Its size in bytes, to share the work out (unknown: an average file's). */
  readonly size?: number;
}

/** Options for {@link compileBytecode}. */
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

/** Below this many files per process, another process costs more than it saves. */
const MIN_FILES_PER_PROCESS = 32;
/** The size assumed for a file whose size is not known. */
const AVERAGE_SIZE = 8192;

/** The compiling side: reads `[[source, final], …]`, writes `[cfile or null, …]`. */
const SCRIPT = `
import importlib.util, json, py_compile, sys, warnings
warnings.filterwarnings("ignore")
done = []
for source, final in json.load(sys.stdin):
    try:
        cfile = importlib.util.cache_from_source(source)
        py_compile.compile(source, cfile=cfile, dfile=final, doraise=True)
        done.append(cfile)
    except Exception:
        done.append(None)
json.dump(done, sys.stdout)
`;

/**
 * Compiles `jobs`, returning for each the `.pyc` file written beside its
 * source, or undefined when it does not compile (skipped, as pip's
 * `compileall` skips it).
 *
 * @throws {DpipError} `compile-failed` when an interpreter cannot run or fails.
 * @example
 * ```ts ignore
 * const written = await compileBytecode(
 *   [{ source: "/stage/0/demo/__init__.py", final: "/venv/lib/python3.11/site-packages/demo/__init__.py" }],
 *   { python: "/venv/bin/python" },
 * );
 * ```
 */
export async function compileBytecode(
  jobs: readonly BytecodeJob[],
  options: BytecodeOptions,
): Promise<(string | undefined)[]> {
  const written: (string | undefined)[] = new Array(jobs.length).fill(undefined);
  if (jobs.length === 0) return written;
  const shares = shareOut(jobs, options.processes ?? navigator.hardwareConcurrency ?? 1);
  await Promise.all(shares.map(async (share) => {
    const results = await runCompiler(share.map((i) => jobs[i]!), options);
    share.forEach((job, index) => {
      const cfile = results[index];
      if (typeof cfile === "string") written[job] = cfile;
    });
  }));
  return written;
}

/**
 * Job indices split into at most `processes` shares of about equal bytes:
 * largest first, each to the share with the fewest bytes so far.
 */
export function shareOut(jobs: readonly BytecodeJob[], processes: number): number[][] {
  const count = Math.max(
    1,
    Math.min(Math.floor(processes), Math.ceil(jobs.length / MIN_FILES_PER_PROCESS)),
  );
  const size = (i: number) => jobs[i]!.size ?? AVERAGE_SIZE;
  const order = jobs.map((_, i) => i).sort((a, b) => size(b) - size(a));
  const shares = Array.from({ length: count }, () => ({ bytes: 0, jobs: [] as number[] }));
  for (const job of order) {
    let least = shares[0]!;
    for (const share of shares) if (share.bytes < least.bytes) least = share;
    least.jobs.push(job);
    least.bytes += size(job);
  }
  return shares.map((share) => share.jobs).filter((share) => share.length > 0);
}

async function runCompiler(
  jobs: readonly BytecodeJob[],
  options: BytecodeOptions,
): Promise<unknown[]> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(options.python, {
      args: ["-c", SCRIPT],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      ...(options.env === undefined
        ? { env: { PYTHONIOENCODING: "utf-8" } }
        : { env: { ...options.env, PYTHONIOENCODING: "utf-8" }, clearEnv: true }),
    }).spawn();
  } catch (error) {
    throw compileFailed(options.python, error instanceof Error ? error.message : String(error));
  }
  const writer = child.stdin.getWriter();
  const input = JSON.stringify(jobs.map((job) => [job.source, job.final]));
  await writer.write(new TextEncoder().encode(input)).catch(() => {});
  await writer.close().catch(() => {});
  const output = await child.output();
  const text = new TextDecoder().decode(output.stdout);
  let results: unknown;
  try {
    results = output.success ? JSON.parse(text) : undefined;
  } catch {
    results = undefined;
  }
  if (!Array.isArray(results) || results.length !== jobs.length) {
    const stderr = new TextDecoder().decode(output.stderr).trim().split("\n").at(-1) ?? "";
    throw compileFailed(options.python, stderr === "" ? `exit code ${output.code}` : stderr);
  }
  return results;
}

function compileFailed(python: string, reason: string): DpipError {
  return new DpipError("compile-failed", `Compiling to bytecode with ${python} failed: ${reason}`);
}
