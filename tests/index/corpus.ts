/**
 * Finds (building it once when needed) the corpus index of real distributions
 * from `../shared/corpus` (relative to the repository), and the machine's
 * local PyPI mirror named by pip's configuration. Nothing machine-specific is
 * hard-coded: paths are discovered at run time, and callers skip when absent.
 *
 * @module
 */

import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { oraclePython } from "../helpers/python.ts";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The `../shared/corpus` scripts directory, if present. */
export async function corpusScripts(): Promise<string | undefined> {
  const dir = resolve(REPO, "..", "shared", "corpus");
  try {
    await Deno.stat(join(dir, "build-index"));
    return dir;
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

let built: Promise<string | undefined> | undefined;

/**
 * The built corpus directory (`simple/`, `files/`): `DPIP_CORPUS_DIR`, else
 * `${TMPDIR:-/tmp}/dpip-corpus`, built with `build-index` the first time
 * (about two minutes; re-runs reuse it). Undefined when it cannot be built.
 */
export function corpusDir(): Promise<string | undefined> {
  built ??= (async () => {
    const dir = Deno.env.get("DPIP_CORPUS_DIR") ??
      join(Deno.env.get("TMPDIR") ?? "/tmp", "dpip-corpus");
    if (await exists(join(dir, "simple", "index.json"))) return dir;
    const scripts = await corpusScripts();
    if (scripts === undefined) return undefined;
    // Test modules run in parallel workers: one builds, the others wait for it.
    const lock = `${dir}.building`;
    const age = await Deno.stat(lock).then((s) => Date.now() - (s.mtime?.getTime() ?? 0), () => 0);
    if (age > 15 * 60_000) await Deno.remove(lock).catch(() => {}); // left by an interrupted build
    try {
      await Deno.mkdir(lock, { recursive: false });
    } catch {
      for (let waited = 0; waited < 600; waited++) {
        if (await exists(join(dir, "simple", "index.json"))) return dir;
        if (!(await exists(lock))) break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      return (await exists(join(dir, "simple", "index.json"))) ? dir : undefined;
    }
    try {
      const result = await new Deno.Command(join(scripts, "build-index"), {
        args: [dir],
        stdout: "null",
        stderr: "null",
      }).output();
      return result.success ? dir : undefined;
    } catch {
      return undefined;
    } finally {
      await Deno.remove(lock).catch(() => {});
    }
  })();
  return built;
}

let mirror: Promise<string[]> | undefined;

/**
 * The local PyPI mirror's `file://` index URLs, from the oracle pip's
 * configuration (`global.extra-index-url`); empty when there is none.
 */
export function mirrorIndexUrls(): Promise<string[]> {
  mirror ??= (async () => {
    const python = await oraclePython();
    if (python === undefined) return [];
    try {
      const result = await new Deno.Command(python, {
        args: ["-m", "pip", "config", "get", "global.extra-index-url"],
        stdout: "piped",
        stderr: "null",
      }).output();
      if (!result.success) return [];
      const urls = new TextDecoder().decode(result.stdout).split(/\s+/).filter((u) =>
        u.startsWith("file://")
      );
      const present: string[] = [];
      for (const url of urls) {
        try {
          await Deno.stat(join(fileURLToPath(url), "..", "files"));
          present.push(url.replace(/\/?$/, "/"));
        } catch {
          // Not on this machine.
        }
      }
      return present;
    } catch {
      return [];
    }
  })();
  return mirror;
}
