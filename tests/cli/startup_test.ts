/**
 * The commands that must start fast (`list`, `freeze`, `show`, `install` when
 * nothing is to be done, and the entry point that dispatches to them) reach
 * no `node:` module through static
 * imports: the first one boots Deno's Node compatibility layer (~12 ms).
 * Dynamic `import()`s are allowed; they load only when a code path needs them.
 */

import { assertEquals } from "../helpers/assert.ts";
import { fileURLToPath } from "../../lib/paths.ts";
import { staticNodeImports } from "../helpers/static_imports.ts";

const REPO = new URL("../../", import.meta.url).href;

for (
  const root of [
    "main.ts",
    "lib/cli/commands/list.ts",
    "lib/cli/commands/freeze.ts",
    "lib/cli/commands/show.ts",
    // A no-op install (everything already satisfied) must not pay for the installer's
    // hashing and inflating, nor the build frontend: those load when there is work.
    "lib/cli/commands/install.ts",
  ]
) {
  Deno.test(`${root} reaches no node: module through static imports`, async () => {
    const path = fileURLToPath(new URL(root, REPO));
    assertEquals(await staticNodeImports(path), []);
  });
}
