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

/** The command line that runs dpip from source as a subprocess. */
export function dpipCommand(args: string[], options: { home: string }): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../../main.ts", import.meta.url).pathname, ...args],
    env: { HOME: options.home, PATH: Deno.env.get("PATH") ?? "", NO_COLOR: "1" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  });
}

/** Runs the oracle's pip against `venv` (`pip --python`), isolated from the machine's config. */
export async function pip(venv: Venv, args: string[]): Promise<DpipResult> {
  const env: Record<string, string> = {
    PIP_CONFIG_FILE: "/dev/null",
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    PIP_NO_INPUT: "1",
    PIP_NO_CACHE_DIR: "1",
    PYTHONDONTWRITEBYTECODE: "1",
    HOME: Deno.env.get("HOME") ?? "/tmp",
    PATH: Deno.env.get("PATH") ?? "",
  };
  const result = await new Deno.Command(oracle!, {
    args: ["-m", "pip", "--python", venv.python, ...args],
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    status: result.code,
    stdout: decoder.decode(result.stdout),
    stderr: decoder.decode(result.stderr),
  };
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
