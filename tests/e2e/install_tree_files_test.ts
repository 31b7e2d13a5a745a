/**
 * An environment dpip installed into has exactly the files pip's has: no
 * lock file or other dpip leftover, in a venv and with `--target`,
 * `--prefix` and `--root` (the files' contents are compared elsewhere).
 */

import { join, relative } from "node:path";
import { writeWheel } from "../helpers/wheel_builder.ts";
import { assertEquals } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { dpip, makeVenv, oracle, oraclePip, python311 } from "./install_wheel_support.ts";

/** Every path under `dir` (directories with a trailing slash), sorted. */
function paths(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string) => {
    for (const entry of Deno.readDirSync(current)) {
      const path = join(current, entry.name);
      if (entry.isDirectory && !entry.isSymlink) {
        out.push(relative(dir, path) + "/");
        walk(path);
      } else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out.sort();
}

Deno.test({
  name:
    "dpip leaves exactly pip's files in a venv and in --target, --prefix and --root directories",
  ignore: skipUnless(python311 && oracle, "pyenv Python 3.11 and pip 23.2.1"),
  fn: async () => {
    const home = await Deno.makeTempDir({ prefix: "dpip-tree-files-" });
    try {
      const wheel = await writeWheel(join(home, "wheels"), {
        name: "tidy",
        version: "1.0",
        files: { "tidy/__init__.py": "", "tidy/sub/mod.py": "" },
        dataFiles: { "data/share/tidy/notes.txt": "n" },
        entryPoints: { console_scripts: { tidy: "tidy:main" } },
      });
      const [forDpip, forPip, bare] = [
        await makeVenv(join(home, "dpip-venv")),
        await makeVenv(join(home, "pip-venv")),
        await makeVenv(join(home, "bare-venv")),
      ];
      const modes: [string, (dir: string) => string[]][] = [
        ["venv", () => []],
        ["--target", (dir) => ["--target", dir]],
        ["--prefix", (dir) => ["--prefix", dir]],
        ["--root", (dir) => ["--root", dir]],
      ];
      for (const [mode, args] of modes) {
        const inVenv = mode === "venv";
        const dpipDir = inVenv ? forDpip.root : join(home, `dpip${mode}`);
        const pipDir = inVenv ? forPip.root : join(home, `pip${mode}`);
        const installed = await dpip([
          "install",
          "--no-deps",
          "--no-index",
          "--no-cache-dir",
          "--python",
          inVenv ? forDpip.python : bare.python,
          ...args(dpipDir),
          wheel.path,
        ], { home });
        assertEquals(installed.status, 0, `${mode}: ${installed.stderr}`);
        // pip into the other venv in venv mode; otherwise with the same (empty) venv, so
        // that --root paths (which include the interpreter's prefix) compare.
        const byPip = await oraclePip(inVenv ? forPip.python : bare.python, [
          "install",
          "--no-deps",
          "--no-index",
          "--no-compile",
          ...args(pipDir),
          wheel.path,
        ], { noCache: true });
        assertEquals(byPip.status, 0, `${mode}: ${byPip.stderr}`);
        assertEquals(paths(dpipDir), paths(pipDir), mode);
      }
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
