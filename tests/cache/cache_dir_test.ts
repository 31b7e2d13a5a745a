import { assertEquals } from "../helpers/assert.ts";
import { bucketDir, CacheBucket, resolveCacheRoot } from "../../lib/cache/cache_dir.ts";

Deno.test("resolveCacheRoot() follows --cache-dir, then XDG_CACHE_HOME, then HOME", () => {
  const env = { HOME: "/home/u", XDG_CACHE_HOME: "/xdg" };
  assertEquals(resolveCacheRoot({ cacheDir: "rel/c", env, cwd: "/w" }), "/w/rel/c");
  assertEquals(resolveCacheRoot({ cacheDir: "/abs", env, cwd: "/w" }), "/abs");
  assertEquals(resolveCacheRoot({ cacheDir: "~/c", env, cwd: "/w" }), "/home/u/c");
  assertEquals(resolveCacheRoot({ env, cwd: "/w" }), "/xdg/dpip");
  assertEquals(
    resolveCacheRoot({ env: { HOME: "/home/u", XDG_CACHE_HOME: "rel" }, cwd: "/" }),
    "/home/u/.cache/dpip",
  );
  assertEquals(resolveCacheRoot({ env: { HOME: "/home/u" }, cwd: "/" }), "/home/u/.cache/dpip");
  assertEquals(resolveCacheRoot({ cacheDir: false, env, cwd: "/w" }), undefined);
});

Deno.test("buckets are versioned directories", () => {
  assertEquals(bucketDir("/c", CacheBucket.wheels), "/c/wheels-v1");
});
