/**
 * Shared pieces of the `install` e2e tests: dpip run in-process with an
 * environment isolated from the machine's pip configuration, the oracle
 * pip run the same way, a small index of demo projects, and reading what a
 * venv has installed.
 *
 * @module
 */

import { join } from "node:path";
import { captureIo } from "../../lib/cli/io.ts";
import { main } from "../../lib/cli/main.ts";
import {
  type IndexFault,
  type IndexFile,
  type IndexServer,
  startIndexServer,
  wheelFile,
} from "../helpers/index_server.ts";
import type { WheelSpec } from "../helpers/wheel_builder.ts";
import {
  decodeResult,
  oraclePip,
  python311,
  type Venv,
  withVenvs,
} from "./install_wheel_support.ts";

export {
  makeVenv,
  oracle,
  python311,
  snapshotDiff,
  treeSnapshot,
} from "./install_wheel_support.ts";
export type { Venv } from "./install_wheel_support.ts";

/** What a run returned. */
export interface RunResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment every run starts from: no pip configuration, no `PIP_*` from the machine. */
export function isolatedEnv(
  home: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    HOME: home,
    PATH: Deno.env.get("PATH") ?? "",
    PIP_CONFIG_FILE: "/dev/null",
    ...extra,
  };
}

/** Runs dpip in-process; `env` replaces the isolated environment's values. */
export async function dpip(
  args: readonly string[],
  options: {
    home: string;
    cwd?: string;
    env?: Record<string, string>;
    /** Replace the environment entirely. */
    rawEnv?: Record<string, string>;
    terminal?: boolean;
  },
): Promise<RunResult> {
  const io = captureIo({
    env: options.rawEnv ?? isolatedEnv(options.home, options.env),
    cwd: options.cwd ?? options.home,
    ...(options.terminal === undefined ? {} : { terminal: options.terminal }),
  });
  const status = await main(args, io);
  return { status, stdout: io.out(), stderr: io.err() };
}

/** Runs the oracle pip (23.2.1) against `python` with the machine's configuration ignored. */
export function pip(
  python: string,
  args: readonly string[],
  options: { cwd?: string } = {},
): Promise<RunResult> {
  return oraclePip(python, args, options);
}

/** `name==version` of everything installed in a venv (pip's `freeze`, sorted, lower-cased). */
export async function frozen(python: string): Promise<string[]> {
  const result = await pip(python, ["freeze", "--all"]);
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.split("\n").filter((line) =>
    line !== "" && !/^(pip|setuptools|wheel)==/i.test(line)
  )
    .map((line) => line.toLowerCase()).sort();
}

/** Runs a command; output and status. */
export async function run(
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<RunResult> {
  const result = await new Deno.Command(command, {
    args: [...args],
    env: { PYTHONDONTWRITEBYTECODE: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return decodeResult(result);
}

/** A demo project's wheel with one module that knows its version. */
export function demoWheel(
  name: string,
  version: string,
  extra: Omit<Partial<WheelSpec>, "name" | "version"> = {},
  indexExtra: Omit<Partial<IndexFile>, "filename" | "bytes"> = {},
): IndexFile {
  const module = name.replaceAll("-", "_");
  return wheelFile({
    name,
    version,
    files: { [`${module}/__init__.py`]: `VERSION = "${version}"\n` },
    ...extra,
  }, indexExtra);
}

/**
 * The demo projects most tests use:
 * - `app` 1.0 (needs `lib>=1`), 2.0 (needs `lib>=2`, and `extra-dep` with the `extra` extra);
 * - `lib` 1.0, 2.0, 3.0b1; `extra-dep` 1.0; `tool` 1.0 with a console script;
 * - `pinned` 1.0 (needs `lib<2`); `Cased.Name` 1.0 (a name the metadata spells with capitals).
 */
export function demoFiles(): IndexFile[] {
  return [
    demoWheel("app", "1.0", { metadata: { requiresDist: ["lib>=1"] } }),
    demoWheel("app", "2.0", {
      metadata: {
        summary: "The demo application",
        requiresDist: ["lib>=2", 'extra-dep ; extra == "extra"', 'never ; python_version < "3"'],
        providesExtra: ["extra"],
      },
    }),
    demoWheel("lib", "1.0"),
    demoWheel("lib", "2.0", { metadata: { requiresPython: ">=3.8" } }),
    demoWheel("lib", "3.0b1"),
    demoWheel("extra-dep", "1.0"),
    demoWheel("tool", "1.0", {
      files: { "tool/__init__.py": "def main():\n    print('tool 1.0')\n" },
      entryPoints: { console_scripts: { "demo-tool": "tool:main" } },
    }),
    demoWheel("pinned", "1.0", { metadata: { requiresDist: ["lib<2"] } }),
    demoWheel("Cased.Name", "1.0", { files: { "cased_name.py": "" } }),
  ];
}

/** The `Name-Version` of every dist-info in a site-packages directory, sorted. */
export function distInfos(sitePackages: string): string[] {
  const names: string[] = [];
  for (const entry of Deno.readDirSync(sitePackages)) {
    if (entry.name.endsWith(".dist-info")) names.push(entry.name.slice(0, -".dist-info".length));
  }
  return names.sort();
}

/** A temporary home directory, removed by the returned function. */
export async function tempHome(
  prefix: string,
): Promise<{ home: string; done: () => Promise<void> }> {
  const home = await Deno.makeTempDir({ prefix });
  return { home, done: () => Deno.remove(home, { recursive: true }) };
}

/**
 * A stand-in for a system Python that is not a venv: `PYTHONHOME` pointing at
 * a directory whose stdlib links to the real one, with its own empty
 * site-packages (and optionally an `EXTERNALLY-MANAGED` file). Installs land in
 * the temporary directory only.
 */
export async function fakeSystemPython(
  dir: string,
  externallyManaged?: string,
): Promise<{ python: string; home: string; sitePackages: string } | undefined> {
  if (python311 === undefined) return undefined;
  const probe = await run(python311, ["-c", "import sys; print(sys.prefix)"]);
  const realPrefix = probe.stdout.trim();
  const stdlib = join(realPrefix, "lib", "python3.11");
  const fake = join(dir, "lib", "python3.11");
  await Deno.mkdir(fake, { recursive: true });
  for (const entry of Deno.readDirSync(stdlib)) {
    if (entry.name === "site-packages") continue;
    await Deno.symlink(join(stdlib, entry.name), join(fake, entry.name));
  }
  await Deno.mkdir(join(fake, "site-packages"));
  if (externallyManaged !== undefined) {
    await Deno.writeTextFile(join(fake, "EXTERNALLY-MANAGED"), externallyManaged);
  }
  return { python: python311, home: dir, sitePackages: join(fake, "site-packages") };
}

/** How a fixture's dpip run may differ from the default. */
export interface InstallRunOptions {
  /** The Python to install into (the fixture's first venv by default). */
  venv?: Pick<Venv, "python">;
  cwd?: string;
  env?: Record<string, string>;
  terminal?: boolean;
}

/** What {@link withIndexEnv} hands its test: a home, a running index, venvs and runners. */
export interface IndexEnv<N extends string> {
  /** The temporary home directory (dpip's `HOME` and working directory). */
  readonly home: string;
  readonly server: IndexServer;
  /** The first venv named in the options (`venv` by default). */
  readonly venv: Venv;
  /** Every venv, by the directory name it has under `home`. */
  readonly venvs: Readonly<Record<N, Venv>>;
  /** dpip (in-process) with `home` filled in. */
  dpip(
    args: readonly string[],
    options?: Omit<Parameters<typeof dpip>[1], "home">,
  ): Promise<RunResult>;
  /**
   * `dpip install --python <venv> -i <index> <fixture args> <args>`.
   */
  install(args: readonly string[], options?: InstallRunOptions): Promise<RunResult>;
  /** The oracle pip run against a venv (the first by default). */
  pip(args: readonly string[], options?: { venv?: Venv; cwd?: string }): Promise<RunResult>;
  /** `pip install -i <index> <args>` against a venv (the first by default). */
  pipInstall(args: readonly string[], options?: { venv?: Venv; cwd?: string }): Promise<RunResult>;
  /**
   * The same `args` through {@link IndexEnv.install} into `ours` and then
   * {@link IndexEnv.pipInstall} into `theirs` (both the first venv by default;
   * `cwd` is pip's).
   */
  both(
    args: readonly string[],
    options?: { ours?: Venv; theirs?: Venv; cwd?: string },
  ): Promise<{ ours: RunResult; theirs: RunResult }>;
}

/**
 * Runs `fn` with a temporary home, an index server and fresh venvs under the
 * home, and removes them all afterwards, whether `fn` passes or throws.
 *
 * @example
 * ```ts
 * await withIndexEnv({}, async (env) => {
 *   const result = await env.install(["app"]);
 *   assertEquals(result.status, 0, result.stderr);
 * });
 * ```
 */
export async function withIndexEnv<N extends string = "venv">(
  options: {
    /** What the index serves: the demo projects by default. */
    files?: readonly IndexFile[];
    faults?: readonly IndexFault[];
    /** Venvs to make, by directory name under the home; `["venv"]` by default. */
    venvs?: readonly N[];
    /** Arguments every `install` run gets after the index, e.g. `["--retries", "0"]`. */
    args?: readonly string[];
    /** Give every `install` run `--cache-dir <home>/cache`. */
    cacheDir?: boolean;
  },
  fn: (env: IndexEnv<N>) => Promise<void>,
): Promise<void> {
  await withVenvs({
    prefix: "dpip-install-",
    ...(options.venvs === undefined ? {} : { venvs: options.venvs }),
  }, async ({ home, venv, venvs }) => {
    const server = await startIndexServer({
      files: options.files ?? demoFiles(),
      ...(options.faults === undefined ? {} : { faults: options.faults }),
    });
    try {
      const fixed = [
        ...(options.cacheDir ? ["--cache-dir", join(home, "cache")] : []),
        ...(options.args ?? []),
      ];
      const runDpip: IndexEnv<N>["dpip"] = (args, runOptions = {}) =>
        dpip(args, { home, ...runOptions });
      const runPip: IndexEnv<N>["pip"] = (args, runOptions = {}) =>
        pip(
          (runOptions.venv ?? venv).python,
          args,
          runOptions.cwd === undefined ? {} : { cwd: runOptions.cwd },
        );
      const install: IndexEnv<N>["install"] = (args, { venv: target = venv, ...rest } = {}) =>
        runDpip(["install", "--python", target.python, "-i", server.url, ...fixed, ...args], rest);
      const pipInstall: IndexEnv<N>["pipInstall"] = (args, runOptions) =>
        runPip(["install", "-i", server.url, ...args], runOptions);
      await fn({
        home,
        server,
        venv,
        venvs,
        dpip: runDpip,
        install,
        pip: runPip,
        pipInstall,
        both: async (args, { ours = venv, theirs = venv, cwd } = {}) => ({
          ours: await install(args, { venv: ours }),
          theirs: await pipInstall(args, { venv: theirs, ...(cwd === undefined ? {} : { cwd }) }),
        }),
      });
    } finally {
      await server.close();
    }
  });
}
