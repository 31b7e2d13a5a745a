/**
 * `install --compile` writes the bytecode pip 23.2.1 writes: the same `.pyc`
 * paths (every installed `.py` file, scripts and data files too, none for a
 * file that does not compile), the same RECORD rows, and the same bytes: in
 * timestamp mode equal but for each file's own source mtime, and with
 * `SOURCE_DATE_EPOCH` set (hash-checked bytecode) byte for byte. Both
 * installs go to the same venv path in turn, so the paths compiled into the
 * bytecode are the same. Enough modules are given that the work is split
 * over several interpreter processes and many batches.
 */

import { join, relative } from "node:path";
import { main } from "../../lib/cli/main.ts";
import { captureIo } from "../../lib/cli/io.ts";
import { writeWheel } from "../helpers/wheel_builder.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { makeVenv, oracle, python311 } from "./install_wheel_support.ts";

const needs = skipUnless(python311 && oracle, "pyenv Python 3.11 with pip 23.2.1");

function modules(): Record<string, string> {
  const files: Record<string, string> = {
    "cdemo/__init__.py": "from cdemo.sub import mod\n",
    "cdemo/sub/__init__.py": "",
    "cdemo/sub/mod.py": "def f(x):\n    return [i * x for i in range(3)]\n",
    "cdemo/broken.py": "def f(:\n",
    "cdemo/data.txt": "not python\n",
    "cdemo_top.py": "import cdemo\n",
  };
  for (let i = 0; i < 70; i++) {
    // One-character strings are shared by the whole interpreter: whether one is interned
    // depends on what the compiling process did before (pip's has "{" interned, not "["),
    // and marshal writes that down.
    files[`cdemo/gen/m${i}.py`] = `VALUE = ${i}\nMARKS = ("[", "]", "{", "}", ",", ":")\n` +
      "def g():\n    return VALUE\n".repeat(i % 5);
  }
  return files;
}

/** Every `.pyc` under `root`, by path relative to it. */
function bytecode(root: string): Map<string, Uint8Array> {
  const found = new Map<string, Uint8Array>();
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) walk(path);
      else if (entry.name.endsWith(".pyc")) {
        found.set(relative(root, path), Deno.readFileSync(path));
      }
    }
  };
  walk(root);
  return found;
}

/** The source a `.pyc` was compiled from (`a/__pycache__/b.cpython-311.pyc` → `a/b.py`). */
function sourceOf(root: string, pyc: string): string {
  const parts = pyc.split("/");
  const name = parts.pop()!.replace(/\.cpython-\d+\.pyc$/, ".py");
  parts.pop(); // __pycache__
  return join(root, ...parts, name);
}

function recordPycRows(sitePackages: string): string[] {
  const record = Deno.readTextFileSync(join(sitePackages, "cdemo-1.0.dist-info/RECORD"));
  return record.split("\n").filter((row) => row.includes(".pyc,")).sort();
}

async function installWithPip(python: string, wheel: string, env: Record<string, string>) {
  const result = await new Deno.Command(oracle!, {
    args: [
      "-m",
      "pip",
      "--python",
      python,
      "install",
      "--no-deps",
      "--no-index",
      "--compile",
      wheel,
    ],
    env: {
      PIP_CONFIG_FILE: "/dev/null",
      PIP_DISABLE_PIP_VERSION_CHECK: "1",
      PIP_NO_CACHE_DIR: "1",
      HOME: Deno.env.get("HOME") ?? "/tmp",
      PATH: Deno.env.get("PATH") ?? "",
      ...env,
    },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(result.code, 0, new TextDecoder().decode(result.stderr));
}

async function installWithDpip(
  python: string,
  wheel: string,
  options: { home: string; env: Record<string, string> },
) {
  const io = captureIo({
    env: { HOME: options.home, PATH: Deno.env.get("PATH") ?? "", ...options.env },
    cwd: options.home,
  });
  const args = ["install", "--python", python, "--cache-dir", join(options.home, "cache")];
  const status = await main([...args, "--no-deps", "--compile", wheel], io);
  assertEquals(status, 0, io.err());
}

for (const mode of ["timestamp", "checked-hash"] as const) {
  Deno.test({
    name: `--compile writes pip 23.2.1's .pyc files and RECORD rows (${mode})`,
    ignore: needs,
    fn: async () => {
      const home = await Deno.makeTempDir({ prefix: "dpip-compile-" });
      try {
        const wheel = await writeWheel(join(home, "wheels"), {
          name: "cdemo",
          version: "1.0",
          files: modules(),
          dataFiles: {
            "scripts/ctool.py": "#!python\nimport cdemo\n",
            "data/share/cdemo/helper.py": "HELP = 1\n",
            "purelib/cdemo_extra.py": "EXTRA = 1\n",
          },
        });
        const env: Record<string, string> = mode === "checked-hash"
          ? { SOURCE_DATE_EPOCH: "1700000000" }
          : {};
        const root = join(home, "venv");
        const pipVenv = await makeVenv(root);
        await installWithPip(pipVenv.python, wheel.path, env);
        const fromPip = bytecode(root);
        const pipRows = recordPycRows(pipVenv.sitePackages);
        await Deno.remove(root, { recursive: true });

        const venv = await makeVenv(root);
        await installWithDpip(venv.python, wheel.path, { home, env });
        const fromDpip = bytecode(root);

        assertEquals([...fromDpip.keys()].sort(), [...fromPip.keys()].sort());
        assert(fromPip.size >= 75, `pip compiled ${fromPip.size} files`);
        assert(![...fromPip.keys()].some((path) => path.includes("broken")));
        assert([...fromPip.keys()].some((path) => path.startsWith("bin/__pycache__/ctool.")));
        assert([...fromPip.keys()].some((path) => path.startsWith("share/cdemo/__pycache__/")));
        assertEquals(recordPycRows(venv.sitePackages), pipRows);
        for (const [path, pipBytes] of fromPip) {
          const dpipBytes = fromDpip.get(path)!;
          const flags = new DataView(dpipBytes.buffer).getUint32(4, true);
          if (mode === "checked-hash") {
            assertEquals(flags, 0b11, `${path} is hash-checked`);
            assertEquals(dpipBytes, pipBytes, path);
            continue;
          }
          // Timestamp mode: the header names each install's own source mtime; the rest is equal.
          assertEquals(flags, 0, `${path} is timestamped`);
          assertEquals(dpipBytes.subarray(0, 8), pipBytes.subarray(0, 8), path);
          assertEquals(dpipBytes.subarray(12), pipBytes.subarray(12), path);
          const mtime = Deno.statSync(sourceOf(root, path)).mtime!.getTime();
          const stamped = new DataView(dpipBytes.buffer).getUint32(8, true);
          assertEquals(stamped, Math.floor(mtime / 1000) >>> 0, `${path} names its source's mtime`);
        }
      } finally {
        await Deno.remove(home, { recursive: true });
      }
    },
  });
}
