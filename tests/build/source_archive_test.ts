/**
 * unpackSourceArchive() and the tar reader, against archives written by
 * Python's own tarfile (ustar, GNU and pax formats, long and non-ASCII names):
 * the members read must equal tarfile's listing, the unpacked tree must hold
 * exactly them, and hostile archives are refused with nothing left behind.
 */

import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { assertEquals, assertRejects, assertStringIncludes } from "../helpers/assert.ts";
import { seededFloats } from "../helpers/random.ts";
import { pyenvPython, runPythonJson, skipUnless } from "../helpers/python.ts";
import {
  InvalidArchiveError,
  unpackSourceArchive,
  UnsafeArchiveError,
} from "../../lib/build/mod.ts";
import { readTar } from "../../lib/archive/tar.ts";
import type { DpipError } from "../../lib/errors.ts";
import { writeZip } from "../../lib/archive/zip_writer.ts";
import {
  type ArchiveCompression,
  type ArchiveMember,
  writeArchives,
} from "../helpers/archive_writer.ts";

const python = await pyenvPython("3.11");

/** Member specs for the Python writer: [name, type, data or link target, mode]. */
type MemberSpec = [
  string,
  "file" | "dir" | "symlink" | "hardlink" | "chr" | "fifo",
  string,
  number,
];

/** `bytes` as a stream of `size`-byte chunks. */
async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

interface ArchiveSpec {
  path: string;
  format: "ustar" | "gnu" | "pax";
  gzip: boolean;
  members: MemberSpec[];
}

/** Writes each archive with tarfile and returns tarfile's reading of it. */
const WRITER = String.raw`
import io, json, sys, tarfile
listings = []
for spec in json.load(sys.stdin):
    fmt = {"ustar": tarfile.USTAR_FORMAT, "gnu": tarfile.GNU_FORMAT, "pax": tarfile.PAX_FORMAT}[spec["format"]]
    with tarfile.open(spec["path"], "w:gz" if spec["gzip"] else "w", format=fmt) as archive:
        for name, kind, payload, mode in spec["members"]:
            info = tarfile.TarInfo(name)
            info.mode = mode
            info.mtime = 1700000000
            data = None
            if kind == "file":
                data = payload.encode("utf-8")
                info.size = len(data)
            else:
                info.type = {"dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE,
                             "chr": tarfile.CHRTYPE, "fifo": tarfile.FIFOTYPE}[kind]
                info.linkname = payload if kind in ("symlink", "hardlink") else ""
            archive.addfile(info, io.BytesIO(data) if data is not None else None)
    with tarfile.open(spec["path"]) as archive:
        listing = []
        for member in archive.getmembers():
            content = archive.extractfile(member).read().decode("utf-8") if member.isfile() else ""
            kind = "file" if member.isfile() else "directory" if member.isdir() else "symlink" if member.issym() else "hardlink" if member.islnk() else "special"
            listing.append([member.name, kind, member.linkname, content, member.mode])
        listings.append(listing)
print(json.dumps(listings))
`;

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_-.é漢";

function randomProject(
  random: () => number,
  index: number,
  format: ArchiveSpec["format"],
): MemberSpec[] {
  const pick = (n: number) => Math.floor(random() * n);
  const word = (length: number) =>
    Array.from({ length }, () => ALPHABET[pick(format === "ustar" ? 36 : ALPHABET.length)]).join(
      "",
    );
  const root = `proj${index}-1.0`;
  const members: MemberSpec[] = [[root, "dir", "", 0o755]];
  const count = 1 + pick(8);
  for (let n = 0; n < count; n++) {
    const depth = pick(4);
    // ustar names must fit its 100 + 155 byte fields; GNU and pax names may be any length.
    const maxPart = format === "ustar" ? 20 : 120;
    const parts = Array.from({ length: depth }, () => word(1 + pick(maxPart)).replace(/^\.+/, "d"));
    const file = `${root}/${[...parts, `f${n}_${word(1 + pick(maxPart))}`].join("/")}`;
    members.push([file, "file", word(pick(2000)), random() < 0.3 ? 0o755 : 0o644]);
  }
  if (random() < 0.5) members.push([`${root}/link`, "symlink", "PKG-INFO", 0o777]);
  members.push([`${root}/PKG-INFO`, "file", `Name: proj${index}\n`, 0o644]);
  if (random() < 0.5) members.push([`${root}/copy`, "hardlink", `${root}/PKG-INFO`, 0o644]);
  return members;
}

async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "dpip-unpack-test-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function listTree(root: string, prefix = ""): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(join(root, prefix))) {
    const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory) found.push(`${rel}/`, ...await listTree(root, rel));
    else found.push(entry.isSymlink ? `${rel} -> ${await Deno.readLink(join(root, rel))}` : rel);
  }
  return found.sort();
}

Deno.test({
  name: "readTar() and unpackSourceArchive() agree with Python's tarfile on generated archives",
  ignore: skipUnless(python, "pyenv's Python 3.11"),
  fn: () =>
    withTemp(async (dir) => {
      const random = seededFloats(517);
      const formats = ["ustar", "gnu", "pax"] as const;
      const specs: ArchiveSpec[] = Array.from({ length: 30 }, (_, index) => {
        const format = formats[index % 3]!;
        return {
          path: join(dir, `proj${index}.tar${index % 2 === 0 ? ".gz" : ""}`),
          format,
          gzip: index % 2 === 0,
          members: randomProject(random, index, format),
        };
      });
      const listings = await runPythonJson<[string, string, string, string, number][][]>(
        python!,
        WRITER,
        specs,
      );
      for (const [index, spec] of specs.entries()) {
        const bytes = await Deno.readFile(spec.path);
        const tar = spec.gzip ? new Uint8Array(gunzipSync(bytes)) : bytes;
        const mine = [];
        // In chunks of every size from 1 byte up, so records straddle chunk boundaries.
        for await (const entry of readTar(chunked(tar, 1 + index * 97))) {
          const decoder = new TextDecoder();
          let content = "";
          for await (const chunk of entry.body) content += decoder.decode(chunk, { stream: true });
          content += decoder.decode();
          mine.push([
            entry.name.replace(/\/$/, ""),
            entry.kind,
            entry.linkName,
            content,
            entry.mode,
          ]);
        }
        assertEquals(mine, listings[index], spec.path);

        const dest = join(dir, `out${index}`);
        const root = await unpackSourceArchive(spec.path, dest);
        assertEquals(root, join(dest, `proj${index}-1.0`));
        const expected = new Set<string>();
        for (const [name, kind, link] of listings[index]!) {
          const parts = name.split("/");
          for (let depth = 1; depth < parts.length; depth++) {
            expected.add(`${parts.slice(0, depth).join("/")}/`);
          }
          if (kind === "directory") expected.add(`${name}/`);
          else if (kind === "symlink") expected.add(`${name} -> ${link}`);
          else expected.add(name);
        }
        assertEquals(await listTree(dest), [...expected].sort(), spec.path);
        for (const [name, kind, , content, mode] of listings[index]!) {
          if (kind !== "file") continue;
          assertEquals(await Deno.readTextFile(join(dest, name)), content);
          assertEquals((await Deno.stat(join(dest, name))).mode! & 0o111, mode & 0o111, name);
        }
      }
    }),
});

interface HostileCase {
  name: string;
  members: MemberSpec[];
  error: string;
  // deno-lint-ignore no-explicit-any
  errorClass: new (...args: any[]) => DpipError;
}

const OK_FILE: MemberSpec = ["p-1.0/setup.py", "file", "", 0o644];

const HOSTILE: HostileCase[] = [
  {
    name: "dot-dot",
    members: [OK_FILE, ["p-1.0/../../evil", "file", "x", 0o644]],
    error: 'entry "p-1.0/../../evil" escapes the target directory',
    errorClass: UnsafeArchiveError,
  },
  {
    name: "absolute",
    members: [OK_FILE, ["/tmp/evil", "file", "x", 0o644]],
    error: 'entry "/tmp/evil" has an absolute path',
    errorClass: UnsafeArchiveError,
  },
  {
    name: "symlink escape",
    members: [OK_FILE, ["p-1.0/link", "symlink", "../../etc/passwd", 0o777]],
    error: 'symbolic link "p-1.0/link" points outside the target directory',
    errorClass: UnsafeArchiveError,
  },
  {
    name: "absolute symlink",
    members: [OK_FILE, ["p-1.0/link", "symlink", "/etc", 0o777]],
    error: 'symbolic link "p-1.0/link" points outside the target directory (/etc)',
    errorClass: UnsafeArchiveError,
  },
  {
    name: "write through a symlink",
    members: [OK_FILE, ["p-1.0/d", "symlink", ".", 0o777], ["p-1.0/d/x", "file", "x", 0o644]],
    error: 'entry "p-1.0/d" is both a symbolic link and a file or directory',
    errorClass: UnsafeArchiveError,
  },
  {
    name: "a file where a directory was unpacked",
    members: [OK_FILE, ["p-1.0/x", "dir", "", 0o755], ["p-1.0/x", "file", "x", 0o644]],
    error: 'cannot unpack entry "p-1.0/x"',
    errorClass: InvalidArchiveError,
  },
  {
    name: "symlink chain that escapes once all links exist",
    members: [
      OK_FILE,
      ["p-1.0/up", "symlink", "x/../..", 0o777],
      ["p-1.0/x", "symlink", ".", 0o777],
    ],
    error: 'symbolic link "p-1.0/up" resolves outside the target directory',
    errorClass: UnsafeArchiveError,
  },
  {
    name: "symlink under a symlink",
    members: [
      OK_FILE,
      ["p-1.0/a", "symlink", ".", 0o777],
      ["p-1.0/a/b", "symlink", "setup.py", 0o777],
    ],
    error: 'symbolic link "p-1.0/a/b" lies under another symbolic link',
    errorClass: UnsafeArchiveError,
  },
  {
    name: "hardlink escape",
    members: [OK_FILE, ["p-1.0/h", "hardlink", "../../etc/passwd", 0o644]],
    error: 'hard link "p-1.0/h" points outside the target directory',
    errorClass: UnsafeArchiveError,
  },
  {
    name: "hardlink to an absolute path",
    members: [OK_FILE, ["p-1.0/h", "hardlink", "/etc/passwd", 0o644]],
    error: 'hard link "p-1.0/h" points outside the target directory (/etc/passwd)',
    errorClass: UnsafeArchiveError,
  },
  {
    name: "hardlink to a missing member",
    members: [OK_FILE, ["p-1.0/h", "hardlink", "p-1.0/nope", 0o644]],
    error: 'hard link "p-1.0/h" refers to "p-1.0/nope", which is not a file unpacked before it',
    errorClass: InvalidArchiveError,
  },
  {
    name: "character device",
    members: [OK_FILE, ["p-1.0/dev", "chr", "", 0o644]],
    error: 'entry "p-1.0/dev" is a device or FIFO',
    errorClass: UnsafeArchiveError,
  },
  {
    name: "fifo",
    members: [OK_FILE, ["p-1.0/fifo", "fifo", "", 0o644]],
    error: 'entry "p-1.0/fifo" is a device or FIFO',
    errorClass: UnsafeArchiveError,
  },
];

Deno.test({
  name: "unpackSourceArchive() refuses hostile tar archives and leaves the directory as it was",
  ignore: skipUnless(python, "pyenv's Python 3.11"),
  fn: () =>
    withTemp(async (dir) => {
      const specs: ArchiveSpec[] = HOSTILE.map((testCase, index) => ({
        path: join(dir, `hostile${index}.tar.gz`),
        format: "pax",
        gzip: true,
        members: testCase.members,
      }));
      await runPythonJson(python!, WRITER, specs);
      for (const [index, testCase] of HOSTILE.entries()) {
        const dest = join(dir, `out${index}`);
        await Deno.mkdir(dest);
        await Deno.writeTextFile(join(dest, "keep.txt"), "mine");
        const error = await assertRejects(
          () => unpackSourceArchive(specs[index]!.path, dest),
          testCase.errorClass,
        );
        assertStringIncludes(error.message, testCase.error, testCase.name);
        assertStringIncludes(error.message, specs[index]!.path);
        assertEquals(error.message.includes("\n"), false);
        assertEquals(await listTree(dest), ["keep.txt"], testCase.name);
      }
    }),
});

Deno.test("unpackSourceArchive(): zip sdists, several top-level entries, and what it cannot read", () =>
  withTemp(async (dir) => {
    const zipPath = join(dir, "p-1.0.zip");
    await Deno.writeFile(
      zipPath,
      writeZip([
        { name: "p-1.0/" },
        { name: "p-1.0/setup.py", data: "print(1)\n" },
        { name: "p-1.0/bin/run", data: "#!/bin/sh\n", mode: 0o100755 },
      ]),
    );
    const root = await unpackSourceArchive(zipPath, join(dir, "zip"));
    assertEquals(root, join(dir, "zip", "p-1.0"));
    assertEquals(await listTree(join(dir, "zip")), [
      "p-1.0/",
      "p-1.0/bin/",
      "p-1.0/bin/run",
      "p-1.0/setup.py",
    ]);
    assertEquals((await Deno.stat(join(root, "bin/run"))).mode! & 0o111, 0o111);

    const flat = join(dir, "flat.zip");
    await Deno.writeFile(
      flat,
      writeZip([{ name: "setup.py", data: "" }, { name: "a/b", data: "" }]),
    );
    assertEquals(await unpackSourceArchive(flat, join(dir, "flat")), join(dir, "flat"));

    const evil = join(dir, "evil.zip");
    await Deno.writeFile(
      evil,
      writeZip([{ name: "p/x" }, { name: "p/l", mode: 0o120777, data: "/etc" }]),
    );
    await assertRejects(
      () => unpackSourceArchive(evil, join(dir, "evil")),
      UnsafeArchiveError,
      'entry "p/l" is a symbolic link',
    );
    // Refused before anything is written: the directory is not even created.
    await assertRejects(() => Deno.stat(join(dir, "evil")), Deno.errors.NotFound);

    const bz2 = join(dir, "p-1.0.tar.bz2");
    await Deno.writeFile(bz2, new TextEncoder().encode("BZh91AY&SY"));
    await assertRejects(
      () => unpackSourceArchive(bz2, join(dir, "bz2")),
      InvalidArchiveError,
      "bzip2 data needs a Python interpreter to decompress",
    );
    const junk = join(dir, "junk.tar.gz");
    await Deno.writeFile(junk, new Uint8Array([0x1f, 0x8b, 1, 2, 3]));
    await assertRejects(
      () => unpackSourceArchive(junk, join(dir, "junk")),
      InvalidArchiveError,
      "corrupt gzip data",
    );
    const notTar = join(dir, "text.tar");
    await Deno.writeFile(notTar, new Uint8Array(1024).fill(65));
    await assertRejects(
      () => unpackSourceArchive(notTar, join(dir, "text")),
      InvalidArchiveError,
      "header at offset 0 has a bad",
    );
  }));

/** The tree `members` unpack to, as `listTree` lists it. */
function expectedTree(members: readonly MemberSpec[]): string[] {
  const expected = new Set<string>();
  for (const [name, kind, link] of members) {
    const parts = name.split("/");
    for (let depth = 1; depth < parts.length; depth++) {
      expected.add(`${parts.slice(0, depth).join("/")}/`);
    }
    if (kind === "dir") expected.add(`${name}/`);
    else if (kind === "symlink") expected.add(`${name} -> ${link}`);
    else expected.add(name);
  }
  return [...expected].sort();
}

const FORMATS: { compression: ArchiveCompression; extension: string }[] = [
  { compression: "gz", extension: ".tgz" },
  { compression: "bz2", extension: ".tar.bz2" },
  { compression: "xz", extension: ".tar.xz" },
  { compression: "lzma", extension: ".tar.lzma" },
  { compression: "none", extension: ".tar" },
  { compression: "zip", extension: ".zip" },
];

Deno.test({
  name:
    "unpackSourceArchive() reads every format pip accepts, as Python's tarfile and zipfile write them",
  ignore: skipUnless(python, "pyenv's Python 3.11"),
  fn: () =>
    withTemp(async (dir) => {
      const random = seededFloats(2026);
      const cases = FORMATS.flatMap(({ compression, extension }, index) =>
        [0, 1].map((round) => {
          const members = randomProject(random, 10 * index + round, "pax")
            // A zip has no links.
            .filter(([, kind]) => compression !== "zip" || kind === "file" || kind === "dir");
          const path = join(dir, `proj${10 * index + round}-1.0${extension}`);
          return { path, compression, members };
        })
      );
      await writeArchives(python!, cases);
      for (const testCase of cases) {
        const dest = join(dir, `out-${testCase.path.split("/").at(-1)}`);
        const root = await unpackSourceArchive(testCase.path, dest, { python });
        assertEquals(root, join(dest, testCase.members[0]![0]), testCase.path);
        assertEquals(await listTree(dest), expectedTree(testCase.members), testCase.path);
        for (const [name, kind, content, mode] of testCase.members) {
          if (kind !== "file") continue;
          assertEquals(await Deno.readTextFile(join(dest, name)), content, name);
          assertEquals((await Deno.stat(join(dest, name))).mode! & 0o111, mode & 0o111, name);
        }
      }
    }),
});

Deno.test({
  name: "unpackSourceArchive() refuses hostile members the same way in every compression",
  ignore: skipUnless(python, "pyenv's Python 3.11"),
  fn: () =>
    withTemp(async (dir) => {
      const hostile = HOSTILE.filter((testCase) =>
        ["dot-dot", "symlink escape", "write through a symlink", "hardlink escape"].includes(
          testCase.name,
        )
      );
      const cases = FORMATS.filter(({ compression }) => compression !== "zip").flatMap((format) =>
        hostile.map((testCase, index) => ({
          ...testCase,
          path: join(dir, `hostile${index}${format.extension}`),
          compression: format.compression,
        }))
      );
      await writeArchives(python!, cases);
      for (const [index, testCase] of cases.entries()) {
        const dest = join(dir, `out${index}`);
        await Deno.mkdir(dest);
        await Deno.writeTextFile(join(dest, "keep.txt"), "mine");
        const error = await assertRejects(
          () => unpackSourceArchive(testCase.path, dest, { python }),
          testCase.errorClass,
        );
        assertStringIncludes(error.message, testCase.error, testCase.path);
        assertEquals(error.message.includes("\n"), false);
        assertEquals(await listTree(dest), ["keep.txt"], testCase.path);
      }
    }),
});

Deno.test({
  name: "decompression bombs are refused in one line once they pass the limit, leaving nothing",
  ignore: skipUnless(python, "pyenv's Python 3.11"),
  fn: () =>
    withTemp(async (dir) => {
      const MiB = 1024 * 1024;
      // With the default limits (100 times the archive, at least 64 MiB): 72 MiB of zeros
      // gzip to 70 KiB. The others with a 1 MiB floor, to keep the test quick.
      const cases = [
        { extension: ".tar.gz", compression: "gz" as const, size: 72 * MiB, limits: {} },
        ...FORMATS.filter(({ compression }) => compression !== "none").map((format) => ({
          ...format,
          size: 8 * MiB,
          limits: { minBytes: MiB },
        })),
      ].map((testCase, index) => ({
        ...testCase,
        path: join(dir, `bomb${index}-1.0${testCase.extension}`),
        members: [["bomb-1.0/zeros", "zeros", testCase.size, 0o644]] as ArchiveMember[],
      }));
      await writeArchives(python!, cases);
      for (const [index, testCase] of cases.entries()) {
        const dest = join(dir, `out${index}`);
        await Deno.mkdir(dest);
        await Deno.writeTextFile(join(dest, "keep.txt"), "mine");
        const error = await assertRejects(
          () => unpackSourceArchive(testCase.path, dest, { python, limits: testCase.limits }),
          UnsafeArchiveError,
        );
        assertStringIncludes(error.message, `Refusing to unpack ${testCase.path}: `);
        assertEquals(error.message.includes("\n"), false);
        assertEquals(await listTree(dest), ["keep.txt"], testCase.path);
      }
      // The limit is the caller's to raise: the same 8 MiB unpack with a higher ratio.
      const small = cases.find((testCase) => testCase.extension === ".tar.xz")!;
      const dest = join(dir, "allowed");
      await unpackSourceArchive(small.path, dest, {
        python,
        limits: { minBytes: MiB, maxRatio: 100_000 },
      });
      assertEquals((await Deno.stat(join(dest, "bomb-1.0", "zeros"))).size, 8 * MiB);
      // So is the number of members.
      const many = join(dir, "many-1.0.tar");
      await writeArchives(python!, [{
        path: many,
        compression: "none",
        members: Array.from(
          { length: 20 },
          (_, n): ArchiveMember => [`many/f${n}`, "file", "", 0o644],
        ),
      }]);
      await assertRejects(
        () => unpackSourceArchive(many, join(dir, "many"), { limits: { maxMembers: 10 } }),
        UnsafeArchiveError,
        "it has more than 10 members",
      );
    }),
});
