import { join } from "node:path";
import {
  DirectoryMaker,
  fileSha256,
  Linker,
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
    return { files: ["a.py"] };
  };
  const [first, second] = await Promise.all([
    unpackCached(bucket, sha, fill),
    unpackCached(bucket, sha, fill),
  ]);
  assertEquals([first.cached, second.cached].sort(), [false, true].sort());
  assertEquals(first.manifest, { files: ["a.py"] });
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

Deno.test("fileSha256() remembers a file's digest until the file changes", async () => {
  const bucket = await Deno.makeTempDir();
  const file = join(await Deno.makeTempDir(), "w.whl");
  await Deno.writeTextFile(file, "hello");
  const first = await fileSha256(file, { bucket });
  assertEquals(first.sha256, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  assert(first.bytes !== undefined);
  const second = await fileSha256(file, { bucket });
  assertEquals(second, { sha256: first.sha256 });
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
