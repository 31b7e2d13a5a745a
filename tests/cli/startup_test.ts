/**
 * The commands that must start fast (`list`, `freeze`, `show`, `install` when
 * nothing is to be done, and the entry point that dispatches to them) reach
 * no `node:` module through static
 * imports: the first one boots Deno's Node compatibility layer (~12 ms).
 * Dynamic `import()`s are allowed; they load only when a code path needs them.
 */

import { assertEquals } from "../helpers/assert.ts";
import { fileURLToPath } from "../../lib/paths.ts";
import { staticImportChains, staticNodeImports } from "../helpers/static_imports.ts";

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

/**
 * The phases a command may not run load only when a run reaches them: the
 * builds (when something is resolved or built), the execute, report and
 * post-install phases (when there is something to install or describe). A
 * no-op install reaches none of them; `lock` resolves and plans, so it
 * loads none of the installer but its planner, and the universal resolver
 * only for `--universal`. A no-op install asks no index anything, so it
 * loads neither the index session nor the HTTP client, the index pages'
 * parser or the HTTP cache (they load when the pipeline first needs an
 * index). Nor do `install` and `list` load what only other
 * inputs need: the lock file format and the TOML parser (for `-r
 * pylock.toml`, `--group`, `--requirements-from-script`), the marker
 * algebra (universal resolution, locks).
 */
const LATER_PHASES = [
  "lib/operations/build_dispatch.ts",
  "lib/operations/build_environment.ts",
  "lib/operations/install_execute.ts",
  "lib/operations/post_install.ts",
  "lib/operations/plan_report.ts",
];
const INDEX_SESSION = [
  "lib/cli/index_session.ts",
  "lib/net/http_client.ts",
  "lib/net/http_cache.ts",
  "lib/index/index_set.ts",
  "lib/index/simple_api.ts",
  "lib/cache/metadata_cache.ts",
  "lib/resolver/default_provider.ts",
];
const ONLY_OTHER_INPUTS = (module: string) =>
  (module.startsWith("lib/lock/") && module !== "lib/lock/pylock_name.ts") ||
  module.startsWith("npm:") || module === "lib/pep508/marker_algebra.ts";
const NOT_LOADED: Record<string, (module: string) => boolean> = {
  "lib/cli/commands/lock.ts": (module) =>
    (module.startsWith("lib/installer/") && module !== "lib/installer/plan.ts") ||
    LATER_PHASES.includes(module) || module === "lib/operations/universal_lock.ts",
  "lib/cli/commands/install.ts": (module) =>
    LATER_PHASES.includes(module) || ONLY_OTHER_INPUTS(module) || INDEX_SESSION.includes(module),
  "lib/cli/commands/list.ts": ONLY_OTHER_INPUTS,
};

for (const [root, excluded] of Object.entries(NOT_LOADED)) {
  Deno.test(`${root} loads the phases it may not run only when it runs them`, async () => {
    const path = fileURLToPath(new URL(root, REPO));
    assertEquals(await staticImportChains(path, excluded), []);
  });
}
