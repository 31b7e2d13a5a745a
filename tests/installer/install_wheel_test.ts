import { createHash } from "node:crypto";
import { join } from "node:path";
import {
  checkWheelFilename,
  extractWheel,
  finishStagedWheel,
  stageWheel,
  StagingArea,
  WheelInstallError,
} from "../../lib/installer/install_wheel.ts";
import { Linker } from "../../lib/installer/wheel_cache.ts";
import { parseRecord } from "../../lib/dists/record.ts";
import type { Scheme } from "../../lib/python/environment.ts";
import { buildWheel, type WheelSpec } from "../helpers/wheel_builder.ts";
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";

const spec: WheelSpec = {
  name: "Demo_Pkg",
  version: "1.0",
  files: { "demo_pkg/__init__.py": "X = 1\n", "demo_pkg/tool.sh": "#!/bin/sh\n" },
  modes: { "demo_pkg/tool.sh": 0o100755 },
  dataFiles: {
    "scripts/run": "#!python -u\nprint(1)\n",
    "scripts/plain": "echo plain\n",
    "headers/demo.h": "int x;\n",
    "data/share/demo.txt": "d",
    "platlib/_native.so": "ELF",
  },
  entryPoints: {
    console_scripts: { demo: "demo_pkg:main" },
    gui_scripts: { "demo-gui": "demo_pkg.gui:run" },
  },
};

function scheme(root: string): Scheme {
  return {
    purelib: join(root, "lib", "site-packages"),
    platlib: join(root, "lib64", "site-packages"),
    scripts: join(root, "bin"),
    data: root,
    headers: join(root, "include", "site"),
  };
}

async function unpack(wheelSpec: WheelSpec, options: { warnings?: string[] } = {}) {
  const wheel = buildWheel(wheelSpec);
  const dir = await Deno.makeTempDir();
  const manifest = extractWheel(wheel.bytes, {
    filename: wheel.filename,
    dir,
    compatibleTags: new Set(["py3-none-any"]),
    onWarning: (message) => options.warnings?.push(message),
  });
  return { wheel, dir, manifest };
}

Deno.test("extractWheel() unpacks files with exec bits and returns the manifest", async () => {
  const { dir, manifest } = await unpack(spec);
  assertEquals(manifest.name, "demo-pkg");
  assertEquals(manifest.displayName, "Demo_Pkg");
  assertEquals(manifest.version, "1.0");
  assertEquals(manifest.distInfo, "demo_pkg-1.0.dist-info");
  assertEquals(manifest.rootIsPurelib, true);
  const executable = manifest.files.filter((f) => f.executable).map((f) => f.path).sort();
  assertEquals(executable, [
    "demo_pkg-1.0.data/scripts/plain",
    "demo_pkg-1.0.data/scripts/run",
    "demo_pkg/tool.sh",
  ]);
  assertEquals(Deno.readTextFileSync(join(dir, "demo_pkg/__init__.py")), "X = 1\n");
  assert(((Deno.statSync(join(dir, "demo_pkg/tool.sh")).mode ?? 0) & 0o111) !== 0);
  assertEquals((Deno.statSync(join(dir, "demo_pkg/__init__.py")).mode ?? 0) & 0o111, 0);
});

Deno.test("extractWheel() reads Wheel-Version as pip does: 0.x and 1.x install, newer than 1.0 warns", async () => {
  const cases: [string, string[]][] = [
    ["1.0", []],
    ["0.1", []],
    ["1", []],
    [" 1 . 0 ", []],
    ["-1.0", []],
    ["1.9", ["Installing from a newer Wheel-Version (1.9)"]],
    ["1.0.1", ["Installing from a newer Wheel-Version (1.0.1)"]],
    ["01.01", ["Installing from a newer Wheel-Version (1.1)"]],
  ];
  for (const [wheelVersion, expected] of cases) {
    const warnings: string[] = [];
    const { manifest } = await unpack({ ...spec, wheelVersion }, { warnings });
    assertEquals(warnings, expected, wheelVersion);
    assertEquals(manifest.wheelVersion, wheelVersion.trim());
  }
});

Deno.test("extractWheel() installs files RECORD leaves out or lists without a hash, and warns naming them", async () => {
  const warnings: string[] = [];
  const { dir, manifest, wheel } = await unpack({
    ...spec,
    record: {
      omit: ["demo_pkg/__init__.py"],
      edit: (lines) => [
        ...lines.map((l) => l.path === "demo_pkg/tool.sh" ? { ...l, hash: "", size: "" } : l),
        // Listed, not in the archive: ignored, as pip does.
        { path: "demo_pkg/ghost.py", hash: "sha256=AAAA", size: "3" },
      ],
    },
  }, { warnings });
  assertEquals(warnings, [
    `${wheel.filename}: its RECORD does not list "demo_pkg/__init__.py"; installed without a check`,
    `${wheel.filename}: its RECORD gives no hash for "demo_pkg/tool.sh"; installed without a check`,
  ]);
  assertEquals(Deno.readTextFileSync(join(dir, "demo_pkg/__init__.py")), "X = 1\n");
  const init = manifest.files.find((f) => f.path === "demo_pkg/__init__.py")!;
  assertEquals(init.hash, "sha256=" + createHash("sha256").update("X = 1\n").digest("base64url"));
  assertEquals(init.size, 6);
  assert(!manifest.files.some((f) => f.path === "demo_pkg/ghost.py"));

  const many: string[] = [];
  const files = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`m/f${i}.py`, ""]));
  await unpack({ ...spec, files, record: { omit: Object.keys(files) } }, { warnings: many });
  assertEquals(many, [
    `demo_pkg-1.0-py3-none-any.whl: its RECORD does not list "m/f0.py", "m/f1.py", "m/f2.py", "m/f3.py", "m/f4.py" and 3 more; installed without a check`,
  ]);
});

Deno.test("extractWheel() accepts RECORD.jws unlisted", async () => {
  const signed = buildWheel({
    ...spec,
    distInfoFiles: { "RECORD.jws": "sig" },
    record: { omit: ["demo_pkg-1.0.dist-info/RECORD.jws"] },
  });
  const manifest = extractWheel(signed.bytes, {
    filename: signed.filename,
    dir: await Deno.makeTempDir(),
  });
  assert(manifest.files.some((f) => f.path.endsWith("RECORD.jws")));
});

Deno.test("extractWheel() accepts sha384/sha512 RECORD hashes and padded digests", async () => {
  const wheel = buildWheel({
    ...spec,
    record: {
      edit: (lines) =>
        lines.map((line) =>
          line.path === "demo_pkg/__init__.py"
            ? { ...line, hash: "sha512=" + sha512("X = 1\n") }
            : line.path === "demo_pkg/tool.sh"
            ? { ...line, hash: line.hash + "=" }
            : line
        ),
    },
  });
  extractWheel(wheel.bytes, { filename: wheel.filename, dir: await Deno.makeTempDir() });
});

function sha512(text: string): string {
  return createHash("sha512").update(text).digest("base64url");
}

Deno.test("extractWheel() accepts a RECORD digest spelt in hex when it matches (some tools write hex)", async () => {
  const hex = (text: string) => createHash("sha256").update(text).digest("hex");
  const withHex = (digest: string) =>
    buildWheel({
      ...spec,
      record: {
        edit: (lines) =>
          lines.map((line) =>
            line.path === "demo_pkg/__init__.py" ? { ...line, hash: `sha256=${digest}` } : line
          ),
      },
    });
  const good = withHex(hex("X = 1\n"));
  extractWheel(good.bytes, { filename: good.filename, dir: await Deno.makeTempDir() });
  const bad = withHex(hex("X = 2\n"));
  assertThrows(
    () => extractWheel(bad.bytes, { filename: bad.filename, dir: Deno.makeTempDirSync() }),
    WheelInstallError,
    "does not match its sha256 hash in RECORD",
  );
});

Deno.test("extractWheel() names the wheel and the reason in every refusal", () => {
  const cases: [Partial<WheelSpec>, string][] = [
    [{ wheelVersion: "3.0" }, "its Wheel-Version 3.0 is not supported (dpip reads up to 1.x)"],
    [{ wheelVersion: "1_0.0" }, "its Wheel-Version 10.0 is not supported (dpip reads up to 1.x)"],
    [{ wheelFile: "Root-Is-Purelib: true\n" }, "demo_pkg-1.0.dist-info/WHEEL has no Wheel-Version"],
    [
      { wheelVersion: "1.x" },
      'demo_pkg-1.0.dist-info/WHEEL has an invalid Wheel-Version ("1.x")',
    ],
    [
      { wheelVersion: "1..0" },
      'demo_pkg-1.0.dist-info/WHEEL has an invalid Wheel-Version ("1..0")',
    ],
    [
      {
        record: {
          edit: (lines) =>
            lines.map((l) => l.path === "demo_pkg/__init__.py" ? { ...l, hash: "", size: "9" } : l),
        },
      },
      '"demo_pkg/__init__.py" is 6 bytes but RECORD says 9',
    ],
    [{
      metadata: { headers: [] },
      filename: "other-1.0-py3-none-any.whl",
      distInfoDir: "other-1.0.dist-info",
    }, "its METADATA names Demo_Pkg, not other"],
  ];
  for (const [extra, reason] of cases) {
    const wheel = buildWheel({ ...spec, ...extra });
    const error = assertThrows(
      () => extractWheel(wheel.bytes, { filename: wheel.filename, dir: Deno.makeTempDirSync() }),
      WheelInstallError,
    );
    assertEquals(error.message, `Cannot install ${wheel.filename}: ${reason}`);
  }
});

Deno.test("checkWheelFilename() checks tags against the interpreter's", () => {
  const tags = new Set(["cp311-cp311-manylinux_2_17_x86_64", "py3-none-any"]);
  assertEquals(checkWheelFilename("a-1.0-py2.py3-none-any.whl", tags), {
    name: "a",
    version: "1.0",
  });
  assertEquals(checkWheelFilename("a-1.0-cp27-cp27m-win32.whl", undefined).version, "1.0");
  const error = assertThrows(
    () => checkWheelFilename("a-1.0-cp27-cp27m-win32.whl", tags),
    WheelInstallError,
  );
  assertEquals(error.code, "incompatible-wheel");
});

Deno.test("StagingArea creates its directory and every one below it without a mkdir that fails", () => {
  const root = Deno.makeTempDirSync();
  const real = Deno.mkdirSync;
  const failed: string[] = [];
  Deno.mkdirSync = (path: string | URL, options?: Deno.MkdirOptions) => {
    try {
      real(path, options);
    } catch (error) {
      failed.push(String(path));
      throw error;
    }
  };
  try {
    const staging = new StagingArea(join(root, "work/stage/0"));
    const write = (target: string) => Deno.writeTextFileSync(target, "x");
    staging.place(staging.rootOf("/env/lib"), "pkg/sub/a.py", write);
    staging.place(staging.rootOf("/env/lib"), "pkg/other/b.py", write);
    staging.place(staging.rootOf("/env/bin"), "tool", write);
  } finally {
    Deno.mkdirSync = real;
  }
  assertEquals(failed, []);
  for (const path of ["0.0.pkg/sub/a.py", "0.0.pkg/other/b.py", "0.1.tool"]) {
    assertEquals(Deno.readTextFileSync(join(root, "work/stage/0", path)), "x");
  }
});

Deno.test("stageWheel() + finishStagedWheel() spread files by scheme and write a RECORD pip can use", async () => {
  const { dir, manifest } = await unpack({ ...spec, rootIsPurelib: false });
  const root = await Deno.makeTempDir();
  const target = scheme(root);
  const staging = new StagingArea(join(root, "stage"));
  const staged = stageWheel({
    tree: dir,
    manifest,
    scheme: target,
    staging,
    python: "/env/bin/python",
    pythonVersion: [3, 11],
    linker: new Linker("copy"),
  });
  assertEquals(staging.roots[staged.libRoot], target.platlib);
  finishStagedWheel(staged, {
    requested: true,
    directUrl: {
      url: "file:///w/demo_pkg-1.0-py3-none-any.whl",
      info: { kind: "archive", hash: "sha256=ab" },
    },
  });
  const read = (dest: string, path: string) =>
    Deno.readTextFileSync(staging.path(staging.roots.indexOf(dest), path));
  assertEquals(read(target.scripts, "run"), "#!/env/bin/python\nprint(1)\n");
  assertEquals(read(target.scripts, "plain"), "echo plain\n");
  assert(read(target.scripts, "demo").startsWith("#!/env/bin/python\n# -*- coding: utf-8 -*-\n"));
  assertEquals(read(join(target.headers, "demo-pkg"), "demo.h"), "int x;\n");
  assertEquals(read(target.data, "share/demo.txt"), "d");
  assertEquals(read(target.platlib, "_native.so"), "ELF");
  assertEquals(read(target.platlib, "demo_pkg-1.0.dist-info/INSTALLER"), "dpip\n");
  assertEquals(read(target.platlib, "demo_pkg-1.0.dist-info/REQUESTED"), "");
  assertEquals(
    read(target.platlib, "demo_pkg-1.0.dist-info/direct_url.json"),
    '{"archive_info": {"hash": "sha256=ab", "hashes": {"sha256": "ab"}}, "url": "file:///w/demo_pkg-1.0-py3-none-any.whl"}',
  );
  const record = read(target.platlib, "demo_pkg-1.0.dist-info/RECORD");
  assert(record.includes("\r\n"));
  const paths = parseRecord(record).map((row) => row.path);
  assertEquals(paths.at(-1), "demo_pkg-1.0.dist-info/RECORD");
  assertEquals(paths.slice(0, -1), [...paths.slice(0, -1)].sort());
  for (
    const expected of [
      "../../bin/demo",
      "../../bin/demo-gui",
      "../../bin/plain",
      "../../bin/run",
      "../../include/site/demo-pkg/demo.h",
      "../../share/demo.txt",
      "_native.so",
      "demo_pkg/__init__.py",
      "demo_pkg-1.0.dist-info/INSTALLER",
      "demo_pkg-1.0.dist-info/REQUESTED",
      "demo_pkg-1.0.dist-info/direct_url.json",
    ]
  ) assert(paths.includes(expected), expected);
  assert(!paths.some((path) => path.includes(".data/")));
});

Deno.test("stageWheel() refuses destinations that a link or another kind of file takes outside", async (t) => {
  const { dir, manifest } = await unpack(spec);
  const stage = (root: string) =>
    stageWheel({
      tree: dir,
      manifest,
      scheme: scheme(root),
      staging: new StagingArea(join(root, ".stage")),
      python: "/env/bin/python",
      pythonVersion: [3, 11],
      linker: new Linker("copy"),
    });
  const refused = (root: string, reason: string) => {
    const error = assertThrows(() => stage(root), WheelInstallError);
    assertEquals(error.code, "unsafe-destination");
    assertEquals(error.message, `Cannot install ${manifest.filename}: ${reason}`);
  };
  const cases: [string, (root: string, outside: string) => string][] = [
    ["a package directory that is a link", (root, outside) => {
      Deno.mkdirSync(join(root, "lib", "site-packages"), { recursive: true });
      Deno.symlinkSync(outside, join(root, "lib", "site-packages", "demo_pkg"));
      return `${
        join(root, "lib", "site-packages", "demo_pkg")
      } is a symbolic link; dpip does not install through links`;
    }],
    ["a data directory below the prefix that is a link", (root, outside) => {
      Deno.symlinkSync(outside, join(root, "share"));
      return `${join(root, "share")} is a symbolic link; dpip does not install through links`;
    }],
    ["a scripts directory that leads outside the environment", (root, outside) => {
      Deno.symlinkSync(outside, join(root, "bin"));
      return `${join(root, "bin")} leads outside ${root} (to ${
        Deno.realPathSync(outside)
      }, through a symbolic link); dpip does not install through it`;
    }],
    ["a dangling link for the scripts directory", (root, outside) => {
      Deno.symlinkSync(join(outside, "missing"), join(root, "bin"));
      return `${join(root, "bin")} leads outside ${root} (to ${
        join(Deno.realPathSync(outside), "missing")
      }, through a symbolic link); dpip does not install through it`;
    }],
    ["a directory where the wheel has a file", (root) => {
      Deno.mkdirSync(join(root, "bin", "demo"), { recursive: true });
      return `${join(root, "bin", "demo")} is a directory where the wheel has a file`;
    }],
  ];
  for (const [title, prepare] of cases) {
    await t.step(title, () => {
      const root = Deno.makeTempDirSync();
      const outside = Deno.makeTempDirSync();
      try {
        refused(root, prepare(root, outside));
        assertEquals([...Deno.readDirSync(outside)], []);
      } finally {
        Deno.removeSync(root, { recursive: true });
        Deno.removeSync(outside, { recursive: true });
      }
    });
  }
  await t.step(
    "links inside the environment are fine for scheme directories (lib64 -> lib)",
    () => {
      const root = Deno.makeTempDirSync();
      try {
        Deno.mkdirSync(join(root, "lib", "site-packages"), { recursive: true });
        Deno.symlinkSync("lib", join(root, "lib64"));
        const staged = stage(root);
        assert(staged.files.length > 0);
      } finally {
        Deno.removeSync(root, { recursive: true });
      }
    },
  );
});

Deno.test("stageWheel() refuses a cached manifest that lists an unsafe path", async () => {
  const { dir, manifest } = await unpack(spec);
  const root = await Deno.makeTempDir();
  for (const path of ["../../outside.py", "/etc/passwd", "demo_pkg/../../x", "a//b"]) {
    const error = assertThrows(
      () =>
        stageWheel({
          tree: dir,
          manifest: { ...manifest, files: [...manifest.files, { ...manifest.files[0]!, path }] },
          scheme: scheme(root),
          staging: new StagingArea(join(root, "stage")),
          python: "/env/bin/python",
          pythonVersion: [3, 11],
          linker: new Linker("copy"),
        }),
      WheelInstallError,
    );
    assertEquals(
      error.message,
      `Cannot install ${manifest.filename}: its unpacked copy in the cache lists an unsafe path (${
        JSON.stringify(path)
      }); remove the cache entry (dpip cache purge) and retry`,
    );
  }
});
