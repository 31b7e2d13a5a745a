import { join } from "node:path";
import { assertEquals, assertRejects } from "../helpers/assert.ts";
import { readZipDirectory, readZipEntry } from "../../lib/archive/zip.ts";
import { ZipFileWriter, ZipTooLargeError } from "../../lib/archive/zip_file_writer.ts";
import { writeZip } from "../../lib/archive/zip_writer.ts";

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dpip-zip-file-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("ZipFileWriter writes the bytes writeZip writes for the same entries", async () => {
  await withTemp(async (dir) => {
    const entries = [
      { name: "p/", mode: 0o40755 },
      { name: "p/a.txt", data: "hello ".repeat(100), mode: 0o100644 },
      { name: "p/run", data: "#!/bin/sh\n", mode: 0o100755 },
    ];
    const path = join(dir, "out.zip");
    const zip = await ZipFileWriter.create(path);
    try {
      for (const entry of entries) await zip.add(entry);
      await zip.finish();
    } finally {
      zip.close();
    }
    const bytes = await Deno.readFile(path);
    assertEquals(bytes, writeZip(entries));
    const archive = readZipDirectory(bytes, { archive: "out.zip" });
    assertEquals(archive.entries.map((e) => [e.name, e.kind, e.permissions]), [
      ["p/", "directory", 0o755],
      ["p/a.txt", "file", 0o644],
      ["p/run", "file", 0o755],
    ]);
    assertEquals(
      new TextDecoder().decode(readZipEntry(archive, archive.entries[1]!)),
      "hello ".repeat(100),
    );
  });
});

Deno.test("ZipFileWriter refuses the entry past 65,535 (zip64 is not written)", async () => {
  await withTemp(async (dir) => {
    const zip = await ZipFileWriter.create(join(dir, "big.zip"), "big.zip");
    try {
      for (let i = 0; i < 0xffff; i++) await zip.add({ name: `d${i}/` });
      await assertRejects(() => zip.add({ name: "one-more/" }), ZipTooLargeError, "big.zip");
    } finally {
      zip.close();
    }
  });
});
