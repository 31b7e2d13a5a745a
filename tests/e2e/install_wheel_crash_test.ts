/**
 * Crash safety and concurrency of installs:
 *
 * - a dpip killed with SIGKILL at random moments of an upgrade never leaves a
 *   half-written `.dist-info` (every visible one has its metadata files) nor
 *   a file that no present RECORD lists, and once the next dpip run (a
 *   `dpip list`) has finished the interrupted transaction the environment is
 *   byte-identical to either the old state or the new one;
 * - two dpip processes installing into one environment at once are
 *   serialised by the lock on the library directory, whatever cache each
 *   uses and by whatever path it names the environment, and both finish
 *   correctly.
 */

import { createHash } from "node:crypto";
import { join } from "node:path";
import { lockEnvironment } from "../../lib/installer/lock.ts";
import { parseRecord } from "../../lib/dists/record.ts";
import { writeWheel } from "../helpers/wheel_builder.ts";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { bigWheel, copyTree, journalWritten, unownedFiles } from "./crash_support.ts";
import {
  dpip,
  dpipCommand,
  makeVenv,
  python311,
  seededRandom,
  snapshotDiff,
  treeSnapshot,
  type Venv,
} from "./install_wheel_support.ts";

const decoder = new TextDecoder();

/** Every visible dist-info of the site dir has its metadata files. */
function assertMetadataComplete(venv: Venv): void {
  for (const entry of Deno.readDirSync(venv.sitePackages)) {
    if (!entry.name.endsWith(".dist-info")) continue;
    const dir = join(venv.sitePackages, entry.name);
    for (const file of ["METADATA", "RECORD", "INSTALLER", "WHEEL"]) {
      Deno.statSync(join(dir, file));
    }
  }
}

/** Every visible dist-info of the site dir is complete: metadata present, every RECORD path there. */
function assertNoHalfDistInfo(venv: Venv): void {
  assertMetadataComplete(venv);
  for (const entry of Deno.readDirSync(venv.sitePackages)) {
    if (!entry.name.endsWith(".dist-info")) continue;
    const dir = join(venv.sitePackages, entry.name);
    for (const row of parseRecord(Deno.readTextFileSync(join(dir, "RECORD")))) {
      Deno.statSync(join(venv.sitePackages, row.path));
    }
  }
}

/** Every RECORD row with a hash matches the file on disk. */
function assertRecordsMatch(venv: Venv): void {
  for (const entry of Deno.readDirSync(venv.sitePackages)) {
    if (!entry.name.endsWith(".dist-info")) continue;
    const record = Deno.readTextFileSync(join(venv.sitePackages, entry.name, "RECORD"));
    for (const row of parseRecord(record)) {
      if (row.hash === undefined) continue;
      const data = Deno.readFileSync(join(venv.sitePackages, row.path));
      assertEquals(
        `sha256=${createHash("sha256").update(data).digest("base64url")}`,
        `${row.hash.algorithm}=${row.hash.digest}`,
        row.path,
      );
    }
  }
}

Deno.test({
  name: "SIGKILL at random moments of an upgrade leaves the old or the new state, never half",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  fn: async () => {
    const home = await Deno.makeTempDir({ prefix: "dpip-crash-" });
    try {
      const cache = join(home, "cache");
      const v1 = await writeWheel(join(home, "wheels"), bigWheel("crashy", "1.0", 800));
      const v2 = await writeWheel(join(home, "wheels"), bigWheel("crashy", "2.0", 800));
      const venv = await makeVenv(join(home, "venv"));
      const install = (wheel: string) =>
        dpipCommand(
          [
            "install",
            "--no-deps",
            "--no-index",
            "--python",
            venv.python,
            "--cache-dir",
            cache,
            wheel,
          ],
          { home },
        );
      assertEquals((await install(v1.path).output()).code, 0);
      const pristine = join(home, "pristine");
      copyTree(venv.root, pristine);
      const oldState = treeSnapshot(venv.root);
      const started = performance.now();
      const upgraded = await install(v2.path).output();
      const duration = performance.now() - started;
      assertEquals(upgraded.code, 0, decoder.decode(upgraded.stderr));
      const newState = treeSnapshot(venv.root);
      const transactionStarted = () =>
        [...Deno.readDirSync(venv.sitePackages)].some((e) => e.name.startsWith(".dpip-txn-"));
      const waitFor = async (condition: () => boolean, limit: number) => {
        const deadline = performance.now() + limit;
        while (!condition() && performance.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      };
      // How long the transaction (staging and commit) of a warm upgrade lasts.
      await Deno.remove(venv.root, { recursive: true });
      copyTree(pristine, venv.root);
      const probe = install(v2.path).spawn();
      let exited = false;
      const probeStatus = probe.status.then((status) => {
        exited = true;
        return status;
      });
      await waitFor(() => transactionStarted() || exited, 60_000);
      const transactionStart = performance.now();
      await waitFor(() => journalWritten(venv) || exited, 60_000);
      const commitStart = performance.now();
      assertEquals((await probeStatus).code, 0);
      await probe.output().catch(() => {});
      const transactionDuration = Math.max(performance.now() - transactionStart, 5);
      const commitDuration = Math.max(performance.now() - commitStart, 5);

      const next = seededRandom(1337);
      const outcomes = { old: 0, new: 0, recovered: 0 };
      for (let round = 0; round < 12; round++) {
        await Deno.remove(venv.root, { recursive: true });
        copyTree(pristine, venv.root);
        // A third of the rounds start cold and are killed at any moment (startup,
        // validation, unpacking), a third inside the transaction (staging or
        // commit), a third inside the commit (once the journal is written).
        const early = round % 3 === 0;
        const inCommit = round % 3 === 2;
        if (early) {
          await Deno.remove(join(cache, "unpacked-v1"), { recursive: true }).catch(() => {});
        }
        const child = install(v2.path).spawn();
        let done = false;
        const status = child.status.then(() => void (done = true));
        if (early) {
          await new Promise((resolve) => setTimeout(resolve, next() * duration));
        } else if (inCommit) {
          await waitFor(() => journalWritten(venv) || done, 60_000);
          await new Promise((resolve) => setTimeout(resolve, next() * commitDuration * 1.2));
        } else {
          await waitFor(() => transactionStarted() || done, 60_000);
          await new Promise((resolve) => setTimeout(resolve, next() * transactionDuration * 1.2));
        }
        try {
          child.kill("SIGKILL");
        } catch {
          // It had already finished.
        }
        await status;
        await child.output().catch(() => {});

        // Whatever the moment: metadata whole, and no file that no RECORD lists.
        assertMetadataComplete(venv);
        assertEquals(unownedFiles(venv), [], `round ${round}: files no RECORD lists`);
        if (journalWritten(venv)) outcomes.recovered++;
        // The next dpip run, even a read-only one, finishes the commit first.
        const listed = await dpip(["list", "--python", venv.python], { home });
        assertEquals(listed.status, 0, listed.stderr);
        const state = treeSnapshot(venv.root);
        const isOld = snapshotDiff(oldState, state).length === 0;
        const isNew = snapshotDiff(newState, state).length === 0;
        assert(
          isOld || isNew,
          `round ${round}: neither old nor new:\n${
            snapshotDiff(newState, state).slice(0, 10).join("\n")
          }\nvs old:\n${snapshotDiff(oldState, state).slice(0, 10).join("\n")}`,
        );
        outcomes[isNew ? "new" : "old"]++;
      }
      // deno-lint-ignore no-console
      console.log(`kill loop outcomes: ${JSON.stringify(outcomes)}`);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "two dpip processes installing at once are serialised by the lock and both succeed",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  fn: async () => {
    const home = await Deno.makeTempDir({ prefix: "dpip-concurrent-" });
    try {
      const venv = await makeVenv(join(home, "venv"));
      const cache = join(home, "cache");
      const a = await writeWheel(join(home, "wheels"), bigWheel("alpha", "1.0", 200));
      const b = await writeWheel(join(home, "wheels"), bigWheel("beta", "1.0", 200));
      // Each with its own cache (or none): the lock is the environment's, not the cache's.
      const install = (wheel: string, cacheArgs: string[]) =>
        dpipCommand(
          ["install", "--no-deps", "--no-index", "--python", venv.python, ...cacheArgs, wheel],
          { home },
        ).output();
      const [first, second] = await Promise.all([
        install(a.path, ["--cache-dir", cache]),
        install(b.path, ["--no-cache-dir"]),
      ]);
      assertEquals(first.code, 0, decoder.decode(first.stderr));
      assertEquals(second.code, 0, decoder.decode(second.stderr));
      assertNoHalfDistInfo(venv);
      assertRecordsMatch(venv);
      const names = [...Deno.readDirSync(venv.sitePackages)].map((e) => e.name).sort();
      assertEquals(names.filter((n) => n.endsWith(".dist-info")), [
        "alpha-1.0.dist-info",
        "beta-1.0.dist-info",
      ]);
      assert(!names.some((n) => n.startsWith(".dpip-txn-") || n === ".dpip.lock"), `${names}`);

      // While another process holds the lock (naming the environment through a symbolic
      // link), dpip waits for it, then installs.
      const c = await writeWheel(join(home, "wheels"), bigWheel("gamma", "1.0", 10));
      const alias = join(home, "alias");
      Deno.symlinkSync(venv.root, alias);
      const lock = await lockEnvironment(join(alias, venv.sitePackages.slice(venv.root.length)));
      const child = dpipCommand(
        ["install", "--no-deps", "--no-index", "--python", venv.python, "--no-cache-dir", c.path],
        { home },
      ).spawn();
      let seen = "";
      const collect = async (stream: ReadableStream<Uint8Array>) => {
        for await (const chunk of stream) seen += decoder.decode(chunk);
      };
      const reading = Promise.all([collect(child.stdout), collect(child.stderr)]);
      const deadline = Date.now() + 60_000;
      while (!seen.includes("Waiting for another dpip process") && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assertStringIncludes(seen, "Waiting for another dpip process");
      assertEquals(
        [...Deno.readDirSync(venv.sitePackages)].some((e) => e.name.startsWith("gamma")),
        false,
      );
      lock.release();
      const status = await child.status;
      await reading;
      assertEquals(status.code, 0, seen);
      assertStringIncludes(seen, "Successfully installed gamma-1.0");
      assertNoHalfDistInfo(venv);
      assertRecordsMatch(venv);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
