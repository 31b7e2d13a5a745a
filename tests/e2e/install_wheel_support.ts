/**
 * Shared pieces of the wheel-install e2e tests: fresh virtual environments of
 * the pyenv Python 3.11, running dpip in-process or as a subprocess, running
 * the real pip against a venv (isolated from the machine's pip config), and
 * hashing a directory tree to prove it unchanged.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { join, relative } from "node:path";
import { main } from "../../lib/cli/main.ts";
import { captureIo } from "../../lib/cli/io.ts";
import { oraclePython, pyenvPython } from "../helpers/python.ts";

/** The Python 3.11 that makes the venvs (and whose pip is the oracle). */
export const python311 = await pyenvPython("3.11");
/** The oracle (3.11 with packaging and pip). */
export const oracle = await oraclePython();

const decoder = new TextDecoder();

/** A fresh virtual environment. */
export interface Venv {
  readonly root: string;
  readonly python: string;
  readonly sitePackages: string;
  readonly bin: string;
}

/** Creates a venv without pip (fast) under `dir`. */
export async function makeVenv(dir: string): Promise<Venv> {
  const result = await new Deno.Command(python311!, {
    args: ["-m", "venv", "--without-pip", dir],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!result.success) throw new Error(`venv failed: ${decoder.decode(result.stderr)}`);
  const minor = (await output(join(dir, "bin", "python"), [
    "-c",
    "import sys; print('%d.%d' % sys.version_info[:2])",
  ])).trim();
  return {
    root: dir,
    python: join(dir, "bin", "python"),
    sitePackages: join(dir, "lib", `python${minor}`, "site-packages"),
    bin: join(dir, "bin"),
  };
}

async function output(cmd: string, args: string[]): Promise<string> {
  const result = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  if (!result.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${decoder.decode(result.stderr)}`);
  }
  return decoder.decode(result.stdout);
}

/** What a dpip run returned. */
export interface DpipResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs dpip in-process with a clean environment (`HOME` and the cache in `home`). */
export async function dpip(
  args: string[],
  options: { home: string; cwd?: string; input?: string[] },
): Promise<DpipResult> {
  const io = captureIo({
    env: { HOME: options.home, PATH: Deno.env.get("PATH") ?? "" },
    cwd: options.cwd ?? options.home,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  const status = await main(args, io);
  return { status, stdout: io.out(), stderr: io.err() };
}

/**
 * This process's Deno cache, for dpip subprocesses: their `HOME` is a fresh
 * directory, and without it each would fetch every npm package again.
 */
const denoDir = Deno.env.get("DENO_DIR") ??
  join(Deno.env.get("XDG_CACHE_HOME") ?? join(Deno.env.get("HOME") ?? "/", ".cache"), "deno");

/** The command line that runs dpip from source as a subprocess. */
export function dpipCommand(args: string[], options: { home: string }): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../../main.ts", import.meta.url).pathname, ...args],
    env: {
      HOME: options.home,
      PATH: Deno.env.get("PATH") ?? "",
      NO_COLOR: "1",
      DENO_DIR: denoDir,
    },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  });
}

/** A finished command's status and its output decoded. */
export function decodeResult(result: Deno.CommandOutput): DpipResult {
  return {
    status: result.code,
    stdout: decoder.decode(result.stdout),
    stderr: decoder.decode(result.stderr),
  };
}

/**
 * Runs the oracle's pip against `python` (`pip --python`), isolated from the
 * machine's config; `noCache` turns pip's cache off.
 */
export async function oraclePip(
  python: string,
  args: readonly string[],
  options: { cwd?: string; noCache?: boolean } = {},
): Promise<DpipResult> {
  const result = await new Deno.Command(oracle!, {
    args: ["-m", "pip", "--python", python, ...args],
    env: {
      PIP_CONFIG_FILE: "/dev/null",
      PIP_DISABLE_PIP_VERSION_CHECK: "1",
      PIP_NO_INPUT: "1",
      ...(options.noCache ? { PIP_NO_CACHE_DIR: "1" } : {}),
      PYTHONDONTWRITEBYTECODE: "1",
      HOME: Deno.env.get("HOME") ?? "/tmp",
      PATH: Deno.env.get("PATH") ?? "",
    },
    clearEnv: true,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    stdout: "piped",
    stderr: "piped",
  }).output();
  return decodeResult(result);
}

/** Runs the oracle's pip against `venv` (`pip --python`), isolated from the machine's config. */
export function pip(venv: Venv, args: string[]): Promise<DpipResult> {
  return oraclePip(venv.python, args, { noCache: true });
}

/** What {@link withVenvs} hands its test: a home, venvs under it and dpip/pip runners. */
export interface VenvEnv<N extends string> {
  /** The temporary home directory (dpip's `HOME` and working directory). */
  readonly home: string;
  /** The first venv named in the options (`venv` by default). */
  readonly venv: Venv;
  /** Every venv, by the directory name it has under `home`. */
  readonly venvs: Readonly<Record<N, Venv>>;
  /** {@link dpip} with `home` filled in (unless given). */
  dpip(
    args: string[],
    options?: { home?: string; cwd?: string; input?: string[] },
  ): Promise<DpipResult>;
  /** `dpip install --python <venv> <fixture args> <args>` (the first venv by default). */
  install(args: string[], options?: { venv?: Venv; home?: string }): Promise<DpipResult>;
  /** `dpip uninstall --python <venv> <args>` (the first venv by default). */
  uninstall(args: string[], options?: { venv?: Venv; input?: string[] }): Promise<DpipResult>;
  /** {@link pip} against a venv (the first by default). */
  pip(args: string[], options?: { venv?: Venv }): Promise<DpipResult>;
}

/**
 * Runs `fn` with a temporary home and fresh venvs under it, and removes the
 * home afterwards, whether `fn` passes or throws.
 *
 * @example
 * ```ts
 * await withVenvs({ prefix: "dpip-demo-" }, async ({ install, pip }) => {
 *   assertEquals((await install(["demo.whl"])).status, 0);
 *   assertEquals((await pip(["check"])).status, 0);
 * });
 * ```
 */
export async function withVenvs<N extends string = "venv">(
  options: {
    /** The temporary home's name prefix. */
    prefix: string;
    /** Venvs to make, by directory name under the home; `["venv"]` by default. */
    venvs?: readonly N[];
    /** Give every `install` run `--cache-dir <home>/cache`. */
    cacheDir?: boolean;
  },
  fn: (env: VenvEnv<N>) => Promise<void>,
): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: options.prefix });
  try {
    const names = options.venvs ?? ["venv" as N];
    const venvs = {} as Record<N, Venv>;
    for (const name of names) venvs[name] = await makeVenv(join(home, name));
    const venv = venvs[names[0]!];
    const fixed = options.cacheDir ? ["--cache-dir", join(home, "cache")] : [];
    const run: VenvEnv<N>["dpip"] = (args, runOptions = {}) => dpip(args, { home, ...runOptions });
    await fn({
      home,
      venv,
      venvs,
      dpip: run,
      install: (args, { venv: target = venv, ...rest } = {}) =>
        run(["install", "--python", target.python, ...fixed, ...args], rest),
      uninstall: (args, { venv: target = venv, ...rest } = {}) =>
        run(["uninstall", "--python", target.python, ...args], rest),
      pip: (args, { venv: target = venv } = {}) => pip(target, args),
    });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

/** One file of a tree: type, exec bit and content hash (or link target). */
export type TreeEntry = string;

/**
 * Every path under `dir` with its kind, permission bits and content hash, so
 * two snapshots are equal exactly when the trees are byte-identical.
 */
export function treeSnapshot(
  dir: string,
  options: { ignore?: (path: string) => boolean } = {},
): Map<string, TreeEntry> {
  const snapshot = new Map<string, TreeEntry>();
  const walk = (current: string) => {
    for (const entry of Deno.readDirSync(current)) {
      const path = join(current, entry.name);
      const rel = relative(dir, path);
      if (options.ignore?.(rel)) continue;
      const info = Deno.lstatSync(path);
      const mode = ((info.mode ?? 0) & 0o7777).toString(8);
      if (info.isSymlink) snapshot.set(rel, `link ${Deno.readLinkSync(path)}`);
      else if (info.isDirectory) {
        snapshot.set(rel, `dir ${mode}`);
        walk(path);
      } else {
        const hash = createHash("sha256").update(Deno.readFileSync(path)).digest("hex");
        snapshot.set(rel, `file ${mode} ${hash}`);
      }
    }
  };
  walk(dir);
  return snapshot;
}

/** The differences between two snapshots, for assertion messages. */
export function snapshotDiff(a: Map<string, TreeEntry>, b: Map<string, TreeEntry>): string[] {
  const out: string[] = [];
  for (const [path, entry] of a) {
    if (b.get(path) !== entry) out.push(`${path}: ${entry} -> ${b.get(path) ?? "(missing)"}`);
  }
  for (const [path, entry] of b) if (!a.has(path)) out.push(`${path}: (missing) -> ${entry}`);
  return out.sort();
}

/**
 * RECORD rows as a sorted list, with INSTALLER's (whose content differs)
 * reduced to its path and scripts' (whose shebang names the venv) to path and size.
 */
export function recordRows(text: string): string[] {
  return text.split(/\r?\n/).filter(Boolean).map((row) => {
    const fields = row.split(",");
    if (/\.dist-info\/INSTALLER$/.test(fields[0]!)) return fields[0]!;
    if (/^(\.\.\/)+bin\//.test(fields[0]!)) return `${fields[0]},${fields.at(-1)}`;
    return row;
  }).sort();
}

/** A venv's files, normalized for comparison. */
export function installedFiles(venv: Venv): Map<string, string> {
  const snapshot = treeSnapshot(venv.root, {
    ignore: (path) => path === "pyvenv.cfg",
  });
  const out = new Map<string, string>();
  for (const [path, entry] of snapshot) {
    const [kind, mode] = entry.split(" ");
    if (kind === "dir") {
      out.set(path, "dir");
      continue;
    }
    if (kind === "link") {
      out.set(path, entry);
      continue;
    }
    const exec = (parseInt(mode!, 8) & 0o111) !== 0 ? "x" : "-";
    if (path.endsWith(".dist-info/INSTALLER")) out.set(path, `file ${exec}`);
    else if (path.endsWith(".dist-info/RECORD")) {
      out.set(
        path,
        `record ${exec} ${recordRows(Deno.readTextFileSync(join(venv.root, path))).join("|")}`,
      );
    } else if (path.startsWith("bin/")) {
      // Scripts by their content after the shebang line.
      const text = Deno.readTextFileSync(join(venv.root, path));
      out.set(path, `script ${exec} ${text.slice(text.indexOf("\n") + 1)}`);
    } else out.set(path, `file ${exec} ${entry.split(" ")[2]}`);
  }
  return out;
}

/** A seeded PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
