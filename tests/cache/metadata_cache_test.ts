/**
 * Wheels' metadata kept by sha256: the store itself, and a warm resolution
 * that asks the index for pages only, not for the wheels' metadata again.
 */

import { MetadataCache } from "../../lib/cache/metadata_cache.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { demoFiles, python311, withIndexEnv } from "../e2e/install_support.ts";

Deno.test("MetadataCache keeps METADATA by sha256 and ignores keys that are not one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dpip-metadata-" });
  try {
    const cache = new MetadataCache(dir);
    const sha = "ab".repeat(32);
    assertEquals(await cache.get(sha), undefined);
    await cache.put(sha, "Name: a\nVersion: 1\n");
    assertEquals(await cache.get(sha.toUpperCase()), "Name: a\nVersion: 1\n");
    await cache.put("../escape", "x");
    assertEquals(await cache.get("../escape"), undefined);
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["ab"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "a warm resolution reads wheels' metadata from the cache, not from the index",
  ignore: skipUnless(python311, "pyenv Python 3.11"),
  async fn() {
    // No PEP 658 files: metadata comes from range requests into the wheels.
    const files = demoFiles().map(({ metadata: _, ...file }) => file);
    await withIndexEnv({ files, cacheDir: true }, async (env) => {
      const args = ["--dry-run", "app[extra]"];
      const cold = await env.install(args);
      assertEquals(cold.status, 0, cold.stderr);
      const wheelRequests = (from: number) =>
        env.server.requests.slice(from).filter((r) => r.path.startsWith("/files/"));
      assert(wheelRequests(0).length > 0, "the cold run reads the wheels");
      const before = env.server.requests.length;
      const warm = await env.install(args);
      assertEquals(warm.status, 0, warm.stderr);
      assertEquals(warm.stdout, cold.stdout);
      assertEquals(wheelRequests(before), []);
    });
  },
});
