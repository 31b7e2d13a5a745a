/**
 * SBOMs of installed distributions and of locks, in both formats: package
 * URLs, which hashes a component carries, dependency relationships, PEP 770
 * documents referenced, and every document valid (CycloneDX 1.6 against
 * its official JSON schema, SPDX 2.3 against the specification's structure).
 */

import { join } from "../../lib/paths.ts";
import { readInstalledDists } from "../../lib/installer/site_packages.ts";
import { parsePylock } from "../../lib/lock/pylock.ts";
import type { PackageName } from "../../lib/names/mod.ts";
import { InstalledGraph } from "../../lib/operations/installed_graph.ts";
import { type DocumentInfo, formatCycloneDx } from "../../lib/sbom/cyclonedx.ts";
import { readEmbeddedSboms } from "../../lib/sbom/embedded.ts";
import {
  type EmbeddedSbom,
  environmentSbom,
  pylockSbom,
  pypiPurl,
  type SbomDocument,
} from "../../lib/sbom/model.ts";
import { formatSpdx } from "../../lib/sbom/spdx.ts";
import { assertEquals, assertStringIncludes } from "../helpers/assert.ts";
import { TEST_ENVIRONMENT, writeDists } from "../helpers/installed.ts";
import { cycloneDxErrors, spdx23Errors } from "./schemas.ts";

const INFO: DocumentInfo = {
  toolName: "dpip",
  toolVersion: "0.1.0",
  timestamp: new Date("2025-01-02T03:04:05Z"),
  uuid: "3b241101-e2bb-4255-8caf-4136c566a962",
};
const SHA = (c: string) => c.repeat(64);

async function environmentDocument(site: string): Promise<SbomDocument> {
  const graph = new InstalledGraph(readInstalledDists([site]).dists, TEST_ENVIRONMENT);
  const embedded = new Map<PackageName, EmbeddedSbom[]>();
  for (const dist of graph.dists.values()) {
    const found = await readEmbeddedSboms(dist.infoPath);
    if (found.files.length > 0) embedded.set(dist.name, found.files);
  }
  return environmentSbom(graph, { subject: site, embedded });
}

function writeEnvironment(site: string): void {
  writeDists(site, [
    { name: "App", version: "1.0", requires: ["Lib_X>=1", "absent", "extra-only; extra == 'x'"] },
    { name: "lib-x", version: "2.0+local.1", requires: ["app"] },
    { name: "extra-only", version: "0.1" },
  ]);
  const app = join(site, "App-1.0.dist-info");
  Deno.writeTextFileSync(
    join(app, "METADATA"),
    [
      "Metadata-Version: 2.4",
      "Name: App",
      "Version: 1.0",
      "Summary: The app",
      "License-Expression: MIT OR Apache-2.0",
      "Home-page: not a url",
      "Project-URL: Source, https://example.invalid/app.git",
      "Project-URL: Documentation, javascript:alert(1)",
      "Requires-Dist: Lib_X>=1",
      "Requires-Dist: absent",
      "Requires-Dist: extra-only; extra == 'x'",
      "",
      "",
    ].join("\n"),
  );
  Deno.mkdirSync(join(app, "sboms"));
  Deno.writeTextFileSync(join(app, "sboms", "bundled.spdx.json"), '{"spdxVersion": "SPDX-2.3"}');
  Deno.writeTextFileSync(join(app, "sboms", "vendored.cdx.json"), '{"bomFormat": "CycloneDX"}');
  Deno.writeTextFileSync(
    join(site, "lib_x-2.0+local.1.dist-info", "direct_url.json"),
    JSON.stringify({
      url: "https://files.invalid/lib_x-2.0+local.1-py3-none-any.whl",
      archive_info: { hashes: { sha256: SHA("a"), md5: SHA("b").slice(0, 32) } },
    }),
  );
}

Deno.test("pypiPurl: PEP 503 names, versions encoded", () => {
  assertEquals(pypiPurl("Foo_Bar.baz", "1.0+local"), "pkg:pypi/foo-bar-baz@1.0%2Blocal");
  assertEquals(pypiPurl("x"), "pkg:pypi/x");
});

Deno.test("environment SBOM: purls, the direct URL's hashes, dependencies, PEP 770 documents", async () => {
  const site = await Deno.makeTempDir({ prefix: "dpip-sbom-" });
  try {
    writeEnvironment(site);
    const document = await environmentDocument(site);
    assertEquals(document.components.map((c) => [c.ref, c.dependsOn]), [
      ["pkg:pypi/app@1.0", ["pkg:pypi/lib-x@2.0%2Blocal.1"]],
      ["pkg:pypi/extra-only@0.1", []],
      ["pkg:pypi/lib-x@2.0%2Blocal.1", ["pkg:pypi/app@1.0"]],
    ]);
    const [app, , lib] = document.components;
    assertEquals(app!.hashes, []);
    assertEquals(app!.links, [{ kind: "vcs", url: "https://example.invalid/app.git" }]);
    assertEquals(app!.embeddedSboms.map((e) => e.name), ["bundled.spdx.json", "vendored.cdx.json"]);
    assertEquals(lib!.hashes, [
      { algorithm: "md5", hex: SHA("b").slice(0, 32) },
      { algorithm: "sha256", hex: SHA("a") },
    ]);

    const cdx = JSON.parse(await formatCycloneDx(document, INFO));
    assertEquals(cycloneDxErrors(cdx), []);
    assertEquals(cdx.specVersion, "1.6");
    assertEquals(cdx.serialNumber, `urn:uuid:${INFO.uuid}`);
    assertEquals(cdx.metadata.timestamp, "2025-01-02T03:04:05.000Z");
    const appCdx = cdx.components.find((c: { name: string }) => c.name === "App");
    assertEquals(appCdx.licenses, [{ expression: "MIT OR Apache-2.0" }]);
    assertEquals(
      appCdx.externalReferences.filter((r: { type: string }) => r.type === "bom").map((
        r: { url: string; hashes: { alg: string; content: string }[] },
      ) => [r.url.split("/").pop(), r.hashes[0]!.alg]),
      [["bundled.spdx.json", "SHA-256"], ["vendored.cdx.json", "SHA-256"]],
    );
    const libCdx = cdx.components.find((c: { name: string }) => c.name === "lib-x");
    assertEquals(libCdx.hashes.map((h: { alg: string }) => h.alg), ["MD5", "SHA-256"]);
    const deps = Object.fromEntries(
      cdx.dependencies.map((
        d: { ref: string; dependsOn?: string[] },
      ) => [d.ref, d.dependsOn ?? []]),
    );
    assertEquals(deps["pkg:pypi/app@1.0"], ["pkg:pypi/lib-x@2.0%2Blocal.1"]);
    // app and lib-x require each other: only extra-only is required by nothing.
    assertEquals(deps["subject"], ["pkg:pypi/extra-only@0.1"]);

    const spdx = JSON.parse(formatSpdx(document, INFO));
    assertEquals(spdx23Errors(spdx), []);
    assertEquals(spdx.creationInfo.created, "2025-01-02T03:04:05Z");
    assertEquals(spdx.files.length, 2);
    assertEquals(
      spdx.relationships.filter((r: { relationshipType: string }) =>
        r.relationshipType === "DESCRIBED_BY"
      ).length,
      2,
    );
    const libSpdx = spdx.packages.find((p: { name: string }) => p.name === "lib-x");
    assertEquals(
      libSpdx.downloadLocation,
      "https://files.invalid/lib_x-2.0+local.1-py3-none-any.whl",
    );
    assertEquals(libSpdx.checksums.map((c: { algorithm: string }) => c.algorithm), [
      "MD5",
      "SHA256",
    ]);
  } finally {
    await Deno.remove(site, { recursive: true });
  }
});

const LOCK = `lock-version = "1.0"
created-by = "test"

[[packages]]
name = "app"
version = "1.0"
dependencies = [{ name = "lib" }, { name = "multi", version = "3.0" }]
sdist = { url = "https://files.invalid/app-1.0.tar.gz", hashes = { sha256 = "${SHA("1")}" } }

[[packages]]
name = "lib"
version = "2.0"
wheels = [{ url = "https://files.invalid/lib-2.0-py3-none-any.whl", hashes = { sha256 = "${
  SHA("2")
}" } }]

[[packages]]
name = "multi"
version = "3.0"
marker = "sys_platform == 'win32'"
wheels = [
  { url = "https://files.invalid/multi-3.0-cp311-cp311-win_amd64.whl", hashes = { sha256 = "${
  SHA("3")
}" } },
  { url = "https://files.invalid/multi-3.0-cp311-cp311-manylinux_2_17_x86_64.whl", hashes = { sha256 = "${
  SHA("4")
}" } },
]

[[packages]]
name = "local"
directory = { path = "local" }
`;

Deno.test("lock SBOM: a single file's hash is the component's; several files are listed each with theirs", async () => {
  const document = pylockSbom(parsePylock(LOCK, "pylock.toml").lock, "pylock.toml");
  assertEquals(
    document.components.map((c) => [c.ref, c.hashes.map((h) => h.hex[0]), c.dependsOn]),
    [
      ["pkg:pypi/app@1.0", ["1"], ["pkg:pypi/lib@2.0", "pkg:pypi/multi@3.0"]],
      ["pkg:pypi/lib@2.0", ["2"], []],
      ["pkg:pypi/multi@3.0", [], []],
      ["pkg:pypi/local", [], []],
    ],
  );
  assertEquals(document.components[2]!.files.map((f) => f.hashes[0]!.hex[0]), ["3", "4"]);

  const cdx = JSON.parse(await formatCycloneDx(document, INFO));
  assertEquals(cycloneDxErrors(cdx), []);
  const multi = cdx.components.find((c: { name: string }) => c.name === "multi");
  assertEquals(multi.hashes, undefined);
  assertEquals(
    multi.externalReferences.map((r: { type: string; comment: string }) => [r.type, r.comment]),
    [
      ["distribution", "multi-3.0-cp311-cp311-manylinux_2_17_x86_64.whl"],
      ["distribution", "multi-3.0-cp311-cp311-win_amd64.whl"],
    ],
  );
  const spdx = JSON.parse(formatSpdx(document, INFO));
  assertEquals(spdx23Errors(spdx), []);
  assertEquals(
    spdx.relationships.map((r: Record<string, string>) =>
      `${r.spdxElementId} ${r.relationshipType} ${r.relatedSpdxElement}`
    ),
    [
      "SPDXRef-DOCUMENT DESCRIBES SPDXRef-Package-1-app",
      "SPDXRef-Package-1-app DEPENDS_ON SPDXRef-Package-2-lib",
      "SPDXRef-Package-1-app DEPENDS_ON SPDXRef-Package-3-multi",
      "SPDXRef-DOCUMENT DESCRIBES SPDXRef-Package-4-local",
    ],
  );
});

Deno.test("the validators refuse what the formats forbid", async () => {
  const document = pylockSbom(parsePylock(LOCK, "pylock.toml").lock, "pylock.toml");
  const cdx = JSON.parse(await formatCycloneDx(document, INFO));
  cdx.components[0].hashes[0].alg = "SHA-257";
  assertEquals(cycloneDxErrors(cdx).length > 0, true);
  const spdx = JSON.parse(formatSpdx(document, INFO));
  spdx.packages[0].SPDXID = "SPDXRef-has space";
  spdx.relationships[0].relatedSpdxElement = "SPDXRef-nowhere";
  const errors = spdx23Errors(spdx).join("\n");
  assertStringIncludes(errors, "packages[0]: bad SPDXID SPDXRef-has space");
  assertStringIncludes(errors, "relationships[0]: unknown SPDXRef-nowhere");
});
