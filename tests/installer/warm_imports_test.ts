/**
 * An install whose wheels are all in the unpacked-wheel cache (a warm
 * install) links files and hashes only the few small files it generates:
 * the modules it runs reach no `node:` module through static imports (the
 * first one boots Deno's Node layer, ~12 ms; `node:crypto` costs ~25 ms
 * more, `node:zlib` ~13 ms). The unpacker (`node:zlib`, `node:buffer`,
 * `node:crypto`) is imported when a wheel must be unpacked, hashing a wheel
 * file's path or contents loads `node:crypto` then.
 */

import { assertEquals } from "../helpers/assert.ts";
import { fileURLToPath } from "../../lib/paths.ts";
import { staticNodeImports } from "../helpers/static_imports.ts";

const REPO = new URL("../../", import.meta.url).href;

for (const root of ["lib/operations/install_wheels.ts", "lib/installer/prepare.ts"]) {
  Deno.test(`${root} reaches no node: module through static imports`, async () => {
    const path = fileURLToPath(new URL(root, REPO));
    assertEquals(await staticNodeImports(path), []);
  });
}
