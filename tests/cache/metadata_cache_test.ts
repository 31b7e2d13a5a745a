/**
 * Wheels' metadata kept by sha256: the store itself, and a warm resolution
 * that asks the index for pages only, not for the wheels' metadata again.
 */

import { join } from "node:path";
import { MetadataCache } from "../../lib/cache/metadata_cache.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { demoFiles, python311, withIndexEnv } from "../e2e/install_support.ts";

const encode = (text: string) => new TextEncoder().encode(text);
const sha256 = async (bytes: Uint8Array) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");

Deno.test("MetadataCache.has() answers from what this run read or wrote, else from the disk", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dpip-metadata-" });
  try {
    const cache = new MetadataCache(dir);
    const wheel = { kind: "wheel", sha256: "ef".repeat(32) } as const;
    const unverified = { kind: "unverified", url: "https://example.org/a.whl" } as const;
    assertEquals(await cache.has(wheel), false);
    assertEquals(await cache.has(unverified), false);
    await cache.put(wheel, encode("Name: a\nVersion: 1\n"));
    await cache.put(unverified, encode("Name: b\nVersion: 1\n"));
    assertEquals(await cache.has(unverified), true);
    // The entry is gone from the disk: this run still knows it wrote it, another run does not.
    await Deno.remove(join(dir, "wheel"), { recursive: true });
    assertEquals(await cache.has(wheel), true);
    assertEquals(await new MetadataCache(dir).has(wheel), false);
    assertEquals(await new MetadataCache(dir).has(unverified), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("MetadataCache keeps verified metadata on disk by its hash, unverified only in memory", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dpip-metadata-" });
  try {
    const cache = new MetadataCache(dir);
    const wheel = { kind: "wheel", sha256: "ab".repeat(32) } as const;
    const text = encode("Name: a\nVersion: 1\n");
    assertEquals(await cache.get(wheel), undefined);
    await cache.put(wheel, text);
    assertEquals(await cache.get({ kind: "wheel", sha256: wheel.sha256.toUpperCase() }), text);
    await cache.put({ kind: "wheel", sha256: "../escape" }, text);
    assertEquals(await cache.get({ kind: "wheel", sha256: "../escape" }), undefined);
    // A PEP 658 file is kept only under its own hash, and read back only while it has it.
    const core = { kind: "core-metadata", sha256: await sha256(text) } as const;
    await cache.put({ kind: "core-metadata", sha256: "cd".repeat(32) }, text);
    assertEquals(await cache.get({ kind: "core-metadata", sha256: "cd".repeat(32) }), undefined);
    await cache.put(core, text);
    assertEquals(await cache.get(core), text);
    const path = join(dir, "core", core.sha256.slice(0, 2), `${core.sha256}.metadata`);
    await Deno.writeTextFile(path, "Name: a\nVersion: 1\nRequires-Dist: evil\n");
    assertEquals(await cache.get(core), undefined);
    // Unverified metadata lives as long as the object, by URL.
    const unverified = { kind: "unverified", url: "https://h/a-1-py3-none-any.whl" } as const;
    await cache.put(unverified, text);
    assertEquals(await cache.get(unverified), text);
    assertEquals(await new MetadataCache(dir).get(unverified), undefined);
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["core", "wheel"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name:
    "a resolution after an install reads wheels' metadata from the cache; range-read metadata is not kept",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  async fn() {
    // No PEP 658 files: metadata comes from range requests into the wheels.
    const files = demoFiles().map(({ metadata: _, ...file }) => file);
    await withIndexEnv({ files, cacheDir: true }, async (env) => {
      const wheelRequests = (from: number) =>
        env.server.requests.slice(from).filter((r) => r.path.startsWith("/files/"));
      const args = ["--dry-run", "app[extra]"];
      const cold = await env.install(args);
      assertEquals(cold.status, 0, cold.stderr);
      assert(wheelRequests(0).length > 0, "the cold run reads the wheels");
      // What range requests read was not verified against the wheels' hashes: not kept.
      let before = env.server.requests.length;
      const again = await env.install(args);
      assertEquals(again.stdout, cold.stdout);
      assert(wheelRequests(before).every((r) => r.range !== null), "range requests again");
      assert(wheelRequests(before).length > 0, "range requests again");
      // Downloading the wheels verifies them: their metadata is kept by their hash.
      const download = await env.dpip([
        "download",
        "--python",
        env.venv.python,
        "-i",
        env.server.url,
        "--cache-dir",
        join(env.home, "cache"),
        "-d",
        join(env.home, "wheels"),
        "app[extra]",
        "extra-dep", // (named too: `download` does not follow extras yet)
      ]);
      assertEquals(download.status, 0, download.stderr);
      before = env.server.requests.length;
      const warm = await env.install(args);
      assertEquals(warm.status, 0, warm.stderr);
      assertEquals(warm.stdout, cold.stdout);
      assertEquals(wheelRequests(before), []);
    });
  },
});
