import { join } from "node:path";
import { lockEnvironment } from "../../lib/installer/lock.ts";
import {
  pendingIn,
  recoverPendingChanges,
  recoverPendingChangesNow,
  recoveryWarnings,
} from "../../lib/installer/recovery.ts";
import {
  commitTransaction,
  createWorkDir,
  stageDir,
  stagedName,
  type TransactionPlan,
} from "../../lib/installer/transaction.ts";
import { assert, assertEquals } from "../helpers/assert.ts";

function write(path: string, text: string): void {
  Deno.mkdirSync(join(path, ".."), { recursive: true });
  Deno.writeTextFileSync(path, text);
}

/** A site dir where installing demo 1.0 was interrupted after its dist-info moved in. */
function interrupted(): { root: string; site: string } {
  const root = Deno.makeTempDirSync();
  const site = join(root, "site");
  const workDir = createWorkDir(site);
  const staged = (path: string) => join(stageDir(workDir), stagedName(0, 0, path));
  write(staged("demo/__init__.py"), "");
  write(staged("demo-1.0.dist-info/RECORD"), "demo/__init__.py,,\n");
  const plan: TransactionPlan = {
    changes: [{
      project: "demo",
      install: { roots: [site], libRoot: 0, distInfo: "demo-1.0.dist-info" },
    }],
    keepDirs: [site],
  };
  let renames = 0;
  try {
    commitTransaction(workDir, plan, {
      rename: (from, to) => {
        if (renames++ === 1) throw new Error("killed");
        Deno.renameSync(from, to);
      },
    });
  } catch {
    // Stopped after the dist-info went in.
  }
  return { root, site };
}

const names = (dir: string) => [...Deno.readDirSync(dir)].map((entry) => entry.name).sort();

Deno.test("pendingIn() names the directories holding a work directory, and nothing else", () => {
  const { root, site } = interrupted();
  const empty = join(root, "empty");
  Deno.mkdirSync(empty);
  assertEquals(pendingIn([site, empty, join(root, "missing"), site]), [site]);
  Deno.removeSync(root, { recursive: true });
});

Deno.test("a reader leaves a directory another dpip process holds the lock of, and says so", async () => {
  const { root, site } = interrupted();
  const lock = await lockEnvironment(site);
  try {
    const found = recoverPendingChangesNow([site]);
    assertEquals(found, { recovered: [], busy: [site], failed: [] });
    assert(names(site).some((name) => name.startsWith(".dpip-txn-")));
  } finally {
    lock.release();
  }
  const found = recoverPendingChangesNow([site]);
  assertEquals(found.busy, []);
  assertEquals(recoveryWarnings(found.recovered), [
    `An interrupted dpip run left installing demo 1.0 half done in ${site}; it is now finished`,
  ]);
  assertEquals(names(site), ["demo", "demo-1.0.dist-info"]);
  assertEquals(recoverPendingChangesNow([site]), { recovered: [], busy: [], failed: [] });
  Deno.removeSync(root, { recursive: true });
});

Deno.test("a writer waits for the lock, then finishes the change", async () => {
  const { root, site } = interrupted();
  const lock = await lockEnvironment(site);
  const waited: string[] = [];
  const recovering = recoverPendingChanges([site], { onLockWait: (path) => waited.push(path) });
  await new Promise((resolve) => setTimeout(resolve, 100));
  assertEquals(waited, [Deno.realPathSync(site)]);
  lock.release();
  assertEquals((await recovering).map((change) => change.kind), ["finished"]);
  assertEquals(names(site), ["demo", "demo-1.0.dist-info"]);
  Deno.removeSync(root, { recursive: true });
});

Deno.test("a reader reports a change it cannot finish instead of failing", () => {
  const { root, site } = interrupted();
  // The staged package cannot move: a file is where its directory goes.
  write(join(site, "demo"), "in the way");
  const found = recoverPendingChangesNow([site]);
  assertEquals(found.recovered, []);
  assertEquals(found.failed.map((failure) => failure.dir), [site]);
  assert(/Could not finish an interrupted change/.test(found.failed[0]!.message));
  Deno.removeSync(root, { recursive: true });
});
