/**
 * End to end: dpip's list, freeze, show, check and inspect side by side with
 * pip 23.2.1 on real environments: the oracle Python's own environment
 * (read-only) and fresh venvs of 3.8, 3.12 and 3.13 (pip runs there through
 * `pip --python`), with packages installed by pip from the local mirror plus
 * hand-made distributions of every legacy kind.
 *
 * Documented differences: `pip_version` in `inspect` (dpip's version), and
 * `check`'s extra duplicate report (no duplicates here).
 *
 * @module
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { captureIo } from "../../lib/cli/io.ts";
import { main } from "../../lib/cli/main.ts";
import { assertEquals } from "../helpers/assert.ts";
import { mirrorIndexUrls } from "../index/corpus.ts";
import { oraclePython, pyenvPython, skipUnless } from "../helpers/python.ts";

const decoder = new TextDecoder();
const oracle = await oraclePython();

async function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const base = Deno.env.toObject();
  delete base["PIP_FIND_LINKS"];
  const result = await new Deno.Command(cmd, {
    args,
    env: { ...base, PIP_CONFIG_FILE: "/dev/null", PIP_DISABLE_PIP_VERSION_CHECK: "1", ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: result.code,
    out: decoder.decode(result.stdout),
    err: decoder.decode(result.stderr),
  };
}

/** The directory of the mirror's files, from pip's own configuration. */
const mirrorUrl = (await mirrorIndexUrls())[0];
const mirror = mirrorUrl === undefined ? undefined : join(fileURLToPath(mirrorUrl), "..", "files");
const cacheDir = await Deno.makeTempDir({ prefix: "dpip-e2e-cache-" });

async function dpip(args: string[], cwd = "/") {
  const io = captureIo({ env: Deno.env.toObject(), cwd });
  const code = await main([...args, "--cache-dir", cacheDir], io);
  return { code, out: io.out(), err: io.err() };
}

async function pip(python: string, args: string[]) {
  return await run(oracle!, ["-m", "pip", "--python", python, ...args]);
}

function write(path: string, text: string) {
  Deno.mkdirSync(join(path, ".."), { recursive: true });
  Deno.writeTextFileSync(path, text);
}

/** Hand-made distributions of every kind pip reads, into `site`. */
function addHandMade(site: string, projectDir: string) {
  const meta = (name: string, version: string, extra = "") =>
    `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\nSummary: A ${name}\n${extra}\nLong\ndescription.\n`;
  write(
    join(site, "conflicted-1.0.dist-info", "METADATA"),
    meta(
      "Conflicted",
      "1.0",
      "Requires-Dist: six<1.0\nRequires-Dist: colorama; extra == 'color'\n" +
        "Requires-Dist: nothere; python_version < '2'\nRequires-Dist: absent-thing>=2\n" +
        "Provides-Extra: color\nLicense: line one\n        line two\n",
    ),
  );
  write(join(site, "conflicted-1.0.dist-info", "INSTALLER"), "handmade\n");
  write(join(site, "conflicted-1.0.dist-info", "RECORD"), "conflicted/__init__.py,,\n");
  write(
    join(site, "conflicted-1.0.dist-info", "entry_points.txt"),
    "[console_scripts]\nc = c:main\n",
  );
  write(join(site, "Legacy_Pkg-2.0-py3.egg-info", "PKG-INFO"), meta("Legacy-Pkg", "2.0"));
  write(
    join(site, "Legacy_Pkg-2.0-py3.egg-info", "requires.txt"),
    "idna>=99\n\n[Extra One]\nfoo\n\n[:python_version > '3']\nsix\n",
  );
  write(join(site, "distutils_thing-0.1-py3.egg-info"), meta("distutils-thing", "0.1"));
  write(join(site, "editable_proj-0.1.dist-info", "METADATA"), meta("editable-proj", "0.1"));
  write(
    join(site, "editable_proj-0.1.dist-info", "direct_url.json"),
    JSON.stringify({ url: `file://${projectDir}`, dir_info: { editable: true } }),
  );
  write(join(site, "archived-1.0.dist-info", "METADATA"), meta("archived", "1.0"));
  write(
    join(site, "archived-1.0.dist-info", "direct_url.json"),
    JSON.stringify({
      url: "https://example.com/archived-1.0.tar.gz",
      archive_info: { hash: "sha256=abc" },
    }),
  );
  write(join(site, "archived-1.0.dist-info", "REQUESTED"), "");
  write(join(site, "broken-1.0.dist-info", "METADATA"), "this is not metadata\n");
}

interface Venv {
  readonly minor: string;
  readonly python: string;
  readonly site: string;
}

async function makeVenv(root: string, minor: string): Promise<Venv | undefined> {
  const base = await pyenvPython(minor);
  if (base === undefined || mirror === undefined) return undefined;
  const dir = join(root, minor);
  await run(base, ["-m", "venv", "--without-pip", dir]);
  const python = join(dir, "bin", "python");
  const installed = await pip(python, [
    "install",
    "--no-index",
    "--find-links",
    mirror,
    "--no-deps",
    "--no-compile",
    "--ignore-requires-python",
    "-q",
    "six",
    "colorama",
    "iniconfig",
    "idna",
    "requests",
  ]);
  if (installed.code !== 0) throw new Error(`pip install failed: ${installed.err}`);
  const site = join(dir, "lib", `python${minor}`, "site-packages");
  const project = join(root, `project-${minor}`);
  Deno.mkdirSync(project, { recursive: true });
  addHandMade(site, project);
  return { minor, python, site };
}

const ready = oracle !== undefined && mirror !== undefined;
let venvsPromise: Promise<Venv[]> | undefined;
let root: string | undefined;
function venvs(): Promise<Venv[]> {
  venvsPromise ??= (async () => {
    root = await Deno.makeTempDir({ prefix: "dpip-e2e-" });
    const made = await Promise.all(["3.8", "3.12", "3.13"].map((m) => makeVenv(root!, m)));
    return made.filter((v): v is Venv => v !== undefined);
  })();
  return venvsPromise;
}

function maskInspect(text: string): string {
  return text.replace(/"pip_version": "[^"]*"/, '"pip_version": "[VERSION]"');
}

/** Commands compared on the oracle's own environment. */
const OWN_ENVIRONMENT: readonly (readonly string[])[] = [
  ["list", "--format", "json"],
  ["list", "-v"],
  ["freeze"],
  ["show", "-f", "-v", "pip", "requests", "packaging", "Nope"],
  ["check"],
  ["inspect"],
];

/** Commands compared in each fresh venv (which hold editable, legacy and broken dists). */
const VENV_COMMANDS: readonly (readonly string[])[] = [
  ["list", "--format", "json"],
  ["list", "--not-required", "--exclude", "SIX"],
  ["freeze", "--all"],
  ["show", "-f", "-v", "requests", "six", "Nope", "conflicted", "legacy-pkg", "editable-proj"],
  ["check"],
  ["inspect"],
];

/** Runs pip for every command, two at a time (pip's start-up dominates). */
async function pipAll(python: string, commands: readonly (readonly string[])[]) {
  const results: Awaited<ReturnType<typeof pip>>[] = new Array(commands.length);
  let next = 0;
  const worker = async () => {
    while (next < commands.length) {
      const index = next++;
      results[index] = await pip(python, [...commands[index]!]);
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

async function compareAll(
  python: string,
  commands: readonly (readonly string[])[],
  label: string,
) {
  const theirs = await pipAll(python, commands);
  for (const [index, args] of commands.entries()) {
    const ours = await dpip([...args, "--python", python]);
    const expected = theirs[index]!;
    // Documented difference: pip's pkg_resources backend (Python < 3.11) walks each
    // directory in its own version-sorted order, so `check` lines and `inspect`'s
    // `installed` list come in another order there.
    const unordered = args[0] === "check" && label.startsWith("3.8");
    const mask = args[0] === "inspect" && label.startsWith("3.8")
      ? (s: string) => {
        const report = JSON.parse(maskInspect(s));
        const key = (entry: unknown) => JSON.stringify(entry);
        report.installed.sort((a: unknown, b: unknown) => key(a) < key(b) ? -1 : 1);
        return JSON.stringify(report);
      }
      : args[0] === "inspect"
      ? maskInspect
      : unordered
      ? (s: string) => s.split("\n").sort().join("\n")
      : (s: string) => s;
    assertEquals(mask(ours.out), mask(expected.out), `${label}: dpip ${args.join(" ")} stdout`);
    assertEquals(ours.code, expected.code, `${label}: dpip ${args.join(" ")} exit status`);
    const warnings = (text: string) =>
      text.split("\n").filter((l) => l.startsWith("WARNING: Skipping") || l.includes("not found"));
    assertEquals(
      warnings(ours.err),
      warnings(expected.err),
      `${label}: ${args.join(" ")} warnings`,
    );
  }
}

Deno.test({
  name: "list/freeze/show/check/inspect match pip 23.2.1 on the oracle's own environment",
  ignore: skipUnless(oracle, "Python 3.11 with pip 23.2.1"),
  sanitizeResources: false,
  async fn() {
    await compareAll(oracle!, OWN_ENVIRONMENT, "3.11 environment");
  },
});

for (const minor of ["3.8", "3.12", "3.13"]) {
  Deno.test({
    name: `list/freeze/show/check/inspect match pip 23.2.1 in a fresh ${minor} venv`,
    ignore: skipUnless(ready, "Python 3.11 with pip and the local package mirror"),
    sanitizeResources: false,
    async fn() {
      const venv = (await venvs()).find((v) => v.minor === minor);
      if (venv === undefined) return;
      const requirements = join(root!, `requirements-${minor}.txt`);
      Deno.writeTextFileSync(
        requirements,
        "# top comment\n--index-url https://example.com/simple\nsix==1.0  # pinned\nmissing-one\nidna\nsix\n",
      );
      const extra: string[][] = minor === "3.12"
        ? [["freeze", "-r", requirements], ["list", "--path", venv.site, "--format", "json"]]
        : [];
      await compareAll(venv.python, [...VENV_COMMANDS, ...extra], `${minor} venv`);
    },
  });
}

Deno.test({
  name: "cleanup of the e2e venvs",
  ignore: !ready,
  sanitizeResources: false,
  async fn() {
    if (root !== undefined) await Deno.remove(root, { recursive: true });
    await Deno.remove(cacheDir, { recursive: true });
  },
});
