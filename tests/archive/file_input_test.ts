import { FileInput, ShortReadError } from "../../lib/archive/file_input.ts";
import { readZipDirectory, readZipEntry, releaseEntry } from "../../lib/archive/zip.ts";
import { writeZip } from "../../lib/archive/zip_writer.ts";
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { seededFloats } from "../helpers/random.ts";

function withFile(bytes: Uint8Array, fn: (path: string) => void): void {
  const path = Deno.makeTempFileSync({ prefix: "dpip-file-input-" });
  try {
    Deno.writeFileSync(path, bytes);
    fn(path);
  } finally {
    Deno.removeSync(path);
  }
}

/** Bytes that do not compress, so entries are as large in the archive as they say. */
function noise(length: number, random: () => number): Uint8Array {
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

Deno.test("FileInput: reads anywhere, across its window, larger than it, and past the end not", () => {
  const bytes = noise(3 * (1 << 20) + 12345, seededFloats(7));
  withFile(bytes, (path) => {
    using input = FileInput.open(path);
    assertEquals(input.size, bytes.length);
    for (
      const [offset, length] of [[0, 10], [5, 100], [(1 << 20) - 3, 7], [100, 2 << 20], [0, 0]]
    ) {
      assertEquals(input.read(offset!, length!), bytes.subarray(offset!, offset! + length!));
    }
    assertEquals(input.read(bytes.length - 4, 4), bytes.subarray(bytes.length - 4));
    assertThrows(() => input.read(bytes.length - 4, 5), RangeError);
    assertThrows(() => input.read(-1, 1), RangeError);
  });
});

Deno.test("FileInput: a file that shrinks while read fails in one line naming it", () => {
  withFile(noise(4 << 20, seededFloats(3)), (path) => {
    using input = FileInput.open(path);
    Deno.truncateSync(path, 1000);
    const error = assertThrows(() => input.read(2 << 20, 10), ShortReadError);
    assert(error.message.includes(path) && !error.message.includes("\n"), error.message);
  });
});

Deno.test("a zip read through FileInput is the zip read in memory, entry for entry", () => {
  const random = seededFloats(11);
  const entries = Array.from({ length: 40 }, (_, i) => ({
    name: `pkg/m${i}.bin`,
    // Mostly small, some past the window's size, stored and deflated.
    data: noise(i % 13 === 0 ? (1 << 20) + i * 1000 : Math.floor(random() * 60_000), random),
    compression: i % 2 === 0 ? "store" as const : "deflate" as const,
  }));
  const bytes = writeZip(entries);
  withFile(bytes, (path) => {
    using input = FileInput.open(path);
    const fromFile = readZipDirectory(input, { archive: "a.zip" });
    const inMemory = readZipDirectory(bytes, { archive: "a.zip" });
    assertEquals(fromFile.entries, inMemory.entries);
    // Out of order too: each read refills the window where it must.
    for (const index of [5, 0, 39, 13, 12, 26, 1]) {
      const entry = fromFile.entries[index]!;
      const data = readZipEntry(fromFile, entry);
      assertEquals(data, entries[index]!.data);
      // What was read stays as it was after later reads (stored entries are copied out).
      readZipEntry(fromFile, fromFile.entries[(index + 1) % 40]!);
      assertEquals(data, entries[index]!.data);
    }
  });
});

Deno.test("releaseEntry() empties an entry's bytes that own their memory, and no others", () => {
  const random = seededFloats(5);
  const big = noise(100_000, random);
  const bytes = writeZip([
    { name: "big.bin", data: big },
    { name: "big-stored.bin", data: big, compression: "store" },
    { name: "small.txt", data: "x".repeat(100) },
  ]);
  const zip = readZipDirectory(bytes, { archive: "a.zip" });
  const [inflated, stored, small] = zip.entries.map((entry) => readZipEntry(zip, entry));
  const smallBefore = small!.slice();
  for (const data of [inflated!, stored!, small!]) releaseEntry(data);
  assertEquals([inflated!.length, stored!.length], [0, 0]);
  assertEquals(small, smallBefore); // shares pooled memory: left alone
  // The archive itself is untouched.
  assertEquals(readZipEntry(zip, zip.entries[1]!), big);
});
