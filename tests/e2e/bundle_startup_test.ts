/**
 * dpip as shipped in JavaScript (`deno task bundle`, run by its launcher)
 * starts like the compiled binary: it boots no Node compatibility layer for a
 * command that needs none, and loads only the chunks the command imports.
 *
 * Deno reads and parses every module a literal `import()` names before it
 * runs anything, unless the launcher asks for lazy loading; esbuild imports
 * its CommonJS helper chunk (which loads `node:module`) from the entry point,
 * unless `scripts/bundle_finish.ts` removes that import. Each doubled the
 * start-up time (~30 ms → ~70 ms for `dpip --version`).
 *
 * @module
 */

import { join } from "node:path";
import { assert, assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { bundleInto } from "../helpers/dpip_bundle.ts";
import { staticNodeImports } from "../helpers/static_imports.ts";
import { isRuntimeChunk } from "../../scripts/bundle_finish.ts";

Deno.test("the bundle's entry point reaches no node: module through static imports", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dpip-bundle-start-" });
  try {
    await bundleInto(dir);
    assertEquals(await staticNodeImports(join(dir, "main.js")), []);
    // Nor does any command's chunk merely for esbuild's CommonJS helpers.
    const files = [...Deno.readDirSync(dir)].filter((entry) => entry.name.endsWith(".js"));
    const runtime = files.filter((entry) =>
      isRuntimeChunk(Deno.readTextFileSync(join(dir, entry.name)))
    );
    assertEquals(runtime.length, 1, "one chunk of CommonJS helpers");
    const bare = `import "./${runtime[0]!.name}";`;
    assertEquals(
      files.filter((entry) => Deno.readTextFileSync(join(dir, entry.name)).includes(bare))
        .map((entry) => entry.name),
      [],
    );

    // A command's chunk is read only when the command runs. Put a FIFO with no
    // writer in place of the chunk `audit` needs: reading it would block, so
    // `--version` finishes only if nothing opens it.
    const audit = [...Deno.readDirSync(dir)].find((entry) => entry.name.startsWith("audit-"));
    assert(audit !== undefined, "the bundle has a chunk of its own for `audit`");
    await Deno.remove(join(dir, audit.name));
    const fifo = await new Deno.Command("mkfifo", { args: [join(dir, audit.name)] }).output();
    assertEquals(fifo.code, 0, "mkfifo");
    const child = new Deno.Command(join(dir, "dpip"), {
      args: ["--version"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // A blocked start never ends by itself: stop it rather than hang the suite.
    const stop = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const run = await child.output();
    clearTimeout(stop);
    const err = new TextDecoder().decode(run.stderr);
    assertEquals(run.code, 0, err);
    assertStringIncludes(new TextDecoder().decode(run.stdout), "dpip ");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
