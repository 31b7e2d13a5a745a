import { join } from "node:path";
import {
  commitTransaction,
  createWorkDir,
  type RecoveredChange,
  recoverTransactions,
  stageDir,
  stagedName,
  TransactionError,
  type TransactionPlan,
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

/** A dist-info whose RECORD lists `files` (paths relative to the site dir) and its own. */
function writeDistInfo(site: string, name: string, files: string[], dir = join(site, name)): void {
  write(join(dir, "METADATA"), `Name: ${name.split("-")[0]}\n`);
  const record = [...files, `${name}/METADATA`, `${name}/RECORD`].map((path) => `${path},,`);
  write(join(dir, "RECORD"), record.join("\n") + "\n");
}

/**
 * Files under `root` that no present dist-info's RECORD lists (dpip's work
 * directories and the dist-infos' own files aside): what `pip list` cannot see.
 */
function unowned(root: string, site: string): string[] {
  const owned = new Set<string>();
  for (const entry of Deno.readDirSync(site)) {
    if (!entry.name.endsWith(".dist-info")) continue;
    for (const line of Deno.readTextFileSync(join(site, entry.name, "RECORD")).split("\n")) {
      if (line !== "") owned.add(join(site, line.split(",")[0]!));
    }
  }
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(dir)) {
      const path = join(dir, entry.name);
      if (entry.name.startsWith(WORK_DIR_PREFIX) || entry.name.endsWith(".dist-info")) continue;
      if (entry.isDirectory) walk(path);
      else if (!owned.has(path)) out.push(path);
    }
  };
  walk(root);
  return out.sort();
}

/**
 * A site dir with pkg 1.0 and ns 1.0 installed, and staged in a work dir:
 * pkg 2.0 (replacing 1.0, with a script; or a new build of 1.0) and other 1.0 (new).
 */
function setUp(version = "2.0") {
  const root = Deno.makeTempDirSync();
  const site = join(root, "site");
  const bin = join(root, "bin");
  write(join(site, "pkg/__init__.py"), "v1");
  write(join(site, "pkg/old_only.py"), "old");
  write(join(site, "pkg/gone/mod.py"), "old");
  write(join(bin, "pkg-old"), "script");
  writeDistInfo(site, "pkg-1.0.dist-info", [
    "pkg/__init__.py",
    "pkg/old_only.py",
    "pkg/gone/mod.py",
    "../bin/pkg-old",
  ]);
  write(join(site, "shared_ns/other.py"), "another project's");
  writeDistInfo(site, "ns-1.0.dist-info", ["shared_ns/other.py"]);
  const workDir = createWorkDir(site);
  const staged = (change: number, root: number, path: string) =>
    join(stageDir(workDir), stagedName(change, root, path));
  write(staged(0, 0, "pkg/__init__.py"), "v2");
  write(staged(0, 0, "pkg/new_only.py"), "new");
  write(staged(0, 0, "shared_ns/mine.py"), "mine");
  write(staged(0, 1, "pkg-new"), "script");
  writeDistInfo(
    site,
    `pkg-${version}.dist-info`,
    ["pkg/__init__.py", "pkg/new_only.py", "shared_ns/mine.py", "../bin/pkg-new"],
    staged(0, 0, `pkg-${version}.dist-info`),
  );
  write(staged(1, 0, "other/__init__.py"), "o");
  write(staged(1, 0, "other/sub/a.py"), "a");
  writeDistInfo(
    site,
    "other-1.0.dist-info",
    ["other/__init__.py", "other/sub/a.py"],
    staged(1, 0, "other-1.0.dist-info"),
  );
  const plan: TransactionPlan = {
    changes: [{
      project: "pkg",
      install: { roots: [site, bin], libRoot: 0, distInfo: `pkg-${version}.dist-info` },
      remove: {
        metadataPath: join(site, "pkg-1.0.dist-info"),
        paths: [join(site, "pkg/old_only.py"), join(site, "pkg/gone/mod.py"), join(bin, "pkg-old")],
        pthEntries: [],
      },
    }, {
      project: "other",
      install: { roots: [site], libRoot: 0, distInfo: "other-1.0.dist-info" },
    }],
    keepDirs: [site, bin],
  };
  return { root, site, bin, workDir, plan };
}

/** The state after `setUp(version)`'s transaction. */
function expectedAfter(root: string, version = "2.0"): string[] {
  const tree = Deno.makeTempDirSync();
  const site = join(tree, "site");
  write(join(tree, "bin/pkg-new"), "script");
  write(join(site, "pkg/__init__.py"), "v2");
  write(join(site, "pkg/new_only.py"), "new");
  write(join(site, "shared_ns/other.py"), "another project's");
  write(join(site, "shared_ns/mine.py"), "mine");
  write(join(site, "other/__init__.py"), "o");
  write(join(site, "other/sub/a.py"), "a");
  writeDistInfo(site, "ns-1.0.dist-info", ["shared_ns/other.py"]);
  writeDistInfo(site, `pkg-${version}.dist-info`, [
    "pkg/__init__.py",
    "pkg/new_only.py",
    "shared_ns/mine.py",
    "../bin/pkg-new",
  ]);
  writeDistInfo(site, "other-1.0.dist-info", ["other/__init__.py", "other/sub/a.py"]);
  const out = listing(tree);
  Deno.removeSync(tree, { recursive: true });
  assert(root !== tree);
  return out;
}

/** A rename that throws (as a kill would stop the process) before rename number `n`. */
function crashingAt(n: number): { rename: (from: string, to: string) => void; crashed: boolean } {
  let count = 0;
  const state = {
    crashed: false,
    rename: (from: string, to: string) => {
      if (count++ === n) {
        state.crashed = true;
        throw new Error("killed");
      }
      Deno.renameSync(from, to);
    },
  };
  return state;
}

/** Commits with a crash before rename `n`; false once the commit has fewer renames. */
function commitCrashingAt(workDir: string, plan: TransactionPlan, n: number): boolean {
  const crash = crashingAt(n);
  try {
    commitTransaction(workDir, plan, { rename: crash.rename });
  } catch (error) {
    assert(error instanceof TransactionError && crash.crashed, String(error));
  }
  return crash.crashed;
}

function kinds(changes: readonly RecoveredChange[]): string[] {
  return changes.map((change) =>
    change.kind === "unreadable" ? change.kind : `${change.project}: ${change.kind}`
  );
}

Deno.test("commitTransaction() moves staged files in, swaps the dist-info, removes the old files", () => {
  const { root, workDir, plan } = setUp();
  commitTransaction(workDir, plan);
  assertEquals(listing(root), expectedAfter(root));
});

Deno.test("a crash before any rename of the commit never leaves a file no present RECORD lists, and recovery finishes it", () => {
  let crashes = 0;
  for (let n = 0;; n++) {
    const { root, site, workDir, plan } = setUp();
    try {
      if (!commitCrashingAt(workDir, plan, n)) {
        assertEquals(listing(root), expectedAfter(root));
        break;
      }
      crashes++;
      assertEquals(unowned(root, site), [], `crash before rename ${n}`);
      const recovery = recoverTransactions(site);
      assertEquals(recovery.workDirs, 1);
      assertEquals(kinds(recovery.changes), ["pkg: finished", "other: finished"]);
      assertEquals(listing(root), expectedAfter(root), `crash before rename ${n}`);
      assertEquals(recoverTransactions(site), { workDirs: 0, changes: [] });
    } finally {
      Deno.removeSync(root, { recursive: true });
    }
  }
  // pkg: 3 old files, 2 dist-infos, 2 in pkg/, shared_ns/mine.py, the script; other: dist-info, dir.
  assertEquals(crashes, 11);
});

Deno.test("a reinstall of the same version leaves files without metadata only between its two metadata renames", () => {
  const exposed: number[] = [];
  for (let n = 0;; n++) {
    const { root, site, workDir, plan } = setUp("1.0");
    try {
      if (!commitCrashingAt(workDir, plan, n)) break;
      if (unowned(root, site).length > 0) exposed.push(n);
      assertEquals(kinds(recoverTransactions(site).changes), ["pkg: finished", "other: finished"]);
      assertEquals(listing(root), expectedAfter(root, "1.0"), `crash before rename ${n}`);
    } finally {
      Deno.removeSync(root, { recursive: true });
    }
  }
  // Renames 0-2 remove the old files; 3 moves the old metadata out, 4 the new one in.
  assertEquals(exposed, [4]);
});

/** What pip does to a project: removes the installed dist-info and what its RECORD lists. */
function pipUninstall(site: string, project: string): void {
  for (const entry of [...Deno.readDirSync(site)]) {
    if (!entry.name.startsWith(`${project}-`) || !entry.name.endsWith(".dist-info")) continue;
    const dir = join(site, entry.name);
    for (const line of Deno.readTextFileSync(join(dir, "RECORD")).split("\n")) {
      if (line === "") continue;
      try {
        Deno.removeSync(join(site, line.split(",")[0]!));
      } catch {
        // pip skips what is missing.
      }
    }
    Deno.removeSync(dir, { recursive: true });
  }
}

function pipInstall(site: string, version: string): void {
  pipUninstall(site, "pkg");
  write(join(site, "pkg/__init__.py"), `pip's ${version}`);
  write(join(site, "pkg/pip_only.py"), "pip");
  writeDistInfo(site, `pkg-${version}.dist-info`, ["pkg/__init__.py", "pkg/pip_only.py"]);
}

Deno.test("recovery leaves a project another tool changed after the crash as it is, and finishes the others", () => {
  const tools: [string, (site: string) => void, RegExp][] = [
    [
      "installs pkg 3.0",
      (site) => pipInstall(site, "3.0"),
      /pkg-3\.0\.dist-info appeared|pkg-2\.0\.dist-info has been removed|pkg-1\.0\.dist-info has been removed/,
    ],
    ["uninstalls pkg", (site) => pipUninstall(site, "pkg"), /has been removed/],
    [
      "reinstalls the pkg version it finds",
      (site) => {
        const present = [...Deno.readDirSync(site)].find((e) => /^pkg-.*\.dist-info$/.test(e.name));
        pipInstall(site, present === undefined ? "3.0" : present.name.slice(4, -10));
      },
      /has been replaced|appeared|has been removed/,
    ],
  ];
  for (const [what, tool, reason] of tools) {
    for (let n = 0;; n++) {
      const { root, site, workDir, plan } = setUp();
      try {
        if (!commitCrashingAt(workDir, plan, n)) break;
        tool(site);
        const pipState = listing(join(site, "pkg"));
        const recovery = recoverTransactions(site);
        const label = `a tool that ${what} after a crash before rename ${n}`;
        assertEquals(kinds(recovery.changes), ["pkg: abandoned", "other: finished"], label);
        const pkg = recovery.changes[0]!;
        assert(
          pkg.kind === "abandoned" && reason.test(pkg.reason),
          `${label}: ${JSON.stringify(pkg)}`,
        );
        // One dist-info of pkg at most, pkg's files as the tool left them, no staging left.
        const names = [...Deno.readDirSync(site)].map((e) => e.name);
        assert(names.filter((name) => name.startsWith("pkg-")).length <= 1, `${label}: ${names}`);
        if (names.includes("pkg")) assertEquals(listing(join(site, "pkg")), pipState, label);
        assert(!names.some((name) => name.startsWith(WORK_DIR_PREFIX)), label);
        assert(names.includes("other-1.0.dist-info"), label);
      } finally {
        Deno.removeSync(root, { recursive: true });
      }
    }
  }
});

Deno.test("recovery discards unjournaled staging and a journal it cannot read", () => {
  const { root, site, workDir } = setUp();
  const before = listing(site).filter((line) => !line.startsWith(".dpip-txn-"));
  // A journal in another format (an older dpip's), and a staging that never reached its journal.
  Deno.writeTextFileSync(join(workDir, "journal.json"), JSON.stringify({ roots: [], changes: [] }));
  const abandoned = createWorkDir(site);
  write(join(stageDir(abandoned), stagedName(0, 0, "half/file.py")), "x");
  const recovery = recoverTransactions(site);
  assertEquals(recovery.workDirs, 2);
  assertEquals(kinds(recovery.changes), ["unreadable"]);
  assertEquals(listing(site), before);
  Deno.removeSync(root, { recursive: true });
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
          changes: [{
            project: "pkg",
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

Deno.test("an uninstall removes its files before its metadata: every state in between is listed by its RECORD", () => {
  const root = Deno.makeTempDirSync();
  const site = join(root, "site");
  write(join(site, "pkg/__init__.py"), "x");
  write(join(site, "pkg/mod.py"), "y");
  writeDistInfo(site, "pkg-1.0.dist-info", ["pkg/__init__.py", "pkg/mod.py"]);
  let steps = 0;
  commitTransaction(createWorkDir(site), {
    changes: [{
      project: "pkg",
      remove: {
        metadataPath: join(site, "pkg-1.0.dist-info"),
        paths: [join(site, "pkg/__init__.py"), join(site, "pkg/mod.py")],
        pthEntries: [],
      },
    }],
    keepDirs: [site],
  }, {
    rename: (from, to) => {
      assertEquals(unowned(root, site), [], `before rename ${steps++}`);
      Deno.renameSync(from, to);
    },
  });
  assertEquals(steps, 3);
  assertEquals(listing(root), ["site/"]);
  Deno.removeSync(root, { recursive: true });
});

Deno.test("removal drops .pth lines and prunes emptied directories but keeps scheme dirs", () => {
  const root = Deno.makeTempDirSync();
  const site = join(root, "site");
  write(join(site, "egg/deep/x.py"), "x");
  write(join(site, "pkg-1.0.egg-info/PKG-INFO"), "m");
  write(join(site, "easy-install.pth"), "./other.egg\n/src/project\n./keep.egg\n");
  const workDir = createWorkDir(site);
  commitTransaction(workDir, {
    changes: [{
      project: "pkg",
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
