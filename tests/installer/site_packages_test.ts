/**
 * Reading installed distributions: every metadata kind, egg-links, editables,
 * duplicates, corrupt and unreadable inputs, and the speed on a real
 * environment.
 *
 * @module
 */

import { join } from "node:path";
import { readInstalledDists } from "../../lib/installer/site_packages.ts";
import { parseEmailMessage } from "../../lib/installer/metadata_file.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { oraclePython, runPythonJson, skipUnless } from "../helpers/python.ts";

function write(path: string, text: string) {
  Deno.mkdirSync(join(path, ".."), { recursive: true });
  Deno.writeTextFileSync(path, text);
}

Deno.test("reads dist-info, egg-info dirs and files, egg-links, editables and duplicates", () => {
  const root = Deno.makeTempDirSync();
  try {
    const site = join(root, "site");
    const other = join(root, "other");
    const project = join(root, "project");
    write(join(site, "Foo_Bar-1.0.dist-info", "METADATA"), "Name: Foo_Bar\nVersion: 1.0\n");
    write(join(site, "Foo_Bar-1.0.dist-info", "INSTALLER"), "\n  dpip \n");
    write(join(site, "Foo_Bar-1.0.dist-info", "REQUESTED"), "");
    write(join(other, "foo_bar-2.0.dist-info", "METADATA"), "Name: foo-bar\nVersion: 2.0\n");
    write(join(site, "old-0.1-py3.egg-info", "PKG-INFO"), "Name: old\nVersion: 0.1\n");
    write(
      join(site, "old-0.1-py3.egg-info", "requires.txt"),
      "a\n[X Y]\nb\n[:os_name == 'nt']\nc\n[z:python_version<'3']\nd\n",
    );
    write(join(site, "single-0.2.egg-info"), "Metadata-Version: 1.0\nName: single\nVersion: 0.2\n");
    write(join(site, "ed-1.0.dist-info", "METADATA"), "Name: ed\nVersion: 1.0\n");
    write(
      join(site, "ed-1.0.dist-info", "direct_url.json"),
      `{"url": "file://${project}", "dir_info": {"editable": true}}`,
    );
    write(join(project, "linked.egg-info", "PKG-INFO"), "Name: linked\nVersion: 3\n");
    write(join(site, "linked.egg-link"), `${project}\n.\n`);
    write(join(site, "bad-1.0.dist-info", "METADATA"), "garbage without headers\n");
    write(join(site, "~roken-1.0.dist-info", "METADATA"), "Name: ~roken\nVersion: 1.0\n");
    write(join(site, "url-1.0.dist-info", "METADATA"), "Name: url\nVersion: 1.0\n");
    write(join(site, "url-1.0.dist-info", "direct_url.json"), "{not json");
    Deno.symlinkSync(join(root, "loop"), join(root, "loop"));
    const found = readInstalledDists([site, other, join(root, "loop"), join(root, "missing")]);
    const names = found.dists.map((d) => `${d.name} ${d.rawName} ${d.version} ${d.kind}`).sort();
    assertEquals(names, [
      "ed ed 1.0 dist-info",
      "foo-bar Foo_Bar 1.0 dist-info",
      "linked linked 3 egg-info",
      "old old 0.1 egg-info",
      "single single 0.2 egg-info-file",
      "url url 1.0 dist-info",
    ]);
    assertEquals(found.shadowed.map((d) => `${d.name} ${d.version} ${d.location}`), [
      `foo-bar 2.0 ${other}`,
    ]);
    const byName = new Map(found.dists.map((d) => [d.name, d]));
    const foo = byName.get("foo-bar" as never)!;
    assertEquals([foo.installer, foo.requested], ["dpip", true]);
    assertEquals(byName.get("ed" as never)!.editableProjectLocation, project);
    const linked = byName.get("linked" as never)!;
    assertEquals([linked.location, linked.installedLocation, linked.editableProjectLocation], [
      project,
      site,
      project,
    ]);
    assertEquals(byName.get("old" as never)!.requiresDist(), [
      "a",
      'b ; extra == "x_y"',
      "c ; os_name == 'nt'",
      `d ; (python_version<'3') and extra == "z"`,
    ]);
    assertEquals(byName.get("old" as never)!.providesExtra(), ["X Y", "z"]);
    const warnings = found.warnings.map((w) => `${w.kind} ${w.path.replace(root, "[TEMP]")}`)
      .sort();
    assertEquals(warnings, [
      "invalid-direct-url [TEMP]/site/url-1.0.dist-info/direct_url.json",
      "invalid-metadata [TEMP]/site/bad-1.0.dist-info",
      "invalid-name [TEMP]/site",
      "unreadable-directory [TEMP]/loop",
    ]);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("metadata headers split as email.parser does (folded values, body, bad header lines)", () => {
  const message = parseEmailMessage(
    "Name: a\nLicense: one\n  two\nVersion:1\r\n\r\nbody\n\nmore\n",
  );
  assertEquals(message.headers, [["Name", "a"], ["License", "one\n  two"], ["Version", "1"]]);
  assertEquals(message.body, "body\n\nmore\n");
  const broken = parseEmailMessage("Name: a\nnot a header\nVersion: 1\n");
  assertEquals(broken.headers, [["Name", "a"]]);
  assertEquals(broken.body, "not a header\nVersion: 1\n");
});

const oracle = await oraclePython();

Deno.test({
  name: "reads the oracle's ~100 distributions, the same every time",
  ignore: skipUnless(oracle, "the oracle Python"),
  async fn() {
    // How fast: tests/bench/site_packages_bench.ts (no test times anything).
    const path = await runPythonJson<string[]>(
      oracle!,
      "import json, sys; print(json.dumps(sys.path[1:]))",
      null,
    );
    const first = readInstalledDists(path).dists.map((d) => `${d.name} ${d.version}`);
    assert(first.length > 10);
    for (let i = 0; i < 3; i++) {
      assertEquals(readInstalledDists(path).dists.map((d) => `${d.name} ${d.version}`), first);
    }
  },
});

Deno.test("METADATA: headers decoded first, the body on use, with Python's universal newlines", async () => {
  const root = await Deno.makeTempDir({ prefix: "dpip-metadata-body-" });
  try {
    const write = (dir: string, text: string) => {
      Deno.mkdirSync(join(root, dir));
      Deno.writeTextFileSync(join(root, dir, "METADATA"), text);
    };
    write("lf-1.0.dist-info", "Name: lf\nVersion: 1.0\n\nline one\r\nline two\rend\n");
    write("crlf-2.0.dist-info", "Name: crlf\r\nVersion: 2.0\r\n\r\nbody\r\n");
    write("headers-3.0.dist-info", "Name: headers\nVersion: 3.0\n");
    const dists = new Map(readInstalledDists([root]).dists.map((d) => [String(d.name), d]));
    assertEquals(dists.get("lf")?.message.body, "line one\nline two\nend\n");
    assertEquals(dists.get("crlf")?.version, "2.0");
    assertEquals(dists.get("crlf")?.message.body, "body\n");
    assertEquals(dists.get("headers")?.message.body, "");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("requiresDist() and providesExtra() read METADATA's headers only; message reads it whole", () => {
  const root = Deno.makeTempDirSync({ prefix: "dpip-site-headers-" });
  const readFileSync = Deno.readFileSync;
  const wholeReads: string[] = [];
  try {
    const info = join(root, "demo-1.0.dist-info");
    Deno.mkdirSync(info);
    const body = "A long description. ".repeat(50_000); // 1 MB the dependencies do not need
    Deno.writeTextFileSync(
      join(info, "METADATA"),
      "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\nRequires-Python: >=3.8\n" +
        'Provides-Extra: cli\nRequires-Dist: click ; extra == "cli"\nRequires-Dist: attrs\n\n' +
        body,
    );
    Deno.readFileSync = ((path: string | URL) => {
      wholeReads.push(String(path));
      return readFileSync(path);
    }) as typeof readFileSync;
    const [dist] = readInstalledDists([root]).dists;
    assert(dist !== undefined);
    assertEquals(dist.requiresDist(), ['click ; extra == "cli"', "attrs"]);
    assertEquals(dist.providesExtra(), ["cli"]);
    assertEquals(dist.headers.find(([key]) => key === "Requires-Python")?.[1], ">=3.8");
    assertEquals(wholeReads, []);
    assertEquals(dist.message.body, body);
    assertEquals(wholeReads, [join(info, "METADATA")]);
  } finally {
    Deno.readFileSync = readFileSync;
    Deno.removeSync(root, { recursive: true });
  }
});
