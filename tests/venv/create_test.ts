/**
 * Writing a venv into the directory given: new (parents made too), empty,
 * or a venv already (updated in place, installed packages kept; `clear`
 * empties it); a file, a link, a non-empty directory that is not a venv, or
 * a venv of another Python version is refused in one line with nothing
 * changed.
 *
 * @module
 */

import { join } from "node:path";
import {
  createVenv,
  VenvDirectoryError,
  type VenvInterpreter,
  type VenvOptions,
} from "../../lib/venv/mod.ts";
import { assertEquals, assertThrows } from "../helpers/assert.ts";

function python(version: [number, number, number], executable: string): VenvInterpreter {
  return {
    executable,
    realExecutable: executable,
    version,
    implementationName: "cpython",
    system: "Linux",
    is32Bit: false,
    abiflags: "",
    freeThreaded: false,
  };
}

const py312 = python([3, 12, 1], "/opt/a/bin/python3");

function options(dir: string, extra: Partial<VenvOptions> = {}): VenvOptions {
  return { dir, systemSitePackages: false, clear: false, withPip: false, ...extra };
}

/** Every entry under `dir`: `d path`, `f path`, `l path -> target`. */
function tree(dir: string, prefix = ""): string[] {
  const out: string[] = [];
  for (
    const entry of [...Deno.readDirSync(join(dir, prefix))].sort((a, b) => a.name < b.name ? -1 : 1)
  ) {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isSymlink) out.push(`l ${path} -> ${Deno.readLinkSync(join(dir, path))}`);
    else if (entry.isDirectory) out.push(`d ${path}`, ...tree(dir, path));
    else out.push(`f ${path}`);
  }
  return out;
}

async function withTemp(fn: (root: string) => void | Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "dpip-venv-create-" });
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("createVenv: a new directory and its missing parents; `made` names the topmost", () =>
  withTemp((root) => {
    const dir = join(root, "a", "b", "venv");
    const created = createVenv(py312, options(dir));
    assertEquals(created.made, join(root, "a"));
    assertEquals(tree(dir), [
      "d bin",
      "f bin/Activate.ps1",
      "f bin/activate",
      "f bin/activate.csh",
      "f bin/activate.fish",
      "f bin/activate_this.py",
      "l bin/python -> python3",
      "l bin/python3 -> /opt/a/bin/python3",
      "l bin/python3.12 -> python3",
      "d include",
      "d include/python3.12",
      "d lib",
      "d lib/python3.12",
      "d lib/python3.12/site-packages",
      "l lib64 -> lib",
      "f pyvenv.cfg",
    ]);
    // An empty existing directory is used as it is.
    const empty = join(root, "empty");
    Deno.mkdirSync(empty);
    assertEquals(createVenv(py312, options(empty)).made, undefined);
    assertEquals(tree(empty).length, 16);
  }));

Deno.test("createVenv updates a venv in place: packages kept, links and config replaced", () =>
  withTemp((root) => {
    const dir = join(root, "venv");
    createVenv(py312, options(dir));
    const site = join(dir, "lib/python3.12/site-packages");
    Deno.writeTextFileSync(join(site, "kept.py"), "");
    const other = python([3, 12, 4], "/opt/b/bin/python3.12");
    assertEquals(createVenv(other, options(dir, { systemSitePackages: true })).made, undefined);
    assertEquals([...Deno.readDirSync(site)].map((entry) => entry.name), ["kept.py"]);
    assertEquals(Deno.readLinkSync(join(dir, "bin/python3.12")), "/opt/b/bin/python3.12");
    assertEquals(Deno.readLinkSync(join(dir, "bin/python3")), "python3.12");
    const config = Deno.readTextFileSync(join(dir, "pyvenv.cfg"));
    assertEquals(config.split("\n").slice(0, 3), [
      "home = /opt/b/bin",
      "include-system-site-packages = true",
      "version = 3.12.4",
    ]);
    // No temporary files left behind.
    assertEquals(tree(dir).filter((line) => line.includes(".tmp")), []);
  }));

Deno.test("createVenv refuses a file, a link, a foreign directory, another version; nothing changes", () =>
  withTemp((root) => {
    const file = join(root, "file");
    Deno.writeTextFileSync(file, "x");
    const link = join(root, "link");
    Deno.mkdirSync(join(root, "real"));
    Deno.symlinkSync(join(root, "real"), link);
    const foreign = join(root, "foreign");
    Deno.mkdirSync(foreign);
    Deno.writeTextFileSync(join(foreign, "notes.txt"), "mine");
    const old = join(root, "old");
    createVenv(python([3, 11, 7], "/opt/c/bin/python3"), options(old));
    const before = [tree(root), Deno.readTextFileSync(join(old, "pyvenv.cfg"))];
    const cases: [string, Partial<VenvOptions>, string][] = [
      [file, {}, `Cannot create a virtual environment in ${file}: it is a file`],
      [link, {}, `Cannot create a virtual environment in ${link}: it is a symbolic link`],
      [
        foreign,
        { clear: true },
        `Cannot create a virtual environment in ${foreign}: it is not empty and not a virtual environment (no pyvenv.cfg)`,
      ],
      [
        old,
        {},
        `Cannot create a virtual environment in ${old}: it is a Python 3.11 virtual environment, and this is Python 3.12`,
      ],
    ];
    for (const [dir, extra, message] of cases) {
      const error = assertThrows(() => createVenv(py312, options(dir, extra)), VenvDirectoryError);
      assertEquals(error.message, message);
    }
    assertEquals([tree(root), Deno.readTextFileSync(join(old, "pyvenv.cfg"))], before);
  }));

Deno.test("createVenv with clear empties the old venv first (links removed, not followed)", () =>
  withTemp((root) => {
    const dir = join(root, "venv");
    const outside = join(root, "outside");
    Deno.mkdirSync(outside);
    Deno.writeTextFileSync(join(outside, "keep.txt"), "outside the venv");
    createVenv(python([3, 11, 7], "/opt/c/bin/python3"), options(dir));
    Deno.symlinkSync(outside, join(dir, "lib/python3.11/site-packages/linked"));
    createVenv(py312, options(dir, { clear: true }));
    assertEquals(tree(dir).some((line) => line.includes("3.11")), false);
    assertEquals(Deno.readTextFileSync(join(outside, "keep.txt")), "outside the venv");
    assertEquals(
      Deno.readTextFileSync(join(dir, "pyvenv.cfg")).includes("--clear"),
      true,
    );
  }));
