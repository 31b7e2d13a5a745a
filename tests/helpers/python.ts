/**
 * Finds the Python interpreters on this machine for differential tests and
 * runs oracle scripts in them, one process per batch of cases.
 *
 * Nothing here is machine-specific: interpreters are found through `pyenv root`
 * (or `PYENV_ROOT`) and PATH at run time, and tests that need one skip with a
 * message when it is missing.
 *
 * @module
 */

import { join } from "node:path";
import { canonicalizeName } from "../../lib/names/mod.ts";

const decoder = new TextDecoder();

async function output(cmd: string, args: string[]): Promise<string | undefined> {
  try {
    const result = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
    return result.success ? decoder.decode(result.stdout).trim() : undefined;
  } catch {
    return undefined;
  }
}

let pyenvRootCache: Promise<string | undefined> | undefined;

/** pyenv's root directory, if pyenv is installed. */
export function pyenvRoot(): Promise<string | undefined> {
  pyenvRootCache ??= (async () => Deno.env.get("PYENV_ROOT") ?? await output("pyenv", ["root"]))();
  return pyenvRootCache;
}

/**
 * The interpreters pyenv has, by version string (`3.11.7`), newest patch per minor last.
 */
export async function pyenvInterpreters(): Promise<Map<string, string>> {
  const root = await pyenvRoot();
  const found = new Map<string, string>();
  if (root === undefined) return found;
  try {
    for await (const entry of Deno.readDir(join(root, "versions"))) {
      if (!/^\d+\.\d+\.\d+$/.test(entry.name)) continue;
      const major = entry.name.split(".")[0];
      const exe = join(root, "versions", entry.name, "bin", `python${major}`);
      try {
        await Deno.stat(exe);
        found.set(entry.name, exe);
      } catch {
        // Not a usable interpreter.
      }
    }
  } catch {
    // No versions directory.
  }
  return found;
}

/** The newest pyenv interpreter of `minor` (e.g. "3.11"), if any. */
export async function pyenvPython(minor: string): Promise<string | undefined> {
  const all = [...(await pyenvInterpreters())].filter(([v]) => v.startsWith(minor + "."));
  all.sort(([a], [b]) => Number(a.split(".")[2]) - Number(b.split(".")[2]));
  return all.at(-1)?.[1];
}

let oracleCache: Promise<string | undefined> | undefined;

/**
 * The Python 3.11 that has `packaging` installed: the oracle for differential
 * tests of the standards core. Undefined when the machine has none.
 */
export function oraclePython(): Promise<string | undefined> {
  oracleCache ??= (async () => {
    for (const candidate of [await pyenvPython("3.11"), "python3"]) {
      if (candidate === undefined) continue;
      const version = await output(candidate, [
        "-c",
        "import packaging; print(packaging.__version__)",
      ]);
      if (version !== undefined) return candidate;
    }
    return undefined;
  })();
  return oracleCache;
}

/**
 * Runs `script` in `python` with `input` as JSON on stdin and parses its stdout as JSON.
 * The script reads `json.load(sys.stdin)` and prints one JSON document.
 */
export async function runPythonJson<T>(python: string, script: string, input: unknown): Promise<T> {
  const child = new Deno.Command(python, {
    args: ["-c", script],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { PYTHONIOENCODING: "utf-8", PYTHONDONTWRITEBYTECODE: "1" },
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(input)));
  await writer.close();
  const result = await child.output();
  if (!result.success) {
    throw new Error(`python oracle failed: ${decoder.decode(result.stderr)}`);
  }
  return JSON.parse(decoder.decode(result.stdout)) as T;
}

/**
 * Returns true (so the test is ignored) and says why, when `available` is false.
 * Use as `Deno.test({ name, ignore: skipUnless(python, "Python 3.11 with packaging"), fn })`.
 */
export function skipUnless(available: unknown, what: string): boolean {
  if (available) return false;
  // deno-lint-ignore no-console
  console.warn(`skipping: needs ${what}, which this machine does not have`);
  return true;
}

/** `name==version` (normalized names) of what an install report (`--report`) installs, sorted. */
export function reportChoices(reportText: string): string[] {
  const report = JSON.parse(reportText) as {
    install: { metadata: { name: string; version: string } }[];
  };
  return report.install.map(({ metadata }) =>
    `${canonicalizeName(metadata.name)}==${metadata.version}`
  ).sort();
}

/**
 * `install --dry-run --ignore-installed --quiet --report - --index-url …
 * <requirements>`: the arguments that make pip (or dpip) report what it would
 * install, the first of `indexes` as the index, the others as extra ones.
 */
export function dryRunReportArgs(
  requirements: readonly string[],
  indexes: readonly string[],
): string[] {
  const [first, ...extra] = indexes;
  return [
    "install",
    "--dry-run",
    "--ignore-installed",
    "--quiet",
    "--report",
    "-",
    "--index-url",
    first ?? "",
    ...extra.flatMap((url) => ["--extra-index-url", url]),
    ...requirements,
  ];
}

/**
 * What pip would install for `requirements` from `indexes` (the first as
 * `--index-url`): `pip install --dry-run --ignore-installed --report -`,
 * isolated from the machine's pip configuration, as {@link reportChoices}.
 */
export async function pipChoices(
  python: string,
  requirements: readonly string[],
  indexes: readonly string[],
): Promise<string[]> {
  const result = await new Deno.Command(python, {
    args: ["-m", "pip", ...dryRunReportArgs(requirements, indexes)],
    env: {
      PIP_CONFIG_FILE: "/dev/null",
      PIP_FIND_LINKS: "",
      PIP_DISABLE_PIP_VERSION_CHECK: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!result.success) {
    const stderr = new TextDecoder().decode(result.stderr);
    throw new Error(`pip failed for ${requirements.join(" ")}:\n${stderr}`);
  }
  return reportChoices(new TextDecoder().decode(result.stdout));
}
