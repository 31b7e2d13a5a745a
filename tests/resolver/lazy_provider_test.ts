import { lazyProvider } from "../../lib/resolver/lazy_provider.ts";
import { inMemoryProvider } from "../../lib/resolver/mod.ts";
import { canonicalizeName } from "../../lib/names/mod.ts";
import { assertEquals } from "../helpers/assert.ts";

Deno.test("lazyProvider loads its provider once, on the first request, and forwards to it", async () => {
  let loads = 0;
  const inner = inMemoryProvider({ demo: { "1.0": {}, "2.0": {} } });
  const provider = lazyProvider(() => {
    loads++;
    return Promise.resolve(inner);
  });
  assertEquals(loads, 0);
  const name = canonicalizeName("demo");
  const listing = await provider.listVersions(name);
  assertEquals(listing, await inner.listVersions(name));
  if (listing.kind !== "found") throw new Error("demo not found");
  assertEquals(
    await provider.getMetadata(name, listing.candidates[0]!),
    await inner.getMetadata(name, listing.candidates[0]!),
  );
  assertEquals(loads, 1);
  // A provider without direct references answers that it cannot.
  assertEquals((await provider.getDirectMetadata!(name, "https://x/demo.whl")).kind, "unavailable");
});
