/**
 * The resolver's request queue: bounded, urgent first, and settled at the
 * end of a resolution (nothing queued starts, what runs is waited for), so
 * no prefetch is still writing after `resolve` returns or throws.
 */

import { FetchQueue } from "../../lib/resolver/fetch_queue.ts";
import { inMemoryProvider } from "../../lib/resolver/in_memory_provider.ts";
import type { ResolverProvider } from "../../lib/resolver/provider.ts";
import { ResolutionImpossibleError, resolve } from "../../lib/resolver/resolve.ts";
import { PY312 } from "./helpers.ts";
import { assertEquals, assertRejects } from "../helpers/assert.ts";

Deno.test("settle drops what has not started, waits for what runs, and starts nothing after", async () => {
  const queue = new FetchQueue(1);
  const ran: string[] = [];
  let finish!: () => void;
  const running = queue.get("a", () => {
    ran.push("a");
    return new Promise<string>((resolve) => finish = () => resolve("a done"));
  }, { urgent: false });
  const queued = queue.get("b", () => {
    ran.push("b");
    return Promise.resolve("b done");
  }, { urgent: false });
  let settled = false;
  const settling = queue.settle().then(() => settled = true);
  await Promise.resolve();
  assertEquals(settled, false);
  finish();
  await settling;
  assertEquals(await running, "a done");
  await assertRejects(() => queued);
  await assertRejects(() =>
    queue.get("c", () => {
      ran.push("c");
      return Promise.resolve("c");
    }, { urgent: true })
  );
  assertEquals(ran, ["a"]);
});

Deno.test("resolve waits for its prefetches: none is still running when it throws", async () => {
  const inner = inMemoryProvider({ lib: { "1.0": [], "2.0": [] } });
  let running = 0;
  let finished = 0;
  const provider: ResolverProvider = {
    listVersions: (name) => inner.listVersions(name),
    // The prefetch of lib's best version answers after the resolution has failed.
    getMetadata: async (name, candidate) => {
      running++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      running--;
      finished++;
      return await inner.getMetadata(name, candidate);
    },
  };
  await assertRejects(
    () => resolve({ requirements: ["lib==9"] }, { provider, environment: PY312 }),
    ResolutionImpossibleError,
  );
  assertEquals([running, finished], [0, 1]);
});
