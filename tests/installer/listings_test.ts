import { join } from "node:path";
import { DirectoryListings } from "../../lib/installer/listings.ts";
import { assertEquals } from "../helpers/assert.ts";

Deno.test("DirectoryListings says absent only what a listing lacks in every ASCII case", () => {
  const root = Deno.makeTempDirSync();
  Deno.mkdirSync(join(root, "pkg"));
  Deno.writeTextFileSync(join(root, "Mod.py"), "");
  const listings = new DirectoryListings();
  assertEquals(listings.has(root, "pkg"), true);
  assertEquals(listings.has(root, "other"), false);
  // A file system that folds case finds Mod.py under either spelling.
  assertEquals(listings.has(root, "mod.py"), true);
  // Another Unicode spelling could find the same entry: never said absent.
  assertEquals(listings.has(root, "pkg\u0301"), true);
  // Read once: what appears later is known only when added.
  Deno.writeTextFileSync(join(root, "later.py"), "");
  assertEquals(listings.has(root, "later.py"), false);
  listings.add(root, "later.py");
  assertEquals(listings.has(root, "later.py"), true);
  // A removed directory is read again when next asked about, as are the ones below it.
  Deno.mkdirSync(join(root, "pkg/sub"));
  assertEquals(listings.has(join(root, "pkg/sub"), "x"), false);
  Deno.removeSync(join(root, "pkg"), { recursive: true });
  Deno.mkdirSync(join(root, "pkg/sub"), { recursive: true });
  Deno.writeTextFileSync(join(root, "pkg/sub/x"), "");
  listings.forget(join(root, "pkg"));
  assertEquals(listings.has(join(root, "pkg/sub"), "x"), true);
  // A missing directory has nothing; a file where a directory should be is unknown.
  assertEquals(listings.has(join(root, "missing"), "x"), false);
  assertEquals(listings.has(join(root, "Mod.py"), "x"), true);
});

Deno.test("DirectoryListings says nothing is absent from a directory with a non-ASCII name in it", () => {
  const root = Deno.makeTempDirSync();
  Deno.writeTextFileSync(join(root, "ſix.py"), "");
  assertEquals(new DirectoryListings().has(root, "six.py"), true);
});

Deno.test("DirectoryListings says nothing is absent from a directory it cannot read", () => {
  // A file where a directory is expected cannot be listed, whoever runs the test (root reads
  // any directory whatever its mode, so a chmod would not show this here).
  const root = Deno.makeTempDirSync();
  const notADirectory = join(root, "file");
  Deno.writeTextFileSync(notADirectory, "");
  assertEquals(new DirectoryListings().has(notADirectory, "x"), true);
  assertEquals(new DirectoryListings().has(join(root, "missing"), "x"), false);
});
