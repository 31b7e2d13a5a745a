/**
 * Crash safety and concurrency of installs:
 *
 * - a dpip killed with SIGKILL at random moments of an upgrade never leaves a
 *   half-written `.dist-info` (every visible one is complete), and once the
 *   next dpip run has finished the interrupted transaction the environment is
 *   byte-identical to either the old state or the new one;
 * - two dpip processes installing into one environment at once are
 *   serialised by the lock file and both finish correctly.
 */

import { createHash } from "node:crypto";
import { join } from "node:path";
import { lockEnvironment } from "../../lib/installer/lock.ts";
import { recoverTransactions } from "../../lib/installer/transaction.ts";
import { parseRecord } from "../../lib/dists/record.ts";
import { type WheelSpec, writeWheel } from "../helpers/wheel_builder.ts";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import {
  dpipCommand,
  makeVenv,
  python311,
  seededRandom,
  snapshotDiff,
  treeSnapshot,
  type Venv,
} from "./install_wheel_support.ts";

const decoder = new TextDecoder();

function bigWheel(name: string, version: string, modules: number): WheelSpec {
  const files: Record<string, string> = { [`${name}/__init__.py`]: `VERSION = "${version}"\n` };
  for (let index = 0; index < modules; index++) {
    const sub = version === "1.0" || index % 3 !== 0
      ? "common"
      : `only_${version.replace(".", "_")}`;
    files[`${name}/${sub}/d${index % 30}/m${index}.py`] = `# ${name} ${version} module ${index}\n`;
  }
  return {
    name,
    version,
    files,
    dataFiles: {
      [`data/share/${name}/v.txt`]: version,
      [`scripts/${name}-tool`]: "#!python\nprint(1)\n",
    },
    entryPoints: { console_scripts: { [`${name}-${version.replace(".", "")}`]: `${name}:main` } },
  };
}

/** Every visible dist-info of the site dir is complete: metadata present, every RECORD path there. */
function assertNoHalfDistInfo(venv: Venv): void {
  for (const entry of Deno.readDirSync(venv.sitePackages)) {
    if (!entry.name.endsWith(".dist-info")) continue;
    const dir = join(venv.sitePackages, entry.name);
    for (const file of ["METADATA", "RECORD", "INSTALLER", "WHEEL"]) {
      Deno.statSync(join(dir, file));
    }
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

function copyTree(from: string, to: string): void {
  Deno.mkdirSync(to, { recursive: true });
  for (const entry of Deno.readDirSync(from)) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isSymlink) Deno.symlinkSync(Deno.readLinkSync(source), target);
    else if (entry.isDirectory) copyTree(source, target);
    else Deno.copyFileSync(source, target);
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
      assertEquals((await probeStatus).code, 0);
      await probe.output().catch(() => {});
      const transactionDuration = Math.max(performance.now() - transactionStart, 5);

      const next = seededRandom(1337);
      const outcomes = { old: 0, new: 0, recovered: 0 };
      for (let round = 0; round < 12; round++) {
        await Deno.remove(venv.root, { recursive: true });
        copyTree(pristine, venv.root);
        // A third of the rounds start cold and are killed at any moment (startup,
        // validation, unpacking); the others are killed inside the transaction.
        const early = round % 3 === 0;
        if (early) {
          await Deno.remove(join(cache, "unpacked-v1"), { recursive: true }).catch(() => {});
        }
        const child = install(v2.path).spawn();
        let done = false;
        const status = child.status.then(() => void (done = true));
        if (early) {
          await new Promise((resolve) => setTimeout(resolve, next() * duration));
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

        assertNoHalfDistInfo(venv);
        if (transactionStarted()) outcomes.recovered++;
        // What the next dpip run does first, under the lock.
        recoverTransactions(venv.sitePackages);
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
        ).output();
      const [first, second] = await Promise.all([install(a.path), install(b.path)]);
      assertEquals(first.code, 0, decoder.decode(first.stderr));
      assertEquals(second.code, 0, decoder.decode(second.stderr));
      assertNoHalfDistInfo(venv);
      assertRecordsMatch(venv);
      const names = [...Deno.readDirSync(venv.sitePackages)].map((e) => e.name).sort();
      assertEquals(names.filter((n) => n.endsWith(".dist-info")), [
        "alpha-1.0.dist-info",
        "beta-1.0.dist-info",
      ]);
      assert(!names.some((n) => n.startsWith(".dpip-txn-")));

      // While another process holds the lock, dpip waits for it, then installs.
      const c = await writeWheel(join(home, "wheels"), bigWheel("gamma", "1.0", 10));
      const lock = await lockEnvironment(venv.sitePackages);
      const child = dpipCommand(
        [
          "install",
          "--no-deps",
          "--no-index",
          "--python",
          venv.python,
          "--cache-dir",
          cache,
          c.path,
        ],
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
