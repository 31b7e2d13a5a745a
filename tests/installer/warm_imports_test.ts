/**
 * An install whose wheels are all in the unpacked-wheel cache (a warm
 * install) links files and never inflates any: the modules it runs reach
 * neither the zip reader's `node:zlib` nor the unpacker's `node:buffer`
 * through static imports (loading `node:zlib` alone costs ~13 ms). The
 * unpacker is imported when a wheel must be unpacked.
 */

import { assertEquals } from "../helpers/assert.ts";
import { fileURLToPath } from "../../lib/paths.ts";
import { staticNodeImports } from "../helpers/static_imports.ts";

const REPO = new URL("../../", import.meta.url).href;

for (const root of ["lib/operations/install_wheels.ts", "lib/installer/prepare.ts"]) {
  Deno.test(`${root} reaches neither node:zlib nor node:buffer through static imports`, async () => {
    const path = fileURLToPath(new URL(root, REPO));
    const chains = await staticNodeImports(path);
    assertEquals(chains.filter((chain) => /node:(zlib|buffer)$/.test(chain)), []);
  });
}
