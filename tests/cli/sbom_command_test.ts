/**
 * `dpip sbom` end to end: a lock's SBOM in both formats (valid, written to
 * stdout or a file, timestamped from SOURCE_DATE_EPOCH), a requirements file
 * refused, and a real venv's SBOM when pyenv's 3.11 is there.
 */

import { join } from "../../lib/paths.ts";
import { captureIo } from "../../lib/cli/io.ts";
import { main } from "../../lib/cli/main.ts";
import { makeVenv, python311 } from "../e2e/install_wheel_support.ts";
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { writeDists } from "../helpers/installed.ts";
import { skipUnless } from "../helpers/python.ts";
import { cycloneDxErrors, spdx23Errors } from "../sbom/schemas.ts";

async function dpip(args: string[], cwd: string, env: Record<string, string> = {}) {
  const io = captureIo({ env: { PIP_CONFIG_FILE: "/dev/null", HOME: cwd, ...env }, cwd });
  const status = await main(args, io);
  return { status, out: io.out(), err: io.err() };
}

const LOCK = `lock-version = "1.0"
created-by = "test"

[[packages]]
name = "app"
version = "1.0"
dependencies = [{ name = "lib" }]
wheels = [{ url = "https://files.invalid/app-1.0-py3-none-any.whl", hashes = { sha256 = "${
  "1".repeat(64)
}" } }]

[[packages]]
name = "lib"
version = "2.0"
sdist = { url = "https://files.invalid/lib-2.0.tar.gz", hashes = { sha256 = "${"2".repeat(64)}" } }
`;

/** The `npm:` modules `root` reaches through static (non-type, non-dynamic) imports. */
async function staticNpmImports(root: string): Promise<string[]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", root],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const info = JSON.parse(new TextDecoder().decode(output.stdout)) as {
    roots: string[];
    modules: {
      specifier: string;
      dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
    }[];
  };
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set(info.roots);
  const queue = [...info.roots];
  const found: string[] = [];
  for (let at = 0; at < queue.length; at++) {
    const specifier = queue[at]!;
    if (specifier.startsWith("npm:")) found.push(specifier);
    for (const dependency of bySpecifier.get(specifier)?.dependencies ?? []) {
      const next = dependency.code?.specifier;
      if (next === undefined || dependency.isDynamic === true || seen.has(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return found;
}

Deno.test("the CycloneDX library loads only when a CycloneDX SBOM is written", async () => {
  const root = new URL("../../lib/cli/commands/sbom.ts", import.meta.url);
  const npm = await staticNpmImports(root.href);
  assertEquals(npm.filter((specifier) => specifier.includes("@cyclonedx/")), [], npm.join(" "));
  // The check itself sees a static import of the library.
  const dir = await Deno.makeTempDir({ prefix: "dpip-sbom-probe-" });
  try {
    const probe = join(dir, "probe.ts");
    Deno.writeTextFileSync(
      probe,
      'export * from "npm:@cyclonedx/cyclonedx-library@10.3.0/Models";\n',
    );
    const found = await staticNpmImports(probe);
    assertEquals(found.length, 1, found.join(" "));
    assertStringIncludes(found[0]!, "@cyclonedx/cyclonedx-library@10.3.0/Models");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dpip sbom -r pylock.toml: CycloneDX 1.6 and SPDX 2.3, valid", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dpip-sbom-cli-" });
  try {
    Deno.writeTextFileSync(join(dir, "pylock.toml"), LOCK);
    const epoch = { SOURCE_DATE_EPOCH: "1700000000" };
    const cdx = await dpip(["sbom", "-r", "pylock.toml"], dir, epoch);
    assertEquals([cdx.status, cdx.err], [0, ""]);
    const bom = JSON.parse(cdx.out);
    assertEquals(cycloneDxErrors(bom), []);
    assertEquals(bom.metadata.timestamp, "2023-11-14T22:13:20.000Z");
    assertEquals(
      bom.components.map((c: { purl: string; hashes: { content: string }[] }) => [
        c.purl,
        c.hashes[0]!.content[0],
      ]),
      [["pkg:pypi/app@1.0", "1"], ["pkg:pypi/lib@2.0", "2"]],
    );
    const spdxFile = join(dir, "sbom.spdx.json");
    const spdx = await dpip(["sbom", "-r", "pylock.toml", "--format", "spdx", "-o", spdxFile], dir);
    assertEquals([spdx.status, spdx.out, spdx.err], [0, "", ""]);
    const document = JSON.parse(Deno.readTextFileSync(spdxFile));
    assertEquals(spdx23Errors(document), []);
    assertEquals(document.packages.map((p: { name: string }) => p.name), ["app", "lib"]);

    Deno.writeTextFileSync(join(dir, "requirements.txt"), "app==1.0\n");
    const refused = await dpip(["sbom", "-r", "requirements.txt"], dir);
    assertEquals(refused.status, 2);
    assertStringIncludes(refused.err, "dpip sbom -r takes a lock file");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "dpip sbom of a venv: its distributions, dependencies and PEP 770 documents",
  ignore: skipUnless(python311, "Python 3.11 from pyenv"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dpip-sbom-venv-" });
    try {
      const venv = await makeVenv(join(dir, "venv"));
      writeDists(venv.sitePackages, [
        { name: "app", version: "1.0", requires: ["lib", 'win-only; sys_platform == "win32"'] },
        { name: "lib", version: "2.0" },
        { name: "win-only", version: "0.1" },
      ]);
      const sboms = join(venv.sitePackages, "app-1.0.dist-info", "sboms");
      Deno.mkdirSync(sboms);
      Deno.writeTextFileSync(join(sboms, "app.cdx.json"), "{}");
      const result = await dpip(["sbom", "--python", venv.python], dir);
      assertEquals(result.status, 0, result.err);
      const bom = JSON.parse(result.out);
      assertEquals(cycloneDxErrors(bom), []);
      const deps = Object.fromEntries(
        bom.dependencies.map((
          d: { ref: string; dependsOn?: string[] },
        ) => [d.ref, d.dependsOn ?? []]),
      );
      assertEquals(deps["pkg:pypi/app@1.0"], ["pkg:pypi/lib@2.0"]);
      const app = bom.components.find((c: { name: string }) => c.name === "app");
      assertEquals(
        app.externalReferences.map((
          r: { type: string; url: string },
        ) => [r.type, r.url.split("/").pop()]),
        [["bom", "app.cdx.json"]],
      );
      const spdx = await dpip(["sbom", "--python", venv.python, "--format", "spdx"], dir);
      assertEquals(spdx23Errors(JSON.parse(spdx.out)), []);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
