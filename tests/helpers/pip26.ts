/**
 * The pip 26 oracle (`../shared/oracles/pip26`, pip run from source): its
 * command for end-to-end comparisons, and its source tree on `PYTHONPATH` for
 * comparing pure functions (`packaging.pylock`, `tomli_w`, pip's option
 * parsing) on generated inputs in one Python process per batch.
 *
 * Nothing here is machine-specific: the oracle is found relative to the
 * repository and the interpreter through pyenv; callers skip when absent.
 *
 * @module
 */

import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { pyenvPython } from "./python.ts";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const decoder = new TextDecoder();

/** The oracle: its launcher, the interpreter it runs on and pip's source directory. */
export interface Pip26 {
  /** The `pip26` launcher script. */
  readonly script: string;
  /** The Python it runs pip with (pyenv's newest 3.11). */
  readonly python: string;
  /** The unpacked source (`…/src`), for `PYTHONPATH`. */
  readonly src: string;
}

let cached: Promise<Pip26 | undefined> | undefined;

/** The pip 26 oracle, unpacked once; undefined when `../shared/oracles/pip26` or Python 3.11 is missing. */
export function pip26(): Promise<Pip26 | undefined> {
  cached ??= (async () => {
    const script = resolve(REPO, "..", "shared", "oracles", "pip26");
    const python = await pyenvPython("3.11");
    if (python === undefined) return undefined;
    try {
      await Deno.stat(script);
      const result = await new Deno.Command(script, {
        args: ["--version"],
        stdout: "piped",
        stderr: "null",
      }).output();
      if (!result.success) return undefined;
    } catch {
      return undefined;
    }
    const src = join(Deno.env.get("TMPDIR") ?? "/tmp", "pip26-oracle", "src");
    return { script, python, src };
  })();
  return cached;
}

/** The environment that isolates an oracle pip from this machine's pip configuration. */
export const ISOLATED_PIP_ENV: Readonly<Record<string, string>> = {
  PIP_CONFIG_FILE: "/dev/null",
  PIP_FIND_LINKS: "",
  PIP_DISABLE_PIP_VERSION_CHECK: "1",
  PIP_NO_INPUT: "1",
};

/**
 * Runs `script` with pip 26's source importable (`from pip._vendor import
 * tomli_w`), `input` as JSON on stdin, and parses its stdout as JSON.
 */
export async function runPip26Json<T>(
  oracle: Pip26,
  script: string,
  input: unknown,
  env: Readonly<Record<string, string>> = {},
): Promise<T> {
  const child = new Deno.Command(oracle.python, {
    args: ["-c", script],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: {
      PYTHONPATH: oracle.src,
      PYTHONIOENCODING: "utf-8",
      PYTHONDONTWRITEBYTECODE: "1",
      ...env,
    },
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(input)));
  await writer.close();
  const result = await child.output();
  if (!result.success) throw new Error(`pip 26 oracle failed: ${decoder.decode(result.stderr)}`);
  return JSON.parse(decoder.decode(result.stdout)) as T;
}

/** Runs the pip 26 command line (isolated from the machine's configuration). */
export async function runPip26(
  oracle: Pip26,
  args: readonly string[],
  options: { cwd?: string; env?: Readonly<Record<string, string>> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await new Deno.Command(oracle.script, {
    args: [...args],
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    env: { ...ISOLATED_PIP_ENV, ...options.env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: result.code,
    stdout: decoder.decode(result.stdout),
    stderr: decoder.decode(result.stderr),
  };
}
