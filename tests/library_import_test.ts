/**
 * `lib/mod.ts` is importable from anywhere: every module it can reach (also
 * through dynamic imports) names its dependencies with full specifiers, so
 * a program outside the checkout, run without dpip's `deno.json`, can import it.
 */

import { assertEquals, assertStringIncludes } from "./helpers/assert.ts";

const decoder = new TextDecoder();
const modUrl = new URL("../lib/mod.ts", import.meta.url).href;

async function denoIn(dir: string, args: string[]) {
  const result = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return {
    code: result.code,
    out: decoder.decode(result.stdout),
    err: decoder.decode(result.stderr),
  };
}

const PROGRAM = `
import { captureIo, main, parseRequirement, parseVersion, readBuildSystem } from ${
  JSON.stringify(modUrl)
};
const io = captureIo();
const status = await main(["--version"], io);
const requirement = parseRequirement("Foo_Bar[x]>=1.0; python_version >= '3.8'");
console.log(JSON.stringify({
  version: String(parseVersion("1.0RC1")),
  name: requirement.name,
  status,
  out: io.out().split(" ")[0],
  build: typeof readBuildSystem,
}));
`;

Deno.test({
  name: "lib/mod.ts imports and runs from a directory without dpip's deno.json",
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dpip-import-" });
    try {
      await Deno.writeTextFile(`${dir}/use_dpip.ts`, PROGRAM);
      const run = await denoIn(dir, ["run", "--no-config", "--no-lock", "-A", "use_dpip.ts"]);
      assertEquals(run.code, 0, run.err);
      assertEquals(JSON.parse(run.out), {
        version: "1.0rc1",
        name: "Foo_Bar",
        status: 0,
        out: "dpip",
        build: "function",
      });
      // Type-checking follows every import, dynamic ones included: a bare specifier
      // anywhere in the graph (e.g. a command runner) fails here.
      const check = await denoIn(dir, ["check", "--no-config", "--no-lock", "use_dpip.ts"]);
      assertEquals(check.code, 0, check.err);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** The specifiers outside the checkout that the module graph of lib/mod.ts imports. */
async function externalSpecifiers(): Promise<Set<string>> {
  const info = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", modUrl],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const graph = JSON.parse(decoder.decode(info.stdout)) as {
    modules: { dependencies?: { specifier: string }[] }[];
  };
  const found = new Set<string>();
  for (const module of graph.modules) {
    for (const { specifier } of module.dependencies ?? []) {
      if (!specifier.startsWith(".") && !specifier.startsWith("node:")) found.add(specifier);
    }
  }
  return found;
}

Deno.test("lib/ names npm packages with the exact versions deno.json pins", async () => {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
  ) as { imports: Record<string, string> };
  const pinned = new Set(Object.values(config.imports));
  const used = await externalSpecifiers();
  assertEquals(used.size > 0, true);
  for (const specifier of used) {
    assertStringIncludes(specifier, "npm:", `lib/ imports ${specifier}: use a full specifier`);
    assertEquals(pinned.has(specifier), true, `${specifier} is not the version deno.json pins`);
  }
});
