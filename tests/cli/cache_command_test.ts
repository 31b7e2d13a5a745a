/**
 * `dpip cache`: pip 23.2.1's `cache` run in one Python process on the same
 * generated caches (pip's `wheels/` and `http/` laid out as dpip's
 * `wheels-v1/built/` and `http-v1/`), its wildcard matching against Python's
 * `fnmatch`, and purge on a cache dpip filled itself, which must end empty
 * without touching anything a symbolic link points to.
 */

import { dirname, join } from "node:path";
import { captureIo } from "../../lib/cli/io.ts";
import { main } from "../../lib/cli/main.ts";
import { wildcardRegExp } from "../../lib/operations/cache.ts";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { startIndexServer } from "../helpers/index_server.ts";
import { pyenvPython, runPythonJson, skipUnless } from "../helpers/python.ts";
import { Random } from "../helpers/random.ts";
import { miniBackendWheel, miniSdist } from "../e2e/build_support.ts";
import { demoFiles } from "../e2e/install_support.ts";

const python311 = await pyenvPython("3.11");
const pipAvailable = python311 !== undefined &&
  (await new Deno.Command(python311, { args: ["-c", "import pip"], stderr: "null" }).output())
    .success;
const needsPython = skipUnless(python311, "pyenv Python 3.11");
const needsPip = skipUnless(pipAvailable, "pyenv Python 3.11 with pip");

interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

async function dpip(args: readonly string[], home: string): Promise<RunResult> {
  const io = captureIo({
    env: { HOME: home, PATH: Deno.env.get("PATH") ?? "", PIP_CONFIG_FILE: "/dev/null" },
    cwd: home,
  });
  const status = await main(args, io);
  return { status, stdout: io.out(), stderr: io.err() };
}

/** Runs each argument list through pip's `main` in one process, capturing its output. */
const PIP_BATCH = String.raw`
import contextlib, io, json, sys
from pip._internal.cli.main import main
results = []
for args in json.load(sys.stdin):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(args)
        except SystemExit as exit:
            status = exit.code
    results.append({"status": status, "stdout": out.getvalue(), "stderr": err.getvalue()})
print(json.dumps(results))
`;

function runPipBatch(batch: readonly (readonly string[])[]): Promise<RunResult[]> {
  return runPythonJson<RunResult[]>(
    python311!,
    `import os\nos.environ["PIP_CONFIG_FILE"] = "/dev/null"\nos.environ.pop("PIP_FIND_LINKS", None)\nos.environ["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"\n${PIP_BATCH}`,
    batch,
  );
}

Deno.test({
  name: "wildcardRegExp() matches as Python's fnmatch on generated patterns",
  ignore: needsPython,
  async fn() {
    const random = new Random(0xcac4e);
    const alphabet = ["a", "b", "c", "z", "A", "-", "_", ".", "1", "!", "]", "[", "^", "\\"];
    const word = (max: number) =>
      Array.from({ length: random.int(0, max) }, () => random.pick(alphabet)).join("");
    const patternPiece = () =>
      random.pick([
        "*",
        "?",
        "[",
        "]",
        "[!",
        "[a-c]",
        "[z-a]",
        "[!a-]",
        "[-a]",
        "[]a]",
        "[!]a]",
        "[^a]",
        "[a-c-z]",
        "[\\]",
        word(2),
        word(2),
        word(3),
      ]);
    const cases = Array.from({ length: 3000 }, () => ({
      pattern: Array.from({ length: random.int(1, 4) }, patternPiece).join(""),
      name: word(6),
    }));
    const expected = await runPythonJson<boolean[]>(
      python311!,
      "import fnmatch, json, sys\n" +
        "print(json.dumps([fnmatch.fnmatchcase(c['name'], c['pattern']) " +
        "for c in json.load(sys.stdin)]))",
      cases,
    );
    const mismatches = cases.filter((c, i) =>
      wildcardRegExp(c.pattern).test(c.name) !== expected[i]
    )
      .slice(0, 5);
    assertEquals(mismatches, []);
  },
});

interface Scenario {
  /** Relative path under the built-wheels directory → size. */
  readonly wheels: ReadonlyMap<string, number>;
  /** Relative path under the HTTP cache → size. */
  readonly http: ReadonlyMap<string, number>;
  /** The cache commands to run in order (after `cache`). */
  readonly steps: readonly (readonly string[])[];
}

const SIZES = [0, 7, 999, 1000, 1001, 1250, 1750, 2250, 9999, 10_000, 10_001, 62_600, 1_250_000];

function generateScenario(random: Random): Scenario {
  const names = ["demo", "demo_lib", "Demo", "other", "zeta_pkg", "a"];
  const versions = ["1.0", "2.0.1", "0.1.dev3", "3.0b1"];
  const tags = ["py3-none-any", "cp311-cp311-manylinux_2_17_x86_64", "1-py2.py3-none-any"];
  const wheels = new Map<string, number>();
  for (let i = random.int(0, 8); i > 0; i -= 1) {
    const file = `${random.pick(names)}-${random.pick(versions)}-${random.pick(tags)}.whl`;
    const dir = `${random.int(10, 99)}/${random.int(10, 99)}/key${random.int(0, 2)}`;
    wheels.set(`${dir}/${file}`, random.pick(SIZES));
  }
  // A file that is not a wheel: pip's purge leaves it, dpip's removes it.
  const strayFile = random.chance(0.3);
  if (strayFile) wheels.set("ab/cd/demo-1.0.tar.gz", random.pick(SIZES));
  const http = new Map<string, number>();
  for (let i = random.int(0, 4); i > 0; i -= 1) {
    http.set(`${random.int(0, 9)}/${random.int(0, 9)}/entry${i}`, random.pick(SIZES));
  }
  const pattern = () =>
    random.pick([
      "demo",
      "demo_lib",
      "Demo",
      "dem*",
      "demo-1.0",
      "demo-2*",
      "*",
      "*lib",
      "?emo",
      "[do]*",
      "missing",
      "other-3.0b1-py3",
    ]);
  const steps: string[][] = [["dir"], ["info"], ["list"], ["list", "--format", "abspath"]];
  for (let i = random.int(1, 3); i > 0; i -= 1) {
    steps.push(random.chance(0.5) ? ["list", pattern()] : ["list", pattern(), "--format=abspath"]);
  }
  steps.push(["remove", pattern()], ["list"], ["info"]);
  steps.push(!strayFile && random.chance(0.5) ? ["purge"] : ["remove", "*"], ["info"], ["list"]);
  steps.push(["purge"], [], ["nope"], ["dir", "x"], ["info", "x"], ["list", "a", "b"]);
  steps.push(["remove"], ["remove", "a", "b"], ["purge", "x"]);
  return { wheels, http, steps };
}

async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) found.push(...await filesUnder(path));
      else found.push(path);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return found;
}

async function writeSized(path: string, size: number): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  await Deno.writeFile(path, new Uint8Array(size));
}

Deno.test({
  name: "cache dir, info, list, remove and purge print what pip prints on the same cache",
  ignore: needsPip,
  async fn() {
    const random = new Random(0x5eed);
    const home = await Deno.makeTempDir({ prefix: "dpip-cache-cmd-" });
    try {
      const scenarios = Array.from({ length: 12 }, () => generateScenario(random));
      const batch: string[][] = [];
      for (const [index, scenario] of scenarios.entries()) {
        const pipRoot = join(home, `pip${index}`);
        const dpipRoot = join(home, `dpip${index}`);
        await Deno.mkdir(pipRoot, { recursive: true });
        await Deno.mkdir(dpipRoot, { recursive: true });
        for (const [path, size] of scenario.wheels) {
          await writeSized(join(pipRoot, "wheels", path), size);
          await writeSized(join(dpipRoot, "wheels-v1", "built", path), size);
        }
        for (const [path, size] of scenario.http) {
          await writeSized(join(pipRoot, "http", path), size);
          await writeSized(join(dpipRoot, "http-v1", path), size);
        }
        for (const step of scenario.steps) batch.push(["cache", ...step, "--cache-dir", pipRoot]);
      }
      batch.push(["cache", "dir", "--no-cache-dir"], ["cache", "--no-cache-dir"]);
      const pipResults = await runPipBatch(batch);
      const normalize = (text: string, root: string, built = "\0", http = "\0") =>
        text.replaceAll(built, "[BUILT]").replaceAll(http, "[HTTP]").replaceAll(root, "[ROOT]")
          .replaceAll("pip cache commands", "dpip cache commands");
      let at = 0;
      for (const [index, scenario] of scenarios.entries()) {
        const pipRoot = join(home, `pip${index}`);
        const dpipRoot = join(home, `dpip${index}`);
        for (const step of scenario.steps) {
          let theirs = pipResults[at++]!;
          if (step.length === 1 && step[0] === "purge" && theirs.status === 0) {
            // Deviation: dpip's purge empties the buckets, so it also removes
            // what pip's leaves behind (files in the wheel cache that are not wheels).
            const extra = (await filesUnder(join(dpipRoot, "wheels-v1", "built")))
              .filter((path) => !path.endsWith(".whl")).length;
            const count = Number(/Files removed: (\d+)/.exec(theirs.stdout)![1]) + extra;
            if (extra > 0) theirs = { ...theirs, stdout: `Files removed: ${count}\n`, stderr: "" };
          }
          const ours = await dpip(["cache", ...step, "--cache-dir", dpipRoot], home);
          const fromPip = {
            status: theirs.status,
            stdout: normalize(
              theirs.stdout,
              pipRoot,
              join(pipRoot, "wheels"),
              join(pipRoot, "http"),
            ),
            stderr: normalize(theirs.stderr, pipRoot),
          };
          let stdout = normalize(
            ours.stdout,
            dpipRoot,
            join(dpipRoot, "wheels-v1", "built"),
            join(dpipRoot, "http-v1"),
          );
          // dpip's own lines after pip's six: the caches pip does not have.
          if (step[0] === "info" && step.length === 1) {
            stdout = stdout.split("\n").slice(0, 6).join("\n") + "\n";
          }
          const fromDpip = {
            status: ours.status,
            stdout,
            stderr: normalize(ours.stderr, dpipRoot),
          };
          assertEquals(fromDpip, fromPip, `scenario ${index}: cache ${step.join(" ")}`);
        }
      }
      for (const args of [["cache", "dir", "--no-cache-dir"], ["cache", "--no-cache-dir"]]) {
        const theirs = pipResults[at++]!;
        const ours = await dpip(args, home);
        assertEquals(
          { status: ours.status, stderr: ours.stderr },
          { status: theirs.status, stderr: theirs.stderr.replace("pip cache", "dpip cache") },
        );
      }
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test("cache info names dpip's own caches after pip's lines", async () => {
  const home = await Deno.makeTempDir({ prefix: "dpip-cache-info-" });
  try {
    const root = join(home, "c");
    await writeSized(join(root, "unpacked-v1", "ab", "x", "mod.py"), 1500);
    await writeSized(join(root, "metadata-v1", "ab", "cd"), 20);
    await writeSized(join(root, "metadata-v1", "ab", "ef"), 30);
    await writeSized(join(root, "interpreters-v1", "p.json"), 5);
    const result = await dpip(["cache", "info", "--cache-dir", root], home);
    assertEquals(result.status, 0);
    assertEquals(
      result.stdout.split("\n").slice(6).join("\n").replaceAll(root, "[ROOT]"),
      [
        "Unpacked wheels (installs hard-link from these) location: [ROOT]/unpacked-v1",
        "Unpacked wheels size: 1.5 kB",
        "Number of unpacked wheel files: 1",
        "Wheel metadata cache location: [ROOT]/metadata-v1",
        "Wheel metadata cache size: 50 bytes",
        "Number of wheel metadata files: 2",
        "Interpreter information cache location: [ROOT]/interpreters-v1",
        "Interpreter information cache size: 5 bytes",
        "Number of interpreter information files: 1",
        "",
      ].join("\n"),
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test({
  name: "a cache dpip filled (index pages, metadata, a wheel built from an sdist) lists, " +
    "then purges to an empty root without following symbolic links",
  ignore: needsPython,
  async fn() {
    const home = await Deno.makeTempDir({ prefix: "dpip-cache-purge-" });
    const server = await startIndexServer({
      files: [...demoFiles(), miniBackendWheel(), miniSdist("srconly", "3.0", {})],
    });
    try {
      const root = join(home, "cache");
      const installed = await dpip([
        "install",
        "--dry-run",
        "--python",
        python311!,
        "--cache-dir",
        root,
        "-i",
        server.url,
        "srconly",
        "lib==1.0",
      ], home);
      assertEquals(installed.status, 0, installed.stderr);

      const list = await dpip(["cache", "list", "--cache-dir", root], home);
      assertEquals(list.status, 0);
      assert(
        /^Cache contents:\n\n - srconly-3\.0-py3-none-any\.whl \(\d+(\.\d)? (bytes|kB)\)\n$/
          .test(list.stdout),
        list.stdout,
      );
      const abspath = await dpip([
        "cache",
        "list",
        "srconly",
        "--format=abspath",
        "--cache-dir",
        root,
      ], home);
      assert(abspath.stdout.startsWith(join(root, "wheels-v1", "built") + "/"), abspath.stdout);
      const info = await dpip(["cache", "info", "--cache-dir", root], home);
      assertStringIncludes(info.stdout, "Number of locally built wheels: 1\n");
      assert(!info.stdout.includes("Number of HTTP files: 0\n"), info.stdout);
      assert(!info.stdout.includes("Number of wheel metadata files: 0\n"), info.stdout);

      // Symbolic links into a directory outside the cache, as a file and as a bucket's entry.
      const outside = join(home, "outside");
      await writeSized(join(outside, "keep.txt"), 3);
      await Deno.symlink(outside, join(root, "http-v1", "linked-dir"));
      await Deno.symlink(
        join(outside, "keep.txt"),
        join(root, "wheels-v1", "built", "x-1.0-py3-none-any.whl"),
      );

      const purge = await dpip(["cache", "purge", "--cache-dir", root], home);
      assertEquals(purge.status, 0, purge.stderr);
      assert(/^Files removed: [1-9]\d*\n$/.test(purge.stdout), purge.stdout);
      assertEquals(await Array.fromAsync(Deno.readDir(root)), []);
      assertEquals(await Deno.readTextFile(join(outside, "keep.txt")), "\0\0\0");

      const again = await dpip(["cache", "purge", "--cache-dir", root], home);
      assertEquals(again, {
        status: 0,
        stdout: "Files removed: 0\n",
        stderr: "WARNING: No matching packages\n",
      });
    } finally {
      await server.close();
      await Deno.remove(home, { recursive: true });
    }
  },
});
