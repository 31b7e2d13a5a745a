/**
 * The public library API (`lib/mod.ts`) keeps the names and shapes the
 * foundation issue promises to other tools.
 */

import { assertEquals, assertThrows } from "./helpers/assert.ts";
import {
  canonicalizeName,
  compareVersions,
  compatibleTags,
  DpipError,
  parseCoreMetadata,
  parseMarker,
  parseRequirement,
  parseSdistFilename,
  parseSpecifierSet,
  parseTag,
  parseVersion,
  parseWheelFilename,
} from "../lib/mod.ts";

Deno.test("lib/mod.ts: versions and specifiers", () => {
  const v = parseVersion("v1!2.0RC1.post2.dev3+Ubuntu-1");
  assertEquals(String(v), "1!2.0rc1.post2.dev3+ubuntu.1");
  assertEquals([v.epoch, v.release, v.pre, v.post, v.dev, v.local], [
    1,
    [2, 0],
    ["rc", 1],
    2,
    3,
    "ubuntu.1",
  ]);
  assertEquals([v.isPrerelease, v.isPostrelease, v.isDevrelease], [true, true, true]);
  assertEquals([v.public, v.baseVersion], ["1!2.0rc1.post2.dev3", "1!2.0"]);
  assertEquals(compareVersions("1.0", "1.0.post1") < 0, true);
  const set = parseSpecifierSet(">=1.0, !=1.5.*");
  assertEquals(String(set), "!=1.5.*,>=1.0");
  assertEquals(set.contains("1.5.2"), false);
  assertEquals(set.contains("2.0a1", { prereleases: false }), false);
  assertEquals(set.filter(["0.9", "1.2", "1.5.1", "2.0"]), ["1.2", "2.0"]);
  assertThrows(() => parseVersion("1.0foo"), DpipError);
});

Deno.test("lib/mod.ts: requirements, markers and names", () => {
  const r = parseRequirement('Foo.Bar[b,a] (>=1) ; python_version >= "3"');
  assertEquals([r.name, r.extras, String(r.specifier)], ["Foo.Bar", ["a", "b"], ">=1"]);
  assertEquals(String(r), 'Foo.Bar[a,b]>=1; python_version >= "3"');
  const m = parseMarker("extra == 'Test_X' and os_name == 'posix'");
  assertEquals(m.evaluate({ extra: "test-x", os_name: "posix" }), true);
  assertEquals(m.evaluate({ os_name: "posix" }), false);
  assertEquals(canonicalizeName("Foo__Bar.baz"), "foo-bar-baz");
});

Deno.test("lib/mod.ts: filenames, tags and core metadata", () => {
  const w = parseWheelFilename("Foo_Bar-1.0-2b-py2.py3-none-any.whl");
  assertEquals([w.name, String(w.version), w.tags.map(String)], [
    "foo-bar",
    "1.0",
    ["py2-none-any", "py3-none-any"],
  ]);
  assertEquals(w.build, { number: 2, tag: "b" });
  const s = parseSdistFilename("foo_bar-2.0.tar.gz");
  assertEquals([s.name, String(s.version)], ["foo-bar", "2.0"]);
  assertEquals(parseTag("cp311-abi3-manylinux_2_17_x86_64").map(String), [
    "cp311-abi3-manylinux_2_17_x86_64",
  ]);
  const meta = parseCoreMetadata(
    "Metadata-Version: 2.1\nName: a\nVersion: 1\nRequires-Dist: b>=1\nRequires-Dist: c\n\nBody\n",
  );
  assertEquals([meta.name, meta.version, meta.requiresDist, meta.description], [
    "a",
    "1",
    ["b>=1", "c"],
    "Body\n",
  ]);
  assertEquals(typeof compatibleTags, "function");
});
