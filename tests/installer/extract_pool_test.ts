import { join } from "../../lib/paths.ts";
import { allInOrder, ExtractPool, largestFirst } from "../../lib/installer/extract_pool.ts";
import { extractWheel, type WheelManifest } from "../../lib/installer/install_wheel.ts";
import { buildWheel, type WheelSpec } from "../helpers/wheel_builder.ts";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";

/** Every file under `dir`, as `path: text` lines, sorted. */
function treeOf(dir: string, prefix = ""): string[] {
  const lines: string[] = [];
  for (const entry of Deno.readDirSync(join(dir, prefix))) {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory) lines.push(...treeOf(dir, path));
    else {
      const mode = (Deno.statSync(join(dir, path)).mode ?? 0) & 0o777;
      lines.push(`${path} ${mode.toString(8)}: ${Deno.readTextFileSync(join(dir, path))}`);
    }
  }
  return lines.sort();
}

function specs(): WheelSpec[] {
  return Array.from({ length: 6 }, (_, i) => ({
    name: `pkg${i}`,
    version: `1.${i}`,
    files: Object.fromEntries(
      Array.from({ length: 5 + i * 3 }, (_, j) => [`pkg${i}/m${j}.py`, `X = ${i * j}\n`.repeat(j)]),
    ),
    dataFiles: { "scripts/tool": "#!python\nprint(1)\n" },
    entryPoints: { console_scripts: { [`pkg${i}`]: `pkg${i}:main` } },
    wheelVersion: i === 2 ? "1.9" : "1.0",
  }));
}

Deno.test("ExtractPool: wheels unpacked on worker threads are the same as unpacked here", async () => {
  const root = await Deno.makeTempDir({ prefix: "dpip-extract-pool-" });
  try {
    const wheels = specs().map((spec) => buildWheel(spec));
    const here: { manifest: WheelManifest; warnings: string[] }[] = [];
    for (const [i, wheel] of wheels.entries()) {
      const dir = join(root, `here-${i}`);
      Deno.mkdirSync(dir);
      const warnings: string[] = [];
      const manifest = extractWheel(wheel.bytes, {
        filename: wheel.filename,
        dir,
        onWarning: (message) => warnings.push(message),
      });
      here.push({ manifest, warnings });
    }
    const pool = new ExtractPool({ totalBytes: 0, jobs: wheels.length, force: true });
    const warned = wheels.map((): string[] => []);
    let manifests: WheelManifest[];
    try {
      manifests = await allInOrder(wheels.map((wheel, i) => {
        const path = join(root, wheel.filename);
        Deno.writeFileSync(path, wheel.bytes);
        const dir = join(root, `pool-${i}`);
        Deno.mkdirSync(dir);
        return pool.extract({
          path,
          filename: wheel.filename,
          dir,
          size: wheel.bytes.length,
          compatibleTags: new Set(["py3-none-any"]),
          onWarning: (message) => warned[i]!.push(message),
        });
      }));
    } finally {
      pool.close();
    }
    for (const [i, { manifest, warnings }] of here.entries()) {
      // The same but for when each file was written (each stamp's mtime).
      assertEquals(withoutMtimes(manifests[i]!), withoutMtimes(manifest), `wheel ${i}`);
      assertEquals(warned[i], warnings, `wheel ${i}`);
      assertEquals(treeOf(join(root, `pool-${i}`)), treeOf(join(root, `here-${i}`)), `wheel ${i}`);
    }
    assertEquals(warned[2]!.length, 1); // the Wheel-Version 1.9 wheel warned, through the worker
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("ExtractPool: a refused wheel fails as it would here; close() finishes queued jobs here", async () => {
  const root = await Deno.makeTempDir({ prefix: "dpip-extract-pool-" });
  try {
    const tampered = buildWheel({
      name: "bad",
      version: "1.0",
      files: { "bad/__init__.py": "X = 1\n" },
      record: { edit: (lines) => lines.map((l) => ({ ...l, hash: l.hash.replace(/.$/, "A") })) },
    });
    const good = buildWheel({ name: "good", version: "1.0", files: { "good.py": "" } });
    const hereDir = join(root, "here");
    Deno.mkdirSync(hereDir);
    let expected: unknown;
    try {
      extractWheel(tampered.bytes, { filename: tampered.filename, dir: hereDir });
    } catch (error) {
      expected = error;
    }
    assert(expected instanceof Error);

    const pool = new ExtractPool({ totalBytes: 0, jobs: 2, force: true });
    const path = join(root, tampered.filename);
    Deno.writeFileSync(path, tampered.bytes);
    Deno.mkdirSync(join(root, "pool"));
    const refused = pool.extract({ path, filename: tampered.filename, dir: join(root, "pool") });
    const error = await assertRejects(() => refused);
    pool.close();
    assertEquals(
      [error.name, error.message, (error as { code?: string }).code],
      [expected.name, expected.message, (expected as { code?: string }).code],
    );

    // Closed before its workers have loaded: the queued jobs are done on this thread.
    const early = new ExtractPool({ totalBytes: 0, jobs: 2, force: true });
    const goodPath = join(root, good.filename);
    Deno.writeFileSync(goodPath, good.bytes);
    Deno.mkdirSync(join(root, "early"));
    const pending = early.extract({
      path: goodPath,
      filename: good.filename,
      dir: join(root, "early"),
    });
    early.close();
    assertEquals((await pending).name, "good");
    assertEquals(treeOf(join(root, "early")).some((line) => line.startsWith("good.py ")), true);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("allInOrder() waits for every task and throws the first failure in order", async () => {
  const settled: string[] = [];
  const later = (name: string, ms: number, fail = false) =>
    new Promise<string>((resolve, reject) =>
      setTimeout(() => {
        settled.push(name);
        if (fail) reject(new Error(name));
        else resolve(name);
      }, ms)
    );
  assertEquals(await allInOrder([later("a", 5), later("b", 1)]), ["a", "b"]);
  settled.length = 0;
  const error = await assertRejects(() =>
    allInOrder([
      later("ok", 1),
      later("first", 20, true),
      later("second", 2, true),
      later("slow", 30),
    ])
  );
  assertEquals(error.message, "first");
  assertEquals(settled.sort(), ["first", "ok", "second", "slow"]);
  assertEquals(largestFirst([3, 9, 1, 9], (n) => n), [9, 9, 3, 1]);
});

Deno.test("ExtractPool: small work stays on this thread (no worker is started)", async () => {
  const wheel = buildWheel({ name: "tiny", version: "1.0", files: { "tiny.py": "" } });
  const dir = await Deno.makeTempDir({ prefix: "dpip-extract-pool-" });
  try {
    const pool = new ExtractPool({ totalBytes: wheel.bytes.length, jobs: 1 });
    // Without a worker the job runs before extract() returns, and close() has nothing to stop.
    const path = join(dir, wheel.filename);
    Deno.writeFileSync(path, wheel.bytes);
    const job = pool.extract({ path, filename: wheel.filename, dir: join(dir, "tree") });
    assertEquals(Deno.statSync(join(dir, "tree", "tiny.py")).isFile, true);
    assertEquals((await job).name, "tiny");
    pool.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function withoutMtimes(manifest: WheelManifest): WheelManifest {
  return {
    ...manifest,
    files: manifest.files.map((file) => {
      assert(file.stamp !== undefined, file.path);
      return { ...file, stamp: [file.stamp[0], 0, file.stamp[2]] };
    }),
  };
}

Deno.test("ExtractPool: closing a pool that had nothing to unpack uses no timer", () => {
  const clear = globalThis.clearTimeout;
  let cleared = 0;
  globalThis.clearTimeout = ((id: Parameters<typeof clear>[0]) => {
    cleared++;
    clear(id);
  }) as typeof clear;
  try {
    new ExtractPool({ totalBytes: 100 * 1024 * 1024, jobs: 30 }).close();
  } finally {
    globalThis.clearTimeout = clear;
  }
  assertEquals(cleared, 0);
});

Deno.test("ExtractPool: with no total given, a worker starts once the jobs handed reach 8 MB", async () => {
  const root = await Deno.makeTempDir({ prefix: "dpip-extract-pool-" });
  try {
    const small = buildWheel({ name: "small", version: "1.0", files: { "small.py": "" } });
    const large = buildWheel({ name: "large", version: "1.0", files: { "large.py": "" } });
    for (const wheel of [small, large]) Deno.writeFileSync(join(root, wheel.filename), wheel.bytes);
    const job = (wheel: typeof small, size: number) => ({
      path: join(root, wheel.filename),
      filename: wheel.filename,
      dir: join(root, wheel.filename.split("-")[0]!),
      size,
    });
    const pool = new ExtractPool({ jobs: 3 });
    try {
      Deno.mkdirSync(join(root, "small"));
      assertEquals((await pool.extract(job(small, small.bytes.length))).name, "small");
      // Small so far: the next small job is unpacked here, before extract() returns.
      Deno.removeSync(join(root, "small"), { recursive: true });
      Deno.mkdirSync(join(root, "small"));
      const again = pool.extract(job(small, small.bytes.length));
      assertEquals(Deno.statSync(join(root, "small", "small.py")).isFile, true);
      await again;
      // 9 MB more (as the caller says): a worker starts and takes it, so it is not done yet.
      Deno.mkdirSync(join(root, "large"));
      const queued = pool.extract(job(large, 9 * 1024 * 1024));
      assertEquals([...Deno.readDirSync(join(root, "large"))], []);
      assertEquals((await queued).name, "large");
      assertEquals(Deno.statSync(join(root, "large", "large.py")).isFile, true);
    } finally {
      pool.close();
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("ExtractPool: while this thread is busy only workers unpack; discardQueued() drops the waiting jobs", async () => {
  const root = await Deno.makeTempDir({ prefix: "dpip-extract-pool-" });
  const writeFileSync = Deno.writeFileSync;
  let writtenHere = 0;
  try {
    const wheels = specs().slice(0, 4).map((spec) => buildWheel(spec));
    const jobs = wheels.map((wheel, i) => {
      const path = join(root, wheel.filename);
      Deno.writeFileSync(path, wheel.bytes);
      return { path, filename: wheel.filename, dir: join(root, `tree-${i}`) };
    });
    for (const job of jobs) Deno.mkdirSync(job.dir);
    Deno.writeFileSync = ((...args: Parameters<typeof writeFileSync>) => {
      writtenHere++;
      return writeFileSync(...args);
    }) as typeof writeFileSync;

    const pool = new ExtractPool({ totalBytes: 0, jobs: 4, force: true });
    pool.hereBusy = true;
    try {
      const manifests = await allInOrder(jobs.map((job) => pool.extract(job)));
      assertEquals(manifests.map((manifest) => manifest.name), ["pkg0", "pkg1", "pkg2", "pkg3"]);
    } finally {
      pool.close();
    }
    assertEquals(writtenHere, 0); // every file was written by the worker

    const stopped = new ExtractPool({ totalBytes: 0, jobs: 4, force: true });
    const dropped = jobs.map((job, i) => stopped.extract({ ...job, dir: join(root, `drop-${i}`) }));
    stopped.discardQueued(new Error("stopped"));
    for (const job of dropped) assertEquals((await assertRejects(() => job)).message, "stopped");
    stopped.close();
    // None was started: nothing was unpacked for them.
    assertEquals([...Deno.readDirSync(root)].filter((e) => e.name.startsWith("drop-")), []);
  } finally {
    Deno.writeFileSync = writeFileSync;
    await Deno.remove(root, { recursive: true });
  }
});
