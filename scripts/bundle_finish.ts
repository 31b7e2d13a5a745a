/**
 * The last step of `deno task bundle`: keeps the entry point from loading
 * Deno's Node compatibility layer at start-up.
 *
 * With code splitting, `deno bundle` (esbuild) puts its CommonJS helpers in a
 * shared chunk that creates `__require` from `node:module` when it is
 * evaluated, and imports that chunk from the entry point and every other
 * chunk for its side effect, although most use none of it. That import alone
 * boots the Node layer (~20 ms of a ~50 ms start). The chunks of the npm
 * packages that need the helpers import them by name, so they still get them,
 * in order, when a command loads them. This script removes the bare imports of
 * that chunk, and only when the chunk holds nothing but those helpers.
 *
 * Usage: deno run --allow-read --allow-write scripts/bundle_finish.ts DIR
 *
 * @module
 */

import { join } from "node:path";

/** The helpers esbuild's runtime chunk may define; anything else there is left alone. */
const RUNTIME_HELPERS = new Set([
  "__require",
  "__commonJS",
  "__esm",
  "__export",
  "__toESM",
  "__toCommonJS",
  "__reExport",
  "__copyProps",
]);

/** Whether `text` is a chunk holding only esbuild's runtime helpers, `__require` among them. */
export function isRuntimeChunk(text: string): boolean {
  if (!text.includes("__deno_internal_createRequire(import.meta.url)")) return false;
  const exported = /export \{([^}]*)\};?\s*$/.exec(text);
  if (exported === null) return false;
  const names = exported[1]!.split(",").map((name) => name.trim()).filter((name) => name !== "");
  if (!names.every((name) => RUNTIME_HELPERS.has(name))) return false;
  // Only the node:module import and declarations of `__`-names at the top level.
  return text.slice(0, exported.index).split("\n").every((line) =>
    line === "" || /^(\s|\}|\))/.test(line) ||
    /^var __\w+ = /.test(line) ||
    line === 'import { createRequire as __deno_internal_createRequire } from "node:module";'
  );
}

/** `module` without its bare imports (`import "./x.js";`) of the chunks in `runtimeChunks`. */
export function withoutRuntimeImports(module: string, runtimeChunks: ReadonlySet<string>): string {
  return module.split("\n").filter((line) => {
    const bare = /^import "\.\/([\w.-]+\.js)";$/.exec(line);
    return bare === null || !runtimeChunks.has(bare[1]!);
  }).join("\n");
}

if (import.meta.main) {
  const dir = Deno.args[0];
  if (dir === undefined) throw new Error("usage: bundle_finish.ts DIR");
  const runtime = new Set<string>();
  for (const entry of Deno.readDirSync(dir)) {
    if (!entry.isFile || !entry.name.endsWith(".js")) continue;
    if (isRuntimeChunk(Deno.readTextFileSync(join(dir, entry.name)))) runtime.add(entry.name);
  }
  for (const entry of Deno.readDirSync(dir)) {
    if (!entry.isFile || !entry.name.endsWith(".js")) continue;
    const path = join(dir, entry.name);
    const text = Deno.readTextFileSync(path);
    const finished = withoutRuntimeImports(text, runtime);
    if (finished !== text) Deno.writeTextFileSync(path, finished);
  }
}
