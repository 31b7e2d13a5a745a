/**
 * `dpip wheel` on real distributions, compared with `pip wheel` (pip 23.2.1
 * on the oracle Python 3.11, isolated from the machine's configuration):
 * the same wheel file names in the wheel directory, or a failure where pip
 * fails.
 *
 * - The machine's local PyPI mirror (served by nginx when it is installed,
 *   else read as its `file://` URL): three projects with their
 *   dependencies, and a setuptools project directory built with the
 *   mirror's setuptools. `DPIP_FULL=1` runs every project of the mirror.
 * - `../shared/corpus` served by `python3 -m http.server`, including its
 *   real sdists, built with their own backends (hatchling, flit-core, and
 *   setuptools for a project that has only an sdist) from the corpus.
 *   `DPIP_FULL=1` builds every sdist of the corpus.
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { captureIo } from "../../lib/cli/io.ts";
import { main } from "../../lib/cli/main.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { oraclePython, skipUnless } from "../helpers/python.ts";
import { corpusDir, mirrorIndexUrls } from "../index/corpus.ts";
import { hasCommand, startHttpServer, startNginx, type StaticServer } from "./real_servers.ts";

const python = await oraclePython();
const mirrors = await mirrorIndexUrls();
const nginx = await hasCommand("nginx", ["-v"]);
const FULL = Deno.env.get("DPIP_FULL") === "1";

/** Mirror projects compared by default (those the mirror has). */
const MIRROR_PROJECTS = ["requests", "flask", "rich"];

/** Corpus sdists built by default: hatchling, flit-core, and a setuptools sdist-only project. */
const CORPUS_SDISTS = ["urllib3==2.2.2", "idna==3.10", "monotonic==1.4"];

/** What one `wheel` run saved: the file names, or null when it failed. */
type Saved = string[] | null;

async function savedIn(dir: string, success: boolean): Promise<Saved> {
  if (!success) return null;
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) if (entry.isFile) names.push(entry.name);
  return names.sort();
}

async function pipWheel(args: readonly string[], dir: string): Promise<Saved> {
  const env: Record<string, string> = { ...Deno.env.toObject(), PIP_CONFIG_FILE: "/dev/null" };
  delete env["PIP_FIND_LINKS"];
  delete env["PIP_CERT"];
  const output = await new Deno.Command(python!, {
    args: [
      "-m",
      "pip",
      "wheel",
      "--no-cache-dir",
      "--disable-pip-version-check",
      "--progress-bar",
      "off",
      "-q",
      "--trusted-host",
      "127.0.0.1",
      "-w",
      dir,
      ...args,
    ],
    env,
    clearEnv: true,
    stdout: "null",
    stderr: "null",
  }).output();
  return await savedIn(dir, output.success);
}

async function dpipWheel(args: readonly string[], dir: string, home: string): Promise<Saved> {
  const io = captureIo({
    env: { HOME: home, PATH: Deno.env.get("PATH") ?? "", PIP_CONFIG_FILE: "/dev/null" },
    cwd: home,
  });
  const status = await main(
    ["wheel", "--no-cache-dir", "--python", python!, "-w", dir, ...args],
    io,
  );
  return await savedIn(dir, status === 0);
}

/** Runs each case with both; returns the cases where they differ. */
async function differences(
  cases: readonly (readonly string[])[],
  home: string,
): Promise<{ args: string; dpip: Saved; pip: Saved }[]> {
  const differ: { args: string; dpip: Saved; pip: Saved }[] = [];
  for (const [index, args] of cases.entries()) {
    const ours = await dpipWheel(args, join(home, `dpip-${index}`), home);
    const theirs = await pipWheel(args, join(home, `pip-${index}`));
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
      differ.push({ args: args.join(" "), dpip: ours, pip: theirs });
    }
    // The default cases are ones pip succeeds with (a comparison of two failures shows little).
    if (!FULL) assert(theirs !== null && theirs.length > 0, `pip wheel ${args.join(" ")} failed`);
  }
  if (FULL) {
    // deno-lint-ignore no-console
    console.log(`${cases.length} wheel runs compared, ${differ.length} differ`);
  }
  return differ;
}

/** A setuptools project (setup.py) that needs `six`. */
async function writeSetuptoolsProject(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    join(dir, "setup.py"),
    "from setuptools import setup\nsetup(name='st-wheel', version='1.2', py_modules=['st_wheel'], install_requires=['six'])\n",
  );
  await Deno.writeTextFile(join(dir, "st_wheel.py"), "X = 1\n");
}

const mirrorRoot = mirrors[0] === undefined ? undefined : fileURLToPath(mirrors[0]);

Deno.test({
  name: "wheel on the real local mirror: pip wheel's file names, dependencies and a build included",
  ignore: skipUnless(python && mirrorRoot, "Python 3.11 with pip and the local mirror"),
  fn: async () => {
    const home = await Deno.makeTempDir({ prefix: "dpip-wheel-real-" });
    let server: StaticServer | undefined;
    try {
      let indexUrl = mirrors[0]!;
      if (nginx) {
        server = await startNginx(join(mirrorRoot!, ".."));
        indexUrl = `${server.origin}simple/`;
      }
      const available = new Set<string>();
      for await (const entry of Deno.readDir(mirrorRoot!)) {
        if (entry.isDirectory) available.add(entry.name);
      }
      const projects = FULL
        ? [...available].sort()
        : MIRROR_PROJECTS.filter((p) => available.has(p));
      await writeSetuptoolsProject(join(home, "proj"));
      const cases = [
        ...projects.map((project) => ["-i", indexUrl, project]),
        ["-i", indexUrl, join(home, "proj")],
      ];
      assertEquals(await differences(cases, home), []);
    } finally {
      await server?.close();
      await Deno.remove(home, { recursive: true });
    }
  },
});

const corpus = await corpusDir();

Deno.test({
  name: "wheel on ../shared/corpus: its real sdists built into pip wheel's file names",
  ignore: skipUnless(python && corpus, "Python 3.11 with pip and ../shared/corpus"),
  fn: async () => {
    const home = await Deno.makeTempDir({ prefix: "dpip-wheel-corpus-" });
    const server = await startHttpServer(corpus!);
    try {
      const indexUrl = `${server.origin}simple/`;
      const sdists: string[] = [];
      for await (const entry of Deno.readDir(join(corpus!, "files"))) {
        const match = /^(.+)-([^-]+)\.tar\.gz$/.exec(entry.name);
        if (match !== null) sdists.push(`${match[1]}==${match[2]}`);
      }
      const wanted = FULL ? sdists.sort() : CORPUS_SDISTS;
      const names = wanted.map((pin) => pin.split("==")[0]!);
      const cases = FULL
        ? wanted.map((pin) => ["-i", indexUrl, "--no-binary", pin.split("==")[0]!, pin])
        : [["-i", indexUrl, "--no-binary", names.join(","), ...wanted]];
      assertEquals(await differences(cases, home), []);
    } finally {
      await server.close();
      await Deno.remove(home, { recursive: true });
    }
  },
});
