import { readZipDirectory, readZipEntry, ZipError, type ZipInput } from "../../lib/archive/zip.ts";
import { FileInput } from "../../lib/archive/file_input.ts";
import { writeZip, type ZipWriterEntry } from "../../lib/archive/zip_writer.ts";
import { assert, assertEquals, assertStringIncludes, assertThrows } from "../helpers/assert.ts";
import { seededFloats } from "../helpers/random.ts";
import { oraclePython, runPythonJson, skipUnless } from "../helpers/python.ts";

const python = await oraclePython();
const decoder = new TextDecoder();

/** Refused in memory, and the same way read from a file a window at a time. */
function refuse(bytes: Uint8Array, code: string, part: string, read = false): ZipError {
  const attempt = (input: Uint8Array | ZipInput) =>
    assertThrows(() => {
      const zip = readZipDirectory(input, { archive: "x.zip" });
      if (read) { for (const entry of zip.entries) readZipEntry(zip, entry); }
    }, ZipError);
  const error = attempt(bytes);
  assertEquals(error.code, code, error.message);
  assertStringIncludes(error.message, part);
  assert(error.message.startsWith("x.zip: "), error.message);
  assert(!error.message.includes("\n"));
  const path = Deno.makeTempFileSync({ prefix: "dpip-zip-" });
  try {
    Deno.writeFileSync(path, bytes);
    using input = FileInput.open(path);
    assertEquals(attempt(input).message, error.message);
  } finally {
    Deno.removeSync(path);
  }
  return error;
}

Deno.test("writeZip() output reads back: names, modes, content, directories", () => {
  const zip = readZipDirectory(
    writeZip([
      { name: "pkg/", mode: 0o40755 },
      { name: "pkg/a.py", data: "print('a')\n" },
      { name: "bin/tool", data: "#!/bin/sh\n", mode: 0o100755, compression: "store" },
      { name: "pkg/ü.txt", data: new Uint8Array(0) },
    ]),
    { archive: "t.zip" },
  );
  assertEquals(zip.entries.map((e) => [e.name, e.kind, e.permissions]), [
    ["pkg/", "directory", 0o755],
    ["pkg/a.py", "file", 0o644],
    ["bin/tool", "file", 0o755],
    ["pkg/ü.txt", "file", 0o644],
  ]);
  assertEquals(decoder.decode(readZipEntry(zip, zip.entries[1]!)), "print('a')\n");
  assertEquals(decoder.decode(readZipEntry(zip, zip.entries[2]!)), "#!/bin/sh\n");
});

Deno.test("writeZip() is deterministic", () => {
  const entries: ZipWriterEntry[] = [{ name: "a", data: "x".repeat(1000) }, {
    name: "b/c",
    data: "y",
  }];
  assertEquals(writeZip(entries), writeZip(entries));
});

Deno.test("readZipDirectory() refuses names that escape or are not portable", () => {
  const cases: [string, string][] = [
    ["../evil.py", "escapes the target directory"],
    ["pkg/../../evil.py", "escapes the target directory"],
    ["/etc/passwd", "absolute path"],
    ["C:/Windows/evil.dll", "drive letter"],
    ["c:evil", "drive letter"],
    ["pkg\\..\\..\\evil.py", "backslash"],
    ["\\evil.py", "backslash"],
    ["pkg/./a.py", `"." path component`],
    ["pkg//a.py", "empty"],
    ["pkg/a\0.py", "NUL"],
  ];
  for (const [name, part] of cases) {
    refuse(writeZip([{ name, data: "x" }]), "unsafe-archive", part);
  }
  refuse(writeZip([{ name: "", data: "x" }]), "unsafe-archive", "empty name");
});

Deno.test("readZipDirectory() refuses symlinks, special files and duplicate names", () => {
  refuse(
    writeZip([{ name: "link", data: "/etc/passwd", mode: 0o120777 }]),
    "unsafe-archive",
    "symbolic link",
  );
  refuse(
    writeZip([{ name: "fifo", data: "", mode: 0o010644 }]),
    "unsafe-archive",
    "not a regular file",
  );
  refuse(
    writeZip([{ name: "dev", data: "", mode: 0o060644 }]),
    "unsafe-archive",
    "not a regular file",
  );
  refuse(
    writeZip([{ name: "a", data: "1" }, { name: "a", data: "2" }]),
    "unsafe-archive",
    "appears twice",
  );
});

Deno.test("readZipDirectory() refuses an entry whose local header names another file", () => {
  const good = writeZip([{ name: "pkg/a.py", data: "a = 1\n" }, { name: "pkg/b.py", data: "b" }]);
  // The second entry's local header says "pkg/../x" (same length) where the directory says "pkg/b.py".
  const second = readZipDirectory(good, { archive: "x.zip" }).entries[1]!;
  const renamed = good.slice();
  const at = second.dataOffset - "pkg/b.py".length;
  renamed.set(new TextEncoder().encode("pkg/../x"), at);
  refuse(
    renamed,
    "unsafe-archive",
    'entry "pkg/b.py" has another name in its local header ("pkg/../x")',
  );
  // A local name of another length.
  const view = new DataView(renamed.buffer);
  const local = at - 30;
  renamed.set(new TextEncoder().encode("pkg/b.py"), at);
  view.setUint16(local + 26, 7, true);
  refuse(renamed, "unsafe-archive", 'has another name in its local header ("pkg/b.p")');
});

Deno.test("readZipDirectory() refuses truncated and corrupt archives", () => {
  const good = writeZip([{ name: "a.txt", data: "hello world ".repeat(100) }, {
    name: "b",
    data: "b",
  }]);
  refuse(new Uint8Array(0), "invalid-archive", "not a zip archive");
  refuse(
    new TextEncoder().encode("this is not a zip file at all, not even close........"),
    "invalid-archive",
    "not a zip",
  );
  // Cut anywhere: the end record or the central directory goes missing or points past the end.
  for (const cut of [1, 10, 22, 40, Math.floor(good.length / 2), good.length - 30]) {
    const error = assertThrows(() => {
      const zip = readZipDirectory(good.subarray(0, good.length - cut), { archive: "x.zip" });
      for (const entry of zip.entries) readZipEntry(zip, entry);
    }, ZipError);
    assertEquals(error.code, "invalid-archive", error.message);
  }
  // A flipped byte inside the deflated data: corrupt stream or CRC mismatch.
  const zip = readZipDirectory(good, { archive: "x.zip" });
  const corrupt = good.slice();
  corrupt[zip.entries[0]!.dataOffset + 5]! ^= 0xff;
  const error = assertThrows(() => {
    const bad = readZipDirectory(corrupt, { archive: "x.zip" });
    readZipEntry(bad, bad.entries[0]!);
  }, ZipError);
  assert(["invalid-archive", "zip-bomb"].includes(error.code), error.message);
});

Deno.test("readZipDirectory() refuses zip bombs: absurd declared sizes, lying sizes, shared data", () => {
  // Declares far more than deflate could produce from its compressed bytes.
  refuse(
    writeZip([{ name: "bomb", data: "x", declaredSize: 2 ** 31 - 1 }]),
    "zip-bomb",
    "declares",
  );
  // Beyond the per-entry limit, even if plausible.
  const big = writeZip([{ name: "big", data: new Uint8Array(4096) }]);
  const error = assertThrows(
    () => readZipDirectory(big, { archive: "x.zip", limits: { maxEntrySize: 1000 } }),
    ZipError,
  );
  assertEquals(error.code, "zip-bomb");
  assertThrows(
    () =>
      readZipDirectory(writeZip([{ name: "a", data: "aaaa" }, { name: "b", data: "bbbb" }]), {
        archive: "x.zip",
        limits: { maxTotalSize: 6 },
      }),
    ZipError,
    "in total",
  );
  // Inflates to more than declared: stopped at the declared size.
  refuse(
    writeZip([{ name: "liar", data: "z".repeat(100_000), declaredSize: 1000 }]),
    "zip-bomb",
    "more than its declared",
    true,
  );
  // Stored entry whose sizes disagree.
  refuse(
    writeZip([{ name: "s", data: "abc", compression: "store", declaredSize: 10 }]),
    "invalid-archive",
    "stored entry",
  );
  // Two central records pointing at the same data (the overlapping-file bomb).
  refuse(sharedDataZip(), "zip-bomb", "share data");
});

/** A zip whose two central-directory records both point at the first local header. */
function sharedDataZip(): Uint8Array {
  const bytes = writeZip([{ name: "a", data: "x".repeat(100) }, {
    name: "b",
    data: "y".repeat(100),
  }]);
  const view = new DataView(bytes.buffer);
  // Find the second central record and point its local header offset at 0.
  let at = bytes.length - 22;
  const directoryOffset = view.getUint32(at + 16, true);
  at = directoryOffset;
  at += 46 + view.getUint16(at + 28, true);
  view.setUint32(at + 42, 0, true);
  return bytes;
}

Deno.test("readZipEntry() checks the CRC unless told not to", () => {
  const bytes = writeZip([{ name: "a", data: "hello", compression: "store" }]);
  const zip = readZipDirectory(bytes, { archive: "x.zip" });
  bytes[zip.entries[0]!.dataOffset]! ^= 1;
  assertThrows(() => readZipEntry(zip, zip.entries[0]!), ZipError, "CRC-32");
  assertEquals(decoder.decode(readZipEntry(zip, zip.entries[0]!, { verifyCrc: false })), "iello");
});

const ORACLE = `
import base64, io, json, sys, zipfile
cases = json.load(sys.stdin)
out = {"python_written": [], "ours_read": []}
for case in cases["write"]:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for e in case["entries"]:
            info = zipfile.ZipInfo(e["name"], date_time=(2000, 1, 2, 3, 4, 6))
            info.compress_type = zipfile.ZIP_DEFLATED if e["deflate"] else zipfile.ZIP_STORED
            info.external_attr = (e["mode"] << 16)
            with z.open(info, "w", force_zip64=e["zip64"]) as f:
                f.write(base64.b64decode(e["data"]))
        z.comment = case["comment"].encode()
    out["python_written"].append(base64.b64encode(buf.getvalue()).decode())
for data in cases["read"]:
    z = zipfile.ZipFile(io.BytesIO(base64.b64decode(data)))
    out["ours_read"].append([[i.filename, i.external_attr >> 16, base64.b64encode(z.read(i)).decode()] for i in z.infolist()])
json.dump(out, sys.stdout)
`;

function randomEntries(next: () => number, count: number) {
  const alphabet = ["a", "b", "_", "ü", "中", "-", "."];
  const entries = [];
  for (let index = 0; index < count; index++) {
    const depth = 1 + Math.floor(next() * 3);
    const parts = [];
    for (let d = 0; d < depth; d++) {
      let part = "";
      const length = 1 + Math.floor(next() * 6);
      for (let c = 0; c < length; c++) part += alphabet[Math.floor(next() * alphabet.length)];
      if (part === "." || part === "..") part = "x";
      parts.push(part);
    }
    const size = next() < 0.2 ? 0 : Math.floor(next() ** 3 * 50_000);
    const data = new Uint8Array(size);
    const repetitive = next() < 0.5;
    for (let b = 0; b < size; b++) data[b] = repetitive ? (b % 7) + 65 : Math.floor(next() * 256);
    entries.push({
      name: `${index}/${parts.join("/")}`,
      data,
      mode: next() < 0.3 ? 0o100755 : 0o100644,
      deflate: next() < 0.7,
      zip64: next() < 0.2,
    });
  }
  return entries;
}

function base64(bytes: Uint8Array): string {
  let text = "";
  for (let at = 0; at < bytes.length; at += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return btoa(text);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

Deno.test({
  name: "zip reader and writer agree with Python's zipfile on random archives (zip64 included)",
  ignore: skipUnless(python, "Python 3.11"),
  fn: async () => {
    const next = seededFloats(20240611);
    const pythonCases = Array.from({ length: 30 }, () => ({
      entries: randomEntries(next, 1 + Math.floor(next() * 8)),
      comment: next() < 0.3 ? "a comment" : "",
    }));
    const ourCases = Array.from(
      { length: 30 },
      () => randomEntries(next, 1 + Math.floor(next() * 8)),
    );
    const ours = ourCases.map((entries) =>
      writeZip(entries.map((e) => ({
        name: e.name,
        data: e.data,
        mode: e.mode,
        compression: e.deflate ? "deflate" : "store",
      })))
    );
    const result = await runPythonJson<
      { python_written: string[]; ours_read: [string, number, string][][] }
    >(
      python!,
      ORACLE,
      {
        write: pythonCases.map((c) => ({
          comment: c.comment,
          entries: c.entries.map((e) => ({ ...e, data: base64(e.data) })),
        })),
        read: ours.map(base64),
      },
    );
    result.python_written.forEach((data, index) => {
      const zip = readZipDirectory(fromBase64(data), { archive: `py${index}.zip` });
      const expected = pythonCases[index]!.entries;
      assertEquals(
        zip.entries.map((e) => [e.name, e.permissions]),
        expected.map((e) => [e.name, e.mode & 0o7777]),
      );
      zip.entries.forEach((entry, at) =>
        assertEquals(readZipEntry(zip, entry), expected[at]!.data)
      );
    });
    result.ours_read.forEach((entries, index) => {
      assertEquals(
        entries,
        ourCases[index]!.map((e) => [e.name, e.mode, base64(e.data)]),
      );
    });
  },
});
