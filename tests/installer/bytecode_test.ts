import { join } from "node:path";
import {
  BATCH_LIMITS,
  batchLength,
  BytecodeCompiler,
  mergeLargestFirst,
  type QueuedJob,
} from "../../lib/installer/bytecode.ts";
import { isDpipError } from "../../lib/errors.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { pyenvPython, skipUnless } from "../helpers/python.ts";

const python311 = await pyenvPython("3.11");
const needsPython = skipUnless(python311, "pyenv Python 3.11");

const job = (size: number) => ({ source: `/s/${size}.py`, final: `/f/${size}.py`, size });
const queued = (sizes: number[]) =>
  sizes.map((size, index) => ({ job: job(size), index }) as unknown as QueuedJob);

Deno.test("batchLength: small files together up to the limits, a large file alone", () => {
  const limits = { files: 4, bytes: 100 };
  assertEquals(batchLength(queued([500, 10, 10]), limits), 1);
  assertEquals(batchLength(queued([60, 30, 30]), limits), 2);
  assertEquals(batchLength(queued([1, 1, 1, 1, 1, 1]), limits), 4);
  assertEquals(batchLength(queued([1, 1]), limits), 2);
  assertEquals(batchLength(queued([]), limits), 0);
});

Deno.test("mergeLargestFirst: files queued later take their place by size among those waiting", () => {
  const merged = mergeLargestFirst(queued([90, 50, 10]), queued([5, 70, 50, 100]));
  assertEquals(merged.map((q) => q.job.size), [100, 90, 70, 50, 50, 10, 5]);
});

Deno.test("BytecodeCompiler: an interpreter that cannot run fails in one line naming it", async () => {
  const compiler = new BytecodeCompiler({ python: "/nonexistent/python3" });
  try {
    await compiler.compile([job(1)]);
    throw new Error("expected a failure");
  } catch (error) {
    assert(isDpipError(error, "compile-failed"), String(error));
    assert(String((error as Error).message).includes("/nonexistent/python3"));
  } finally {
    await compiler.close();
  }
});

/** `count` modules in `dir` (some large), their jobs, and what each final path is. */
function writeModules(dir: string, prefix: string, count: number) {
  Deno.mkdirSync(dir, { recursive: true });
  return Array.from({ length: count }, (_, i) => {
    const source = join(dir, `${prefix}${i}.py`);
    const text = `X = ${i}\n` +
      "def f(a):\n    return [a * k for k in range(9)]\n".repeat(i % 7 * 40);
    Deno.writeTextFileSync(source, text);
    return { source, final: `/venv/site/${prefix}${i}.py`, size: text.length };
  });
}

/** Each `.pyc` path with its inode and mtime: a file compiled again is a new file. */
function identities(paths: (string | undefined)[]): string[] {
  return paths.map((path) => {
    const info = Deno.statSync(path!);
    return `${path} ${info.ino} ${info.mtime?.getTime()}`;
  });
}

Deno.test({
  name:
    "BytecodeCompiler: files queued while earlier ones compile are each compiled once, on all processes",
  ignore: needsPython,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "dpip-bytecode-" });
    const compiler = new BytecodeCompiler({ python: python311!, processes: 2 });
    try {
      const first = writeModules(join(dir, "a"), "a", 80);
      const second = writeModules(join(dir, "b"), "b", 20);
      const firstDone = compiler.compile(first);
      // Queued while the first files are still being compiled.
      const secondDone = compiler.compile(second);
      const [a, b] = await Promise.all([firstDone, secondDone]);
      const third = writeModules(join(dir, "c"), "c", 3);
      const c = await compiler.compile(third);
      for (const [jobs, written] of [[first, a], [second, b], [third, c]] as const) {
        assertEquals(written.length, jobs.length);
        jobs.forEach((j, i) => {
          const name = j.source.split("/").at(-1)!.replace(".py", ".cpython-311.pyc");
          assertEquals(written[i], join(j.source, "..", "__pycache__", name));
        });
      }
      // One batch per round trip: every file was handed out once.
      const files = first.length + second.length + third.length;
      assert(compiler.batches >= files / BATCH_LIMITS.files, `${compiler.batches} batches`);
      assertEquals(compiler.started, 2);
      const before = identities([...a, ...b]);
      await compiler.close();
      assertEquals(identities([...a, ...b]), before);
      const pycs = [...Deno.readDirSync(join(dir, "a", "__pycache__"))].map((e) => e.name);
      assertEquals(pycs.length, first.length, "no file written twice, no temporary left");
      // The bytecode names the final path.
      const bytes = Deno.readFileSync(a[0]!);
      assert(new TextDecoder("latin1").decode(bytes).includes("/venv/site/a0.py"));
    } finally {
      await compiler.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "BytecodeCompiler: a file that does not compile is skipped, the others are compiled",
  ignore: needsPython,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "dpip-bytecode-" });
    const compiler = new BytecodeCompiler({ python: python311! });
    try {
      const jobs = writeModules(dir, "m", 5);
      Deno.writeTextFileSync(jobs[2]!.source, "def f(:\n");
      const missing = { source: join(dir, "gone.py"), final: "/venv/site/gone.py" };
      const written = await compiler.compile([...jobs, missing]);
      assertEquals(written.map((path) => path !== undefined), [
        true,
        true,
        false,
        true,
        true,
        false,
      ]);
      assertEquals(compiler.started, 1, "a few files take one interpreter");
    } finally {
      await compiler.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "BytecodeCompiler: an interpreter that dies fails the work in one line, later work too",
  ignore: needsPython,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "dpip-bytecode-" });
    // A "python" that reads one batch, complains and exits.
    const fake = join(dir, "python");
    Deno.writeTextFileSync(
      fake,
      "#!/bin/sh\nhead -n 1 >/dev/null\necho 'boom: no compiler' >&2\nexit 3\n",
    );
    Deno.chmodSync(fake, 0o755);
    const compiler = new BytecodeCompiler({ python: fake });
    try {
      const jobs = writeModules(dir, "m", 3);
      const failure = await compiler.compile(jobs).then(() => undefined, (error) => error);
      assert(isDpipError(failure, "compile-failed"), String(failure));
      assert(String(failure.message).includes("boom: no compiler"), failure.message);
      const later = await compiler.compile(jobs).then(() => undefined, (error) => error);
      assert(isDpipError(later, "compile-failed"), String(later));
    } finally {
      await compiler.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
