/**
 * Sdists in every format pip accepts (`.tgz`, `.tar.gz`, `.tar.bz2`,
 * `.tar.xz`, `.tar.lzma`, `.tar`, `.zip`), written by Python's tarfile,
 * lzma and zipfile, install the same files with dpip as with pip 23.2.1.
 * Hostile sdists (an entry escaping, a symlink out, a decompression bomb) are
 * refused in one line naming the sdist, with the environment unchanged and
 * nothing left in the temporary directory; pip refuses the escaping ones and
 * inflates the bomb (the README says so).
 */

import { join } from "node:path";
import { assertEquals, assertMatch } from "../helpers/assert.ts";
import {
  type ArchiveCompression,
  type ArchiveMember,
  writeArchives,
} from "../helpers/archive_writer.ts";
import { skipUnless } from "../helpers/python.ts";
import { miniBackendWheel, miniPyproject, tempEntries } from "./build_support.ts";
import {
  dpip,
  makeVenv,
  oracle,
  pip,
  python311,
  snapshotDiff,
  tempHome,
  treeSnapshot,
} from "./install_support.ts";

const needs = skipUnless(python311 && oracle, "pyenv Python 3.11 with pip");

const FORMATS: { compression: ArchiveCompression; extension: string }[] = [
  { compression: "gz", extension: ".tar.gz" },
  { compression: "gz", extension: ".tgz" },
  { compression: "bz2", extension: ".tar.bz2" },
  { compression: "xz", extension: ".tar.xz" },
  { compression: "lzma", extension: ".tar.lzma" },
  { compression: "none", extension: ".tar" },
  { compression: "zip", extension: ".zip" },
];

/** A mini-backend project's members, under `<name>-1.0/`. */
function projectMembers(name: string): ArchiveMember[] {
  const module = name.replaceAll("-", "_");
  const root = `${module}-1.0`;
  return [
    [root, "dir", "", 0o755],
    [`${root}/pyproject.toml`, "file", miniPyproject(name, "1.0"), 0o644],
    [`${root}/${module}.py`, "file", `FORMAT = ${JSON.stringify(name)}\n`, 0o644],
    [`${root}/${module}_pkg`, "dir", "", 0o755],
    [`${root}/${module}_pkg/__init__.py`, "file", "VALUE = 1\n", 0o644],
    [`${root}/PKG-INFO`, "file", `Metadata-Version: 2.1\nName: ${name}\nVersion: 1.0\n`, 0o644],
  ];
}

/** Site-packages minus what differs by installer (INSTALLER, RECORD's order, bytecode). */
const noise = (path: string) =>
  path.endsWith("__pycache__") || path.endsWith("/INSTALLER") || path.endsWith("/RECORD");

Deno.test({
  name: "sdists in every format pip accepts install the same files as pip's",
  ignore: needs,
  async fn() {
    const { home, done } = await tempHome("dpip-formats-");
    try {
      const links = join(home, "links");
      await Deno.mkdir(links);
      const backend = miniBackendWheel();
      await Deno.writeFile(join(links, backend.filename), backend.bytes);
      const archives = FORMATS.map(({ compression, extension }, index) => {
        const name = `fmt${index}-${extension.replace(/\W/g, "")}`;
        const members = projectMembers(name);
        return {
          path: join(home, `${members[0]![0]}${extension}`),
          compression,
          members,
        };
      });
      await writeArchives(python311!, archives);
      const paths = archives.map((archive) => archive.path);
      const tmp = join(home, "tmp");
      await Deno.mkdir(tmp);
      const ours = await makeVenv(join(home, "ours"));
      const theirs = await makeVenv(join(home, "theirs"));
      const args = ["install", "--no-cache-dir", "--no-index", "-f", links, ...paths];
      const result = await dpip(["--python", ours.python, ...args], {
        home,
        env: { TMPDIR: tmp },
      });
      assertEquals(result.status, 0, result.stderr);
      const pips = await pip(theirs.python, ["install", "--no-compile", ...args.slice(1)], {
        cwd: home,
      });
      assertEquals(pips.status, 0, pips.stderr);
      const mine = treeSnapshot(ours.sitePackages, { ignore: noise });
      const pipsTree = treeSnapshot(theirs.sitePackages, { ignore: noise });
      assertEquals(snapshotDiff(pipsTree, mine), []);
      assertEquals(mine.size > FORMATS.length * 4, true);
      assertEquals(tempEntries(tmp), []);
    } finally {
      await done();
    }
  },
});

Deno.test({
  name: "hostile sdists are refused in one line naming the sdist, changing nothing",
  ignore: needs,
  async fn() {
    const { home, done } = await tempHome("dpip-hostile-sdist-");
    try {
      const links = join(home, "links");
      await Deno.mkdir(links);
      const backend = miniBackendWheel();
      await Deno.writeFile(join(links, backend.filename), backend.bytes);
      const root = "evil-1.0";
      const base = projectMembers("evil").slice(1);
      const cases: {
        file: string;
        compression: ArchiveCompression;
        extra: ArchiveMember[];
        error: RegExp;
        pipRefuses: boolean;
      }[] = [
        {
          file: "evil-1.0.tar.xz",
          compression: "xz",
          extra: [[`${root}/../../escaped.txt`, "file", "x", 0o644]],
          error: /^ERROR: Refusing to unpack \S+evil-1\.0\.tar\.xz: entry ".*escaped.txt" escapes/,
          pipRefuses: true,
        },
        {
          // pip 23.2.1 makes the link, then writes the next member through it: outside.
          file: "evil-1.0.tar.bz2",
          compression: "bz2",
          extra: [
            [`${root}/link`, "symlink", join(home, "outside"), 0o777],
            [`${root}/link/pwned.txt`, "file", "pwned", 0o644],
          ],
          error:
            /^ERROR: Refusing to unpack \S+evil-1\.0\.tar\.bz2: symbolic link "evil-1\.0\/link" points outside/,
          pipRefuses: false,
        },
        {
          file: "evil-1.0.tar.gz",
          compression: "gz",
          extra: [[`${root}/zeros`, "zeros", 72 * 1024 * 1024, 0o644]],
          error: /^ERROR: Refusing to unpack \S+evil-1\.0\.tar\.gz: it unpacks to more than 64 MiB/,
          pipRefuses: false,
        },
      ];
      await writeArchives(
        python311!,
        cases.map((testCase) => ({
          path: join(home, testCase.file),
          compression: testCase.compression,
          members: [...base, ...testCase.extra],
        })),
      );
      await Deno.mkdir(join(home, "outside"));
      const venv = await makeVenv(join(home, "venv"));
      const tmp = join(home, "tmp");
      await Deno.mkdir(tmp);
      for (const testCase of cases) {
        const before = treeSnapshot(home, { ignore: (path) => path.startsWith("tmp/") });
        const result = await dpip(
          [
            "install",
            "--python",
            venv.python,
            "--no-cache-dir",
            "--no-index",
            "-f",
            links,
            join(home, testCase.file),
          ],
          { home, env: { TMPDIR: tmp } },
        );
        assertEquals(result.status, 1, result.stdout);
        const errors = result.stderr.trimEnd().split("\n").filter((line) =>
          !line.startsWith("hint:")
        );
        assertEquals(errors.length, 1, result.stderr);
        assertMatch(errors[0]!, testCase.error);
        assertEquals(
          snapshotDiff(before, treeSnapshot(home, { ignore: (path) => path.startsWith("tmp/") })),
          [],
        );
        assertEquals(tempEntries(tmp), []);
        assertEquals(tempEntries(join(home, "outside")), []);
        if (testCase.pipRefuses) {
          const twin = await makeVenv(join(home, "twin"));
          const pips = await pip(twin.python, [
            "install",
            "--no-index",
            "-f",
            links,
            join(home, testCase.file),
          ], {
            cwd: home,
          });
          assertEquals(pips.status, 1, pips.stdout);
          assertMatch(pips.stderr, /outside target directory/);
          await Deno.remove(twin.root, { recursive: true });
        }
      }
    } finally {
      await done();
    }
  },
});
