import { join } from "../../lib/paths.ts";
import { UnpackAbandonedError, UnpackAhead } from "../../lib/installer/unpack_ahead.ts";
import type { LocalWheel, WheelOrigin } from "../../lib/installer/prepare.ts";
import { WheelInstallError } from "../../lib/installer/wheel.ts";
import { canonicalizeName } from "../../lib/names/mod.ts";
import { buildWheel, type BuiltArchive } from "../helpers/wheel_builder.ts";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";

const TAGS = new Set(["py3-none-any"]);

function localWheel(dir: string, wheel: BuiltArchive, origin: WheelOrigin = "downloaded") {
  const path = join(dir, wheel.filename);
  Deno.writeFileSync(path, wheel.bytes);
  const [name, version] = wheel.filename.split("-") as [string, string];
  return {
    request: {
      name: canonicalizeName(name),
      version,
      filename: wheel.filename,
      url: "",
      hashes: {},
    },
    path,
    sha256: wheel.sha256,
    size: wheel.bytes.length,
    origin,
  } satisfies LocalWheel;
}

/** What the bucket holds: entry directories (`ab/abcd…`) and temporary ones (`.tmp-…`). */
function bucketOf(bucket: string): { entries: string[]; temporary: string[] } {
  const entries: string[] = [];
  const temporary: string[] = [];
  for (const top of Deno.readDirSync(bucket)) {
    if (top.name.startsWith(".tmp-")) temporary.push(top.name);
    else for (const entry of Deno.readDirSync(join(bucket, top.name))) entries.push(entry.name);
  }
  return { entries: entries.sort(), temporary };
}

Deno.test("UnpackAhead: each wheel started is unpacked into the cache and taken with its warnings", async () => {
  const root = await Deno.makeTempDir({ prefix: "dpip-unpack-ahead-" });
  try {
    const bucket = join(root, "unpacked");
    const newer = buildWheel({
      name: "newer",
      version: "1.0",
      files: { "newer.py": "X = 1\n" },
      wheelVersion: "1.9",
    });
    const tampered = buildWheel({
      name: "bad",
      version: "1.0",
      files: { "bad/__init__.py": "X = 1\n" },
      record: { edit: (lines) => lines.map((l) => ({ ...l, hash: l.hash.replace(/.$/, "A") })) },
    });
    const kept = buildWheel({ name: "kept", version: "1.0", files: { "kept.py": "" } });
    const cached = buildWheel({ name: "cached", version: "1.0", files: { "cached.py": "" } });
    const ahead = new UnpackAhead({
      bucket,
      coming: [{}, {}, {}],
      compatibleTags: TAGS,
      wanted: (wheel) => wheel.request.name !== "kept",
    });
    try {
      ahead.start(localWheel(root, newer));
      ahead.start(localWheel(root, tampered));
      ahead.start(localWheel(root, kept)); // not wanted
      ahead.start(localWheel(root, cached, "unpacked")); // no file to unpack: found in the cache
      // Too small for a worker: they wait until this thread is done downloading.
      ahead.fetched();
      const warnings: string[] = [];
      const entry = await ahead.take(newer.sha256, (message) => warnings.push(message));
      assert(entry !== undefined);
      assertEquals(entry.manifest.name, "newer");
      assertEquals(Deno.readTextFileSync(join(entry.tree, "newer.py")), "X = 1\n");
      assertEquals(warnings.length, 1);
      assert(warnings[0]!.includes("1.9"), warnings[0]);
      const refused = await assertRejects(() => ahead.take(tampered.sha256, () => {})!);
      assert(refused instanceof WheelInstallError, String(refused));
      assertEquals(refused.code, "record-mismatch");
      assertEquals(ahead.take(kept.sha256, () => {}), undefined);
      assertEquals(ahead.take(cached.sha256, () => {}), undefined);
    } finally {
      await ahead.close();
    }
    // The good wheel's entry; nothing of the refused one, no temporary directory.
    assertEquals(bucketOf(bucket), { entries: [newer.sha256], temporary: [] });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("UnpackAhead: closed after a failure, what was not being unpacked is dropped", async () => {
  const root = await Deno.makeTempDir({ prefix: "dpip-unpack-ahead-" });
  try {
    const bucket = join(root, "unpacked");
    const wheels = ["one", "two", "three"].map((name) =>
      buildWheel({ name, version: "1.0", files: { [`${name}.py`]: "" } })
    );
    // Sizes worth a worker: the jobs wait for it, and the run stops before it takes any.
    const ahead = new UnpackAhead({
      bucket,
      coming: wheels.map(() => ({ size: 4 * 1024 * 1024 })),
      compatibleTags: TAGS,
    });
    for (const wheel of wheels) ahead.start(localWheel(root, wheel));
    await ahead.close();
    for (const wheel of wheels) {
      const error = await assertRejects(() => ahead.take(wheel.sha256, () => {})!);
      assert(error instanceof UnpackAbandonedError, String(error));
    }
    assertEquals(bucketOf(bucket), { entries: [], temporary: [] });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
