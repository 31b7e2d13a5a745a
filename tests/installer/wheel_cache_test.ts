import { createHash } from "node:crypto";
import { join, resolve } from "node:path";
import {
  DirectoryMaker,
  fileSha256,
  hasUnpackedEntry,
  Linker,
  stampOf,
  unpackCached,
  unpackedEntryDir,
} from "../../lib/installer/wheel_cache.ts";
import { lockEnvironment } from "../../lib/installer/lock.ts";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";

Deno.test("unpackCached() fills an entry once, then serves it; a failed fill leaves nothing", async () => {
  const bucket = await Deno.makeTempDir();
  const sha = "ab".repeat(32);
  let fills = 0;
  const fill = async (tree: string) => {
    fills++;
    await Deno.writeTextFile(join(tree, "a.py"), "x");
    return { files: [{ path: "a.py", stamp: stampOf(join(tree, "a.py")) }] };
  };
  const [first, second] = await Promise.all([
    unpackCached(bucket, sha, fill),
    unpackCached(bucket, sha, fill),
  ]);
  assertEquals([first.cached, second.cached].sort(), [false, true].sort());
  assertEquals(first.manifest.files.map((file) => file.path), ["a.py"]);
  const third = await unpackCached(bucket, sha, fill);
  assertEquals(third.cached, true);
  assertEquals(third.tree, join(unpackedEntryDir(bucket, sha), "tree"));
  assertEquals(Deno.readTextFileSync(join(third.tree, "a.py")), "x");
  assert(fills <= 2);

  const other = "cd".repeat(32);
  await assertRejects(() =>
    unpackCached(bucket, other, () => {
      throw new Error("bad wheel");
    })
  );
  assertEquals([...Deno.readDirSync(bucket)].map((e) => e.name).sort(), ["ab"]);
});

Deno.test("unpackCached() unpacks again an entry whose files changed since it was made", async (t) => {
  const files = { "pkg/__init__.py": "X = 1\n", "pkg/data.txt": "data", "bin/tool": "#!/bin/sh\n" };
  const fill = async (tree: string) => {
    for (const [path, text] of Object.entries(files)) {
      await Deno.mkdir(join(tree, path, ".."), { recursive: true });
      await Deno.writeTextFile(join(tree, path), text, {
        mode: path === "bin/tool" ? 0o755 : 0o644,
      });
    }
    return {
      files: Object.keys(files).map((path) => ({ path, stamp: stampOf(join(tree, path)) })),
    };
  };
  const tampers: [string, (path: string) => void][] = [
    ["content appended in place (as through a hard link)", (tree) => {
      Deno.writeTextFileSync(join(tree, "pkg/__init__.py"), "import evil\n", { append: true });
    }],
    ["same size, another mtime", (tree) => {
      Deno.writeTextFileSync(join(tree, "pkg/data.txt"), "DATA");
      Deno.utimeSync(join(tree, "pkg/data.txt"), new Date(2001, 1, 1), new Date(2001, 1, 1));
    }],
    ["permission bits changed", (tree) => Deno.chmodSync(join(tree, "bin/tool"), 0o777)],
    ["a file removed", (tree) => Deno.removeSync(join(tree, "pkg/data.txt"))],
  ];
  for (const [title, tamper] of tampers) {
    await t.step(title, async () => {
      const bucket = await Deno.makeTempDir();
      const sha = "ef".repeat(32);
      try {
        const first = await unpackCached(bucket, sha, fill);
        assertEquals(hasUnpackedEntry(bucket, sha), true);
        assertEquals((await unpackCached(bucket, sha, fill)).cached, true);
        tamper(first.tree);
        assertEquals(hasUnpackedEntry(bucket, sha), false);
        const again = await unpackCached(bucket, sha, fill);
        assertEquals(again.cached, false);
        for (const [path, text] of Object.entries(files)) {
          assertEquals(Deno.readTextFileSync(join(again.tree, path)), text);
        }
        assertEquals(Deno.statSync(join(again.tree, "bin/tool")).mode! & 0o777, 0o755);
        assertEquals(hasUnpackedEntry(bucket, sha), true);
        // Nothing left over beside the entry.
        assertEquals([...Deno.readDirSync(bucket)].map((e) => e.name), ["ef"]);
      } finally {
        await Deno.remove(bucket, { recursive: true });
      }
    });
  }
  await t.step("an entry made without stamps is unpacked again", async () => {
    const bucket = await Deno.makeTempDir();
    const sha = "12".repeat(32);
    try {
      const dir = unpackedEntryDir(bucket, sha);
      await Deno.mkdir(join(dir, "tree"), { recursive: true });
      await Deno.writeTextFile(join(dir, "tree", "a.py"), "old");
      await Deno.writeTextFile(
        join(dir, "manifest.json"),
        JSON.stringify({ files: [{ path: "a.py" }] }),
      );
      assertEquals(hasUnpackedEntry(bucket, sha), false);
      assertEquals((await unpackCached(bucket, sha, fill)).cached, false);
    } finally {
      await Deno.remove(bucket, { recursive: true });
    }
  });
  await t.step("a warm entry costs one lstat per file", async () => {
    const bucket = await Deno.makeTempDir();
    const sha = "34".repeat(32);
    const real = Deno.lstatSync;
    const calls: string[] = [];
    try {
      await unpackCached(bucket, sha, fill);
      (Deno as { lstatSync: typeof Deno.lstatSync }).lstatSync = (path) => {
        calls.push(String(path));
        return real(path);
      };
      assertEquals((await unpackCached(bucket, sha, fill)).cached, true);
      assertEquals(calls.length, Object.keys(files).length);
      // Checked by hasUnpackedEntry() just before: the install that follows does not check again.
      calls.length = 0;
      assertEquals(hasUnpackedEntry(bucket, sha), true);
      assertEquals((await unpackCached(bucket, sha, fill)).cached, true);
      assertEquals(calls.length, Object.keys(files).length);
    } finally {
      (Deno as { lstatSync: typeof Deno.lstatSync }).lstatSync = real;
      await Deno.remove(bucket, { recursive: true });
    }
  });
});

Deno.test("unpackCached() serves an entry hasUnpackedEntry() just checked from that check, without reading its manifest again", async () => {
  const bucket = await Deno.makeTempDir();
  const sha = "ef".repeat(32);
  const fill = async (tree: string) => {
    await Deno.writeTextFile(join(tree, "a.py"), "x");
    return { files: [{ path: "a.py", stamp: stampOf(join(tree, "a.py")) }] };
  };
  await unpackCached(bucket, sha, fill);
  assert(hasUnpackedEntry(bucket, sha));
  // Gone after the check: the entry checked is the one served (and no fill happens).
  Deno.removeSync(join(unpackedEntryDir(bucket, sha), "manifest.json"));
  const served = await unpackCached(bucket, sha, () => {
    throw new Error("filled again");
  });
  assertEquals(served.cached, true);
  assertEquals(served.manifest.files.map((file) => file.path), ["a.py"]);
});

Deno.test("fileSha256() remembers a file's digest until the file changes", async () => {
  const bucket = await Deno.makeTempDir();
  const file = join(await Deno.makeTempDir(), "w.whl");
  await Deno.writeTextFile(file, "hello");
  const first = await fileSha256(file, { bucket });
  assertEquals(first.sha256, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  const second = await fileSha256(file, { bucket });
  assertEquals(second, { sha256: first.sha256 });
  // Remembered under the sha256 of its path (the name earlier versions gave it too).
  const memo = createHash("sha256").update(resolve(file)).digest("hex").slice(0, 32);
  assertEquals([...Deno.readDirSync(join(bucket, "files"))].map((entry) => entry.name), [memo]);
  await Deno.writeTextFile(file, "hello!");
  assertEquals(
    (await fileSha256(file, { bucket })).sha256,
    "ce06092fb948d9ffac7d1a376e404b26b7575bcc11ee05a4615fef4fec3a308b",
  );
});

Deno.test("Linker links, copies or symlinks; DirectoryMaker makes parents", () => {
  const root = Deno.makeTempDirSync();
  const source = join(root, "source.py");
  Deno.writeTextFileSync(source, "content");
  const directories = new DirectoryMaker();
  directories.make(join(root, "a/b/c"));
  directories.make(join(root, "a/b/c"));
  new Linker("hardlink").link(source, join(root, "a/b/c/hard.py"));
  new Linker("copy").link(source, join(root, "a/b/c/copy.py"));
  new Linker("symlink").link(source, join(root, "a/b/c/sym.py"));
  assertEquals(Deno.statSync(join(root, "a/b/c/hard.py")).ino, Deno.statSync(source).ino);
  assert(Deno.statSync(join(root, "a/b/c/copy.py")).ino !== Deno.statSync(source).ino);
  assertEquals(Deno.readLinkSync(join(root, "a/b/c/sym.py")), source);
});

Deno.test({
  name: "Linker falls back to copies when hard links cross file systems",
  ignore: (() => {
    try {
      return !Deno.statSync("/dev/shm").isDirectory;
    } catch {
      return true;
    }
  })(),
  fn: () => {
    const shm = Deno.makeTempDirSync({ dir: "/dev/shm" });
    const source = join(shm, "s");
    Deno.writeTextFileSync(source, "x");
    const linker = new Linker("hardlink");
    linker.link(source, join(Deno.makeTempDirSync(), "t"));
    assertEquals(linker.fellBack, true);
    assertEquals(linker.mode, "copy");
    Deno.removeSync(shm, { recursive: true });
  },
});

Deno.test("lockEnvironment() excludes a second holder until released", async () => {
  const dir = await Deno.makeTempDir();
  const first = await lockEnvironment(dir);
  let waited = false;
  const second = lockEnvironment(dir, { onWait: () => void (waited = true) });
  let acquired = false;
  second.then(() => void (acquired = true));
  await new Promise((resolve) => setTimeout(resolve, 100));
  assertEquals(acquired, false);
  assertEquals(waited, true);
  first.release();
  (await second).release();
  assertEquals(acquired, true);
});
