import { join } from "node:path";
import {
  commitTransaction,
  createWorkDir,
  recoverTransactions,
  stageDir,
  TransactionError,
  WORK_DIR_PREFIX,
} from "../../lib/installer/transaction.ts";
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";

function write(path: string, text: string): void {
  Deno.mkdirSync(join(path, ".."), { recursive: true });
  Deno.writeTextFileSync(path, text);
}

function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string, prefix: string) => {
    for (const entry of [...Deno.readDirSync(current)].sort((a, b) => a.name < b.name ? -1 : 1)) {
      const rel = prefix + entry.name;
      if (entry.isDirectory) {
        out.push(rel + "/");
        walk(join(current, entry.name), rel + "/");
      } else out.push(`${rel}=${Deno.readTextFileSync(join(current, entry.name))}`);
    }
  };
  walk(dir, "");
  return out;
}

/** A site dir with pkg 1.0 installed, and pkg 2.0 staged in a work dir. */
function setUp() {
  const root = Deno.makeTempDirSync();
  const site = join(root, "site");
  const bin = join(root, "bin");
  write(join(site, "pkg/__init__.py"), "v1");
  write(join(site, "pkg/old_only.py"), "old");
  write(join(site, "pkg/gone/mod.py"), "old");
  write(join(site, "pkg-1.0.dist-info/RECORD"), "v1 record");
  write(join(site, "shared_ns/other.py"), "another project's");
  write(join(bin, "pkg-old"), "script");
  const workDir = createWorkDir(site);
  const stage = stageDir(workDir);
  write(join(stage, "0/pkg/__init__.py"), "v2");
  write(join(stage, "0/pkg/new_only.py"), "new");
  write(join(stage, "0/shared_ns/mine.py"), "mine");
  write(join(stage, "0/pkg-2.0.dist-info/RECORD"), "v2 record");
  write(join(stage, "1/pkg-new"), "script");
  const plan = {
    roots: [site, bin],
    changes: [{
      install: { libRoot: 0, distInfo: "pkg-2.0.dist-info" },
      remove: {
        metadataPath: join(site, "pkg-1.0.dist-info"),
        paths: [join(site, "pkg/old_only.py"), join(site, "pkg/gone/mod.py"), join(bin, "pkg-old")],
        pthEntries: [],
      },
    }],
    keepDirs: [site, bin],
  };
  const expected = [
    "bin/",
    "bin/pkg-new=script",
    "site/",
    "site/pkg/",
    "site/pkg/__init__.py=v2",
    "site/pkg/new_only.py=new",
    "site/pkg-2.0.dist-info/",
    "site/pkg-2.0.dist-info/RECORD=v2 record",
    "site/shared_ns/",
    "site/shared_ns/mine.py=mine",
    "site/shared_ns/other.py=another project's",
  ];
  return { root, site, bin, workDir, plan, expected };
}

Deno.test("commitTransaction() moves staged files in, swaps the dist-info, removes the old files", () => {
  const { root, workDir, plan, expected } = setUp();
  commitTransaction(workDir, plan);
  assertEquals(listing(root), expected);
});

Deno.test("recoverTransactions() finishes a journaled commit and discards unjournaled staging", () => {
  const { root, site, workDir, plan, expected } = setUp();
  // Journal written, killed before any move.
  Deno.writeTextFileSync(join(workDir, "journal.json"), JSON.stringify(plan));
  // And a second, unfinished staging that never reached its journal.
  const abandoned = createWorkDir(site);
  write(join(stageDir(abandoned), "0/half/file.py"), "x");
  assertEquals(recoverTransactions(site), 2);
  assertEquals(listing(root), expected);
  assert(![...Deno.readDirSync(site)].some((e) => e.name.startsWith(WORK_DIR_PREFIX)));
  assertEquals(recoverTransactions(site), 0);
});

Deno.test("recoverTransactions() is idempotent from any point of the commit", () => {
  // Simulate a crash after the dist-info swap but before the old files went.
  const { root, site, bin, workDir, plan, expected } = setUp();
  Deno.writeTextFileSync(join(workDir, "journal.json"), JSON.stringify(plan));
  const stage = stageDir(workDir);
  Deno.renameSync(join(stage, "0/pkg/__init__.py"), join(site, "pkg/__init__.py"));
  Deno.renameSync(join(stage, "0/pkg/new_only.py"), join(site, "pkg/new_only.py"));
  Deno.renameSync(join(stage, "0/shared_ns/mine.py"), join(site, "shared_ns/mine.py"));
  Deno.renameSync(join(stage, "1/pkg-new"), join(bin, "pkg-new"));
  Deno.mkdirSync(join(workDir, "trash"));
  Deno.renameSync(join(site, "pkg-1.0.dist-info"), join(workDir, "trash/meta"));
  Deno.renameSync(join(stage, "0/pkg-2.0.dist-info"), join(site, "pkg-2.0.dist-info"));
  Deno.renameSync(join(site, "pkg/gone/mod.py"), join(workDir, "trash/mod"));
  recoverTransactions(site);
  assertEquals(listing(root), expected);
});

function otherFileSystemDir(): string | undefined {
  try {
    return Deno.makeTempDirSync({ dir: "/dev/shm" });
  } catch {
    return undefined;
  }
}

const elsewhere = otherFileSystemDir();

Deno.test({
  name: "an uninstall that fails half-way is rolled back",
  ignore: elsewhere === undefined,
  fn: () => {
    const root = Deno.makeTempDirSync();
    const site = join(root, "site");
    write(join(site, "pkg/__init__.py"), "x");
    write(join(site, "pkg-1.0.dist-info/RECORD"), "r");
    // A file on another file system cannot be renamed into the trash.
    write(join(elsewhere!, "script"), "y");
    const before = [...listing(root), ...listing(elsewhere!)];
    const workDir = createWorkDir(site);
    assertThrows(
      () =>
        commitTransaction(workDir, {
          roots: [],
          changes: [{
            remove: {
              metadataPath: join(site, "pkg-1.0.dist-info"),
              paths: [join(site, "pkg/__init__.py"), join(elsewhere!, "script")],
              pthEntries: [],
            },
          }],
          keepDirs: [site],
        }),
      TransactionError,
      "nothing was changed",
    );
    assertEquals([...listing(root), ...listing(elsewhere!)], before);
    Deno.removeSync(elsewhere!, { recursive: true });
  },
});

Deno.test("removal drops .pth lines and prunes emptied directories but keeps scheme dirs", () => {
  const root = Deno.makeTempDirSync();
  const site = join(root, "site");
  write(join(site, "egg/deep/x.py"), "x");
  write(join(site, "pkg-1.0.egg-info/PKG-INFO"), "m");
  write(join(site, "easy-install.pth"), "./other.egg\n/src/project\n./keep.egg\n");
  const workDir = createWorkDir(site);
  commitTransaction(workDir, {
    roots: [],
    changes: [{
      remove: {
        metadataPath: join(site, "pkg-1.0.egg-info"),
        paths: [join(site, "egg/deep/x.py")],
        pthEntries: [{ file: join(site, "easy-install.pth"), line: "/src/project" }],
      },
    }],
    keepDirs: [site],
  });
  assertEquals(listing(root), ["site/", "site/easy-install.pth=./other.egg\n./keep.egg\n"]);
});
