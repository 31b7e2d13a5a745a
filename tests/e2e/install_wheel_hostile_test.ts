/**
 * The crafted-hostile-wheel suite: every refusal is one line naming the
 * wheel and the reason, exits non-zero, and leaves the environment (and the
 * cache) byte-identical.
 */

import { join } from "node:path";
import { buildWheel, type WheelSpec } from "../helpers/wheel_builder.ts";
import { readZipDirectory } from "../../lib/archive/zip.ts";
import { assert, assertEquals, assertMatch } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import {
  dpip,
  makeVenv,
  python311,
  snapshotDiff,
  treeSnapshot,
  type Venv,
  withVenvs,
} from "./install_wheel_support.ts";
import { withIndexEnv } from "./install_support.ts";
import { wheelFile } from "../helpers/index_server.ts";

const base: WheelSpec = {
  name: "victim",
  version: "1.0",
  files: { "victim/__init__.py": "VALUE = 1\n", "victim/data.txt": "data ".repeat(200) },
  entryPoints: { console_scripts: { victim: "victim:main" } },
};

interface HostileCase {
  readonly title: string;
  /** The wheel file's bytes and name (`home` holds the venv, and `outside`, which must not change). */
  readonly wheel: (context: { home: string }) => { filename: string; bytes: Uint8Array };
  readonly reason: RegExp;
  /** The start of the line, when not `ERROR: Cannot install <wheel>: `. */
  readonly prefix?: string;
}

const spec = (extra: Partial<WheelSpec>): WheelSpec => ({ ...base, ...extra });
const built = (extra: Partial<WheelSpec>) => () => buildWheel(spec(extra));

const CASES: HostileCase[] = [
  {
    title: "a .. entry",
    wheel: built({ extraEntries: [{ name: "../../../evil.py", data: "import os" }] }),
    reason: /entry "\.\.\/\.\.\/\.\.\/evil\.py" escapes the target directory/,
  },
  {
    title: "a .. inside a path",
    wheel: built({ extraEntries: [{ name: "victim/../../evil.py", data: "x" }] }),
    reason: /escapes the target directory/,
  },
  {
    title: "an absolute path",
    wheel: built({ extraEntries: [{ name: "/tmp/evil.py", data: "x" }] }),
    reason: /entry "\/tmp\/evil\.py" has an absolute path/,
  },
  {
    title: "a drive letter",
    wheel: built({ extraEntries: [{ name: "C:/evil.py", data: "x" }] }),
    reason: /starts with a drive letter/,
  },
  {
    title: "backslashes that escape",
    wheel: built({ extraEntries: [{ name: "..\\..\\evil.py", data: "x" }] }),
    reason: /has a backslash in its name/,
  },
  {
    title: "a symlink entry",
    wheel: built({ extraEntries: [{ name: "victim/link", data: "/etc/passwd", mode: 0o120777 }] }),
    reason: /entry "victim\/link" is a symbolic link/,
  },
  {
    title: "entries sharing data (a hard link)",
    wheel: () => {
      const wheel = buildWheel(spec({}));
      const bytes = wheel.bytes.slice();
      const view = new DataView(bytes.buffer);
      const directory = view.getUint32(bytes.length - 22 + 16, true);
      // The second central record now points at the first entry's data.
      const second = directory + 46 + view.getUint16(directory + 28, true);
      view.setUint32(second + 42, 0, true);
      return { filename: wheel.filename, bytes };
    },
    reason: /share data/,
  },
  {
    title: "a local header naming another file than the central directory",
    wheel: () => {
      const wheel = buildWheel(spec({}));
      const bytes = wheel.bytes.slice();
      const zip = readZipDirectory(bytes, { archive: wheel.filename });
      const entry = zip.entries.find((e) => e.name === "victim/data.txt")!;
      // A reader going by local headers would write a .pth file (run at every start-up).
      bytes.set(new TextEncoder().encode("victim/data.pth"), entry.dataOffset - 15);
      return { filename: wheel.filename, bytes };
    },
    reason:
      /entry "victim\/data\.txt" has another name in its local header \("victim\/data\.pth"\)/,
  },
  {
    title: "a RECORD hash mismatch",
    wheel: built({
      record: {
        edit: (lines) =>
          lines.map((line) =>
            line.path === "victim/__init__.py"
              ? { ...line, hash: "sha256=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }
              : line
          ),
      },
    }),
    reason: /"victim\/__init__\.py" does not match its sha256 hash in RECORD/,
  },
  {
    title: "a RECORD size mismatch",
    wheel: built({
      record: {
        edit: (lines) =>
          lines.map((line) => line.path === "victim/data.txt" ? { ...line, size: "5" } : line),
      },
    }),
    reason: /"victim\/data\.txt" is 1000 bytes but RECORD says 5/,
  },
  {
    title: "a weak hash in RECORD",
    wheel: built({
      record: {
        edit: (lines) =>
          lines.map((line) =>
            line.path === "victim/data.txt" ? { ...line, hash: "md5=AAAAAAAAAAAAAAAAAAAAAA" } : line
          ),
      },
    }),
    reason: /RECORD uses the md5 hash/,
  },
  {
    title: "no RECORD",
    wheel: built({ record: { absent: true } }),
    reason: /victim-1\.0\.dist-info\/RECORD is missing/,
  },
  {
    title: "a truncated zip",
    wheel: () => {
      const wheel = buildWheel(spec({}));
      return { filename: wheel.filename, bytes: wheel.bytes.subarray(0, wheel.bytes.length - 100) };
    },
    reason: /not a zip archive, or truncated|truncated|corrupt/,
  },
  {
    title: "garbage instead of a zip",
    wheel: () => ({
      filename: "victim-1.0-py3-none-any.whl",
      bytes: new TextEncoder().encode("<html>404 Not Found</html>".repeat(10)),
    }),
    reason: /not a zip archive/,
  },
  {
    title: "corrupt deflate data",
    wheel: () => {
      const wheel = buildWheel(spec({}));
      const bytes = wheel.bytes.slice();
      const zip = readZipDirectory(bytes, { archive: wheel.filename });
      const entry = zip.entries.find((e) => e.name === "victim/data.txt")!;
      for (let at = 2; at < entry.compressedSize - 2; at++) bytes[entry.dataOffset + at]! ^= 0x55;
      return { filename: wheel.filename, bytes };
    },
    reason: /"victim\/data\.txt" (is corrupt|holds|does not match|inflates)/,
  },
  {
    title: "a zip bomb declaring an absurd size",
    wheel: built({
      extraEntries: [{ name: "victim/bomb.bin", data: "0", declaredSize: 2 ** 31 }],
    }),
    reason: /entry "victim\/bomb\.bin" declares 2147483648 bytes/,
  },
  {
    title: "a zip bomb inflating past its declared size",
    wheel: built({
      files: { ...base.files, "victim/bomb.bin": new Uint8Array(5_000_000) },
      declaredSizes: { "victim/bomb.bin": 1024 },
      record: {
        edit: (lines) =>
          lines.map((line) => line.path === "victim/bomb.bin" ? { ...line, size: "1024" } : line),
      },
    }),
    reason: /entry "victim\/bomb\.bin" inflates to more than its declared 1024 bytes/,
  },
  {
    title: "a Wheel-Version 2.0",
    wheel: built({ wheelVersion: "2.0" }),
    reason: /its Wheel-Version 2\.0 is not supported/,
  },
  {
    title: "a Wheel-Version pip reads as 10.0 (1_0.0)",
    wheel: built({ wheelVersion: "1_0.0" }),
    reason: /its Wheel-Version 10\.0 is not supported/,
  },
  {
    title: "an unreadable Wheel-Version",
    wheel: built({ wheelVersion: "1.0-beta" }),
    reason: /victim-1\.0\.dist-info\/WHEEL has an invalid Wheel-Version \("1\.0-beta"\)/,
  },
  {
    title: "a file RECORD lists without a hash, at another size",
    wheel: built({
      record: {
        edit: (lines) =>
          lines.map((line) =>
            line.path === "victim/data.txt" ? { ...line, hash: "", size: "999" } : line
          ),
      },
    }),
    reason: /"victim\/data\.txt" is 1000 bytes but RECORD says 999/,
  },
  {
    title: "a missing WHEEL file",
    wheel: built({ omitFiles: ["victim-1.0.dist-info/WHEEL"] }),
    reason: /victim-1\.0\.dist-info\/WHEEL is missing/,
  },
  {
    title: "a dist-info for another project",
    wheel: built({ distInfoDir: "other-1.0.dist-info" }),
    reason: /its other-1\.0\.dist-info directory is for other, not victim/,
  },
  {
    title: "a dist-info for another version",
    wheel: built({ distInfoDir: "victim-2.0.dist-info" }),
    reason: /its victim-2\.0\.dist-info directory has version 2\.0, not 1\.0/,
  },
  {
    title: "METADATA naming another version",
    wheel: built({ filename: "victim-1.1-py3-none-any.whl", distInfoDir: "victim-1.1.dist-info" }),
    reason: /its METADATA has version 1\.0, not 1\.1/,
  },
  {
    title: "two dist-info directories",
    wheel: built({ extraEntries: [{ name: "evil-1.0.dist-info/METADATA", data: "x" }] }),
    reason: /it has several \.dist-info directories: evil-1\.0\.dist-info, victim-1\.0\.dist-info/,
  },
  {
    title: "an unknown .data directory",
    wheel: built({ dataFiles: { "etc/passwd": "x" } }),
    reason: /"victim-1\.0\.data\/etc\/passwd" is not in a scheme directory/,
  },
  {
    title: "an entry point without a callable",
    wheel: built({ entryPoints: { console_scripts: { victim: "victim" } } }),
    reason: /invalid script entry point "victim = victim": a callable suffix is required/,
  },
  {
    title: "a console script named ../../outside/ep",
    wheel: built({ entryPoints: { console_scripts: { "../../outside/ep": "victim:main" } } }),
    reason:
      /invalid script entry point "\.\.\/\.\.\/outside\/ep = victim:main": its name is not a plain file name/,
  },
  {
    title: "a GUI script named ../../outside/gui",
    wheel: built({ entryPoints: { gui_scripts: { "../../outside/gui": "victim:main" } } }),
    reason: /"\.\.\/\.\.\/outside\/gui = victim:main": its name is not a plain file name/,
  },
  {
    title: "a console script with an absolute name",
    wheel: ({ home }) =>
      buildWheel(
        spec({ entryPoints: { console_scripts: { [`${home}/outside/abs`]: "victim:main" } } }),
      ),
    reason: /outside\/abs = victim:main": its name is not a plain file name/,
  },
  {
    title: "a console script named into lib/",
    wheel: built({
      entryPoints: {
        console_scripts: { "../lib/python3.11/site-packages/evil.py": "victim:main" },
      },
    }),
    reason: /"\.\.\/lib\/python3\.11\/site-packages\/evil\.py = victim:main": its name is not/,
  },
  {
    title: "tags this Python cannot use",
    wheel: built({ tags: "cp27-cp27mu-manylinux1_i686" }),
    reason:
      /it is not a supported wheel on this platform \(its tags: cp27-cp27mu-manylinux1_i686\)/,
  },
  {
    title: "a filename that is not a wheel name",
    wheel: built({ filename: "victim.whl" }),
    prefix: "ERROR: Invalid requirement ",
    reason: /victim\.whl": Invalid wheel filename "victim\.whl": expected 5 or 6 parts/,
  },
];

Deno.test({
  name: "hostile wheels are refused in one line, with the environment and cache byte-identical",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  fn: async (t) => {
    const home = await Deno.makeTempDir({ prefix: "dpip-hostile-" });
    try {
      const venv = await makeVenv(join(home, "venv"));
      const cache = join(home, "cache");
      // A real install first, so the venv holds a dist to damage and the cache has content.
      const good = buildWheel(spec({ name: "bystander", entryPoints: undefined }));
      await Deno.writeFile(join(home, good.filename), good.bytes);
      const first = await dpip(
        ["install", "--python", venv.python, "--cache-dir", cache, join(home, good.filename)],
        { home },
      );
      assertEquals(first.status, 0, first.stderr);
      const outside = join(home, "outside");
      await Deno.mkdir(outside);
      await Deno.writeTextFile(join(outside, "keep.txt"), "not the environment's\n");
      const before = treeSnapshot(venv.root);
      const outsideBefore = treeSnapshot(outside);
      // The cache may remember a file's digest (files/), but gains no unpacked entry.
      const unpacked = (path: string) => path === "unpacked-v1/files";
      const cacheBefore = treeSnapshot(cache, { ignore: unpacked });
      for (const hostile of CASES) {
        await t.step(hostile.title, async () => {
          const { filename, bytes } = hostile.wheel({ home });
          const dir = await Deno.makeTempDir({ dir: home });
          const path = join(dir, filename);
          await Deno.writeFile(path, bytes);
          const result = await dpip(
            ["install", "--python", venv.python, "--cache-dir", cache, path],
            { home },
          );
          assertEquals(result.status, 1, result.stdout + result.stderr);
          const lines = result.stderr.trimEnd().split("\n");
          assertEquals(lines.length, 1, result.stderr);
          assert(
            lines[0]!.startsWith(hostile.prefix ?? `ERROR: Cannot install ${filename}: `),
            lines[0],
          );
          assertMatch(lines[0]!, hostile.reason);
          assertEquals(snapshotDiff(before, treeSnapshot(venv.root)), []);
          assertEquals(snapshotDiff(outsideBefore, treeSnapshot(outside)), []);
          assertEquals(snapshotDiff(cacheBefore, treeSnapshot(cache, { ignore: unpacked })), []);
        });
      }
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

interface LinkedTargetCase {
  readonly title: string;
  /** Puts a link into the venv (whose paths are given) that leads to `outside`. */
  readonly link: (venv: Venv, outside: string) => void;
  readonly wheel: Partial<WheelSpec>;
  readonly reason: (venv: Venv, outside: string) => string;
}

const LINKED_TARGETS: LinkedTargetCase[] = [
  {
    title: "a package directory in site-packages that is a link to outside",
    link: (venv, outside) => Deno.symlinkSync(outside, join(venv.sitePackages, "victim")),
    wheel: {},
    reason: (venv) =>
      `${
        join(venv.sitePackages, "victim")
      } is a symbolic link; dpip does not install through links`,
  },
  {
    title: "a directory inside a package that is a link to outside",
    link: (venv, outside) => {
      Deno.mkdirSync(join(venv.sitePackages, "victim"));
      Deno.symlinkSync(outside, join(venv.sitePackages, "victim", "sub"));
    },
    wheel: { files: { ...base.files, "victim/sub/mod.py": "X = 1\n" } },
    reason: (venv) =>
      `${
        join(venv.sitePackages, "victim", "sub")
      } is a symbolic link; dpip does not install through links`,
  },
  {
    title: "a bin directory that is a link to outside",
    link: (venv, outside) => {
      Deno.renameSync(venv.bin, join(outside, "bin"));
      Deno.symlinkSync(join(outside, "bin"), venv.bin);
    },
    wheel: {},
    reason: (venv, outside) =>
      `${venv.bin} leads outside ${venv.root} (to ${
        join(outside, "bin")
      }, through a symbolic link); dpip does not install through it`,
  },
  {
    title: "a data directory (share/) that is a link to outside",
    link: (venv, outside) => Deno.symlinkSync(outside, join(venv.root, "share")),
    wheel: { dataFiles: { "data/share/victim/x.txt": "x" } },
    reason: (venv) =>
      `${join(venv.root, "share")} is a symbolic link; dpip does not install through links`,
  },
];

Deno.test({
  name: "links already in the environment are not written through: one line, nothing changed",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  fn: async (t) => {
    for (const linked of LINKED_TARGETS) {
      await t.step(linked.title, async () => {
        const home = Deno.realPathSync(await Deno.makeTempDir({ prefix: "dpip-hostile-link-" }));
        try {
          const venv = await makeVenv(join(home, "venv"));
          const outside = join(home, "outside");
          await Deno.mkdir(outside);
          await Deno.writeTextFile(join(outside, "keep.txt"), "not the environment's\n");
          // A good install first: what any install leaves (a lock file) is there before.
          const good = buildWheel({
            name: "bystander",
            version: "1.0",
            files: { "bystander.py": "" },
          });
          await Deno.writeFile(join(home, good.filename), good.bytes);
          const first = await dpip(
            ["install", "--python", venv.python, "--no-cache-dir", join(home, good.filename)],
            { home },
          );
          assertEquals(first.status, 0, first.stderr);
          linked.link(venv, outside);
          const wheel = buildWheel(spec(linked.wheel));
          const path = join(home, wheel.filename);
          await Deno.writeFile(path, wheel.bytes);
          const before = treeSnapshot(venv.root);
          const outsideBefore = treeSnapshot(outside);
          const result = await dpip(
            ["install", "--python", venv.python, "--cache-dir", join(home, "cache"), path],
            { home },
          );
          assertEquals(result.status, 1, result.stdout + result.stderr);
          assertEquals(
            result.stderr,
            `ERROR: Cannot install ${wheel.filename}: ${linked.reason(venv, outside)}\n`,
          );
          assertEquals(snapshotDiff(before, treeSnapshot(venv.root)), []);
          assertEquals(snapshotDiff(outsideBefore, treeSnapshot(outside)), []);
        } finally {
          await Deno.remove(home, { recursive: true });
        }
      });
    }
  },
});

Deno.test({
  name: "uninstall removes nothing through a link that leads outside the environment",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  fn: async (t) => {
    // A RECORD row that passes through a link: in site-packages, inside a package, under bin/.
    const placements: [string, (venv: Venv) => string, string][] = [
      ["in site-packages", (venv) => join(venv.sitePackages, "evil"), "evil/secret.txt"],
      [
        "inside a package",
        (venv) => join(venv.sitePackages, "victim", "sub"),
        "victim/sub/secret.txt",
      ],
      ["under bin/", (venv) => join(venv.bin, "sub"), "../../../bin/sub/secret.txt"],
    ];
    for (const [title, linkAt, row] of placements) {
      await t.step(title, async () => {
        const home = Deno.realPathSync(await Deno.makeTempDir({ prefix: "dpip-hostile-rm-" }));
        try {
          const venv = await makeVenv(join(home, "venv"));
          const wheel = buildWheel(spec({}));
          await Deno.writeFile(join(home, wheel.filename), wheel.bytes);
          const installed = await dpip(
            ["install", "--python", venv.python, "--no-cache-dir", join(home, wheel.filename)],
            { home },
          );
          assertEquals(installed.status, 0, installed.stderr);
          const outside = join(home, "outside");
          await Deno.mkdir(outside);
          await Deno.writeTextFile(join(outside, "secret.txt"), "not the environment's\n");
          Deno.symlinkSync(outside, linkAt(venv));
          const record = join(venv.sitePackages, "victim-1.0.dist-info", "RECORD");
          await Deno.writeTextFile(record, `${row},,\n`, { append: true });
          const outsideBefore = treeSnapshot(outside);

          const result = await dpip(["uninstall", "-y", "--python", venv.python, "victim"], {
            home,
          });
          assertEquals(result.status, 0, result.stdout + result.stderr);
          assertEquals(snapshotDiff(outsideBefore, treeSnapshot(outside)), []);
          for (const gone of ["victim/__init__.py", "victim/data.txt", "victim-1.0.dist-info"]) {
            assertEquals(exists(join(venv.sitePackages, gone)), false, gone);
          }
          assertEquals(exists(join(venv.bin, "victim")), false);
        } finally {
          await Deno.remove(home, { recursive: true });
        }
      });
    }
  },
});

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name: "an installed file edited in place does not reach the next environment through the cache",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  fn: async (t) => {
    const wheel = wheelFile(spec({}));
    const pristine = base.files!["victim/__init__.py"] as string;
    const edit = async (venv: Venv) => {
      // In place, as an editor that keeps hard links does: the inode is the cache's.
      const file = await Deno.open(join(venv.sitePackages, "victim", "__init__.py"), {
        append: true,
      });
      await file.write(new TextEncoder().encode("import os; os.system('evil')\n"));
      file.close();
    };
    await t.step(
      "from an index (the unpacked copy is used without fetching the wheel)",
      async () => {
        await withIndexEnv(
          { files: [wheel], venvs: ["a", "b"], cacheDir: true },
          async ({ install, venvs }) => {
            assertEquals((await install(["victim"], { venv: venvs.a })).status, 0);
            await edit(venvs.a);
            const second = await install(["victim"], { venv: venvs.b });
            assertEquals(second.status, 0, second.stderr);
            const init = (venv: Venv) => join(venv.sitePackages, "victim", "__init__.py");
            assertEquals(await Deno.readTextFile(init(venvs.b)), pristine);
            assert(Deno.statSync(init(venvs.b)).ino !== Deno.statSync(init(venvs.a)).ino);
            // Untouched, the unpacked copy made again is linked from, not made a third time.
            await withVenvs({ prefix: "dpip-tamper-c-" }, async ({ venv }) => {
              assertEquals((await install(["victim"], { venv })).status, 0);
              assertEquals(Deno.statSync(init(venv)).ino, Deno.statSync(init(venvs.b)).ino);
            });
          },
        );
      },
    );
    await t.step("from a wheel file", async () => {
      await withVenvs(
        { prefix: "dpip-tamper-", venvs: ["a", "b"], cacheDir: true },
        async ({ home, install, venvs }) => {
          const path = join(home, wheel.filename);
          await Deno.writeFile(path, wheel.bytes);
          assertEquals((await install([path], { venv: venvs.a })).status, 0);
          await edit(venvs.a);
          assertEquals((await install([path], { venv: venvs.b })).status, 0);
          assertEquals(
            await Deno.readTextFile(join(venvs.b.sitePackages, "victim", "__init__.py")),
            pristine,
          );
        },
      );
    });
  },
});
