/**
 * Where a wheel's files go, table-driven and without a file system: the
 * layout is data from a manifest and the contents of the few files it reads.
 */

import { canonicalizeName } from "../../lib/names/mod.ts";
import { isDpipError } from "../../lib/errors.ts";
import { layoutWheel, type WheelLayout } from "../../lib/installer/wheel_layout.ts";
import { WheelInstallError, type WheelManifest } from "../../lib/installer/wheel.ts";
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const DIST_INFO = "demo-1.0.dist-info";
const PYTHON = "/v/bin/python";

/** A wheel's files (path → content) as the layout's source, recording what it reads. */
function source(
  contents: Record<string, string>,
  options: { rootIsPurelib?: boolean; distInfo?: string } = {},
) {
  const reads: string[] = [];
  const manifest: WheelManifest = {
    filename: "demo-1.0-py3-none-any.whl",
    name: canonicalizeName("demo"),
    displayName: "demo",
    version: "1.0",
    distInfo: options.distInfo ?? DIST_INFO,
    rootIsPurelib: options.rootIsPurelib ?? true,
    wheelVersion: "1.0",
    files: Object.keys(contents).map((path) => ({
      path,
      hash: `sha256=${path.length}`,
      size: contents[path]!.length,
      executable: false,
    })),
  };
  return {
    reads,
    manifest,
    read(path: string): Uint8Array {
      reads.push(path);
      const content = contents[path];
      if (content === undefined) throw new Error(`no ${path}`);
      return encoder.encode(content);
    },
  };
}

/** `scheme/path` and, for generated files, their content; `=` for files linked unchanged. */
function summary(layout: WheelLayout): string[] {
  return layout.placements.map(({ scheme, path, content }) =>
    `${scheme}/${path} ${
      content.kind === "file" ? `= ${content.from}` : JSON.stringify(decoder.decode(content.bytes))
    }`
  );
}

const METADATA = { [`${DIST_INFO}/METADATA`]: "", [`${DIST_INFO}/RECORD`]: "" };

const CASES: {
  name: string;
  files: Record<string, string>;
  rootIsPurelib?: boolean;
  root: "purelib" | "platlib";
  placements: string[];
  reads: string[];
}[] = [
  {
    name:
      "a pure wheel's root files and dist-info go to purelib; RECORD is left to the destination",
    files: { "demo/__init__.py": "", ...METADATA },
    root: "purelib",
    placements: [
      "purelib/demo/__init__.py = demo/__init__.py",
      `purelib/${DIST_INFO}/METADATA = ${DIST_INFO}/METADATA`,
    ],
    reads: [],
  },
  {
    name: "a platform wheel's root files go to platlib",
    files: { "demo/_x.so": "ELF", ...METADATA },
    rootIsPurelib: false,
    root: "platlib",
    placements: [
      "platlib/demo/_x.so = demo/_x.so",
      `platlib/${DIST_INFO}/METADATA = ${DIST_INFO}/METADATA`,
    ],
    reads: [],
  },
  {
    name: ".data/<key>/ goes to the scheme directory of each key",
    files: {
      "demo-1.0.data/purelib/p.py": "",
      "demo-1.0.data/platlib/sub/q.so": "",
      "demo-1.0.data/headers/demo.h": "",
      "demo-1.0.data/data/share/demo.txt": "",
      "demo-1.0.data/scripts/plain": "echo plain\n",
    },
    rootIsPurelib: false,
    root: "platlib",
    placements: [
      "purelib/p.py = demo-1.0.data/purelib/p.py",
      "platlib/sub/q.so = demo-1.0.data/platlib/sub/q.so",
      "headers/demo.h = demo-1.0.data/headers/demo.h",
      "data/share/demo.txt = demo-1.0.data/data/share/demo.txt",
      "scripts/plain = demo-1.0.data/scripts/plain",
    ],
    reads: ["demo-1.0.data/scripts/plain"],
  },
  {
    name:
      "#!python and #!pythonw scripts get the target interpreter; others are linked as they are",
    files: {
      "demo-1.0.data/scripts/run": "#!python -u\nprint(1)\n",
      "demo-1.0.data/scripts/gui": "#!pythonw\nprint(2)",
      "demo-1.0.data/scripts/sh": "#!/bin/sh\necho 3\n",
      "demo-1.0.data/scripts/py3": "#!python3\n",
    },
    root: "purelib",
    placements: [
      `scripts/run "#!${PYTHON}\\nprint(1)\\n"`,
      `scripts/gui "#!${PYTHON}\\nprint(2)"`,
      "scripts/sh = demo-1.0.data/scripts/sh",
      `scripts/py3 "#!${PYTHON}\\n"`,
    ],
    reads: [
      "demo-1.0.data/scripts/run",
      "demo-1.0.data/scripts/gui",
      "demo-1.0.data/scripts/sh",
      "demo-1.0.data/scripts/py3",
    ],
  },
  {
    name: "a path with .data/ below the top, or a .data file with no key, is a root file",
    files: { "pkg/x.data/scripts/a": "", "demo-1.0.data/loose": "" },
    root: "purelib",
    placements: [
      "purelib/pkg/x.data/scripts/a = pkg/x.data/scripts/a",
      "purelib/demo-1.0.data/loose = demo-1.0.data/loose",
    ],
    reads: [],
  },
  {
    name: "console and GUI launchers are generated; one replaces a script of the same name",
    files: {
      "demo-1.0.data/scripts/demo": "#!/bin/sh\n",
      [`${DIST_INFO}/entry_points.txt`]:
        "[console_scripts]\ndemo = demo.cli:main\n[gui_scripts]\ndemo-gui = demo.gui:run\n",
    },
    root: "purelib",
    placements: [
      `purelib/${DIST_INFO}/entry_points.txt = ${DIST_INFO}/entry_points.txt`,
      `scripts/demo ${JSON.stringify(launcher("demo.cli", "main"))}`,
      `scripts/demo-gui ${JSON.stringify(launcher("demo.gui", "run"))}`,
    ],
    reads: ["demo-1.0.data/scripts/demo", `${DIST_INFO}/entry_points.txt`],
  },
];

function launcher(module: string, attr: string): string {
  return [
    `#!${PYTHON}`,
    "# -*- coding: utf-8 -*-",
    "import re",
    "import sys",
    `from ${module} import ${attr}`,
    "if __name__ == '__main__':",
    "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])",
    `    sys.exit(${attr}())`,
    "",
  ].join("\n");
}

for (const c of CASES) {
  Deno.test(`layoutWheel(): ${c.name}`, () => {
    const wheel = source(c.files, { rootIsPurelib: c.rootIsPurelib ?? true });
    const layout = layoutWheel(wheel, {
      python: PYTHON,
      pythonVersion: [3, 12],
      platform: "linux",
    });
    assertEquals(layout.root, c.root);
    assertEquals(summary(layout), c.placements);
    assertEquals(wheel.reads, c.reads);
  });
}

Deno.test("layoutWheel(): generated files carry their RECORD hash and size; linked files keep the wheel's", () => {
  const wheel = source({ "demo-1.0.data/scripts/run": "#!python\n", "demo/a.py": "x" });
  const [script, file] = layoutWheel(wheel, { python: "/p", pythonVersion: [3, 12] }).placements;
  assertEquals(script?.content.kind === "generated" && [script.content.hash, script.content.size], [
    "sha256=b7zL6nZLkKamNLBSll3i0zxhpWc1HzFHzOJgueuHYNY", // hashlib.sha256(b"#!/p\n"), urlsafe b64
    5,
  ]);
  assertEquals(file?.content.kind === "file" && [file.content.hash, file.content.size], [
    "sha256=9",
    1,
  ]);
});

const HOSTILE: { name: string; files: Record<string, string>; distInfo?: string }[] = [
  { name: "a parent-directory part", files: { "../outside.py": "" } },
  { name: "a parent-directory part inside", files: { "demo/../../outside.py": "" } },
  { name: "an absolute path", files: { "/etc/passwd": "" } },
  { name: "an empty part", files: { "demo//x.py": "" } },
  { name: "a '.' part", files: { "./demo/x.py": "" } },
  { name: "a backslash", files: { "demo\\..\\x.py": "" } },
  { name: "a NUL byte", files: { "demo/x\0.py": "" } },
  { name: "an empty path", files: { "": "" } },
  { name: "a trailing slash", files: { "demo/": "" } },
  { name: "a trailing '..' part", files: { "demo/..": "" } },
  { name: "a '..' path", files: { "..": "" } },
  { name: "a data path that escapes", files: { "demo-1.0.data/data/../../../x": "" } },
  { name: "a .data key that is not a scheme key", files: { "demo-1.0.data/evil/x": "" } },
  { name: "a dist-info with a slash", files: {}, distInfo: "a/b.dist-info" },
  { name: "a dist-info that is '..'", files: {}, distInfo: ".." },
];

for (const c of HOSTILE) {
  Deno.test(`layoutWheel(): a manifest with ${c.name} is refused before anything is read`, () => {
    const wheel = source(
      { ...c.files, "demo-1.0.data/scripts/run": "#!python\n" },
      c.distInfo === undefined ? {} : { distInfo: c.distInfo },
    );
    const error = assertThrows(
      () => layoutWheel(wheel, { python: PYTHON, pythonVersion: [3, 12] }),
      WheelInstallError,
    );
    assert(isDpipError(error, "unsafe-archive"), error.message);
    assertEquals(wheel.reads, []);
  });
}

for (
  const [name, line] of [
    ["a launcher name with a parent directory", "../../outside/ep = demo:main"],
    ["an absolute launcher name", "/abs = demo:main"],
    ["a launcher name with a slash", "sub/x = demo:main"],
    ["an entry point without a callable", "demo = demo"],
  ]
) {
  Deno.test(`layoutWheel(): ${name} is refused`, () => {
    const wheel = source({ [`${DIST_INFO}/entry_points.txt`]: `[console_scripts]\n${line}\n` });
    const error = assertThrows(
      () => layoutWheel(wheel, { python: PYTHON, pythonVersion: [3, 12] }),
      WheelInstallError,
    );
    assert(error.message.startsWith("Cannot install demo-1.0-py3-none-any.whl: "), error.message);
  });
}
