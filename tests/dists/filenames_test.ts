import {
  InvalidSdistFilenameError,
  parseSdistFilename,
  tryParseSdistFilenameForProject,
} from "../../lib/dists/sdist_filename.ts";
import {
  InvalidWheelFilenameError,
  parseWheelFilename,
  tryParseWheelFilename,
} from "../../lib/dists/wheel_filename.ts";
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { oraclePython, runPythonJson, skipUnless } from "../helpers/python.ts";
import { Random } from "../helpers/random.ts";

const oracle = await oraclePython();

Deno.test("parseWheelFilename() normalizes the name and version and expands tags", () => {
  const wheel = parseWheelFilename("Foo_Bar.baz-1.0_RC1-7abc-py2.py3-none-any.whl");
  assertEquals(wheel.name, "foo-bar-baz");
  assertEquals(String(wheel.version), "1.0rc1");
  assertEquals(wheel.build, { number: 7, tag: "abc" });
  assertEquals(wheel.tags.map(String), ["py2-none-any", "py3-none-any"]);
  const plain = parseWheelFilename("numpy-2.0.0-cp311-cp311-manylinux_2_17_x86_64.whl");
  assertEquals(plain.build, undefined);
  assertEquals(plain.tags.map(String), ["cp311-cp311-manylinux_2_17_x86_64"]);
});

Deno.test("parseWheelFilename() names the filename and the reason", () => {
  const cases: [string, string][] = [
    ["pkg-1.0-py3-none-any.zip", "the extension must be '.whl'"],
    ["pkg-1.0-py3-none.whl", "expected 5 or 6 parts separated by '-', found 4"],
    ["pkg-1.0-1-2-py3-none-any.whl", "found 7"],
    ["p+g-1.0-py3-none-any.whl", 'invalid project name "p+g"'],
    ["p__g-1.0-py3-none-any.whl", "no '__'"],
    ["pkg-one-py3-none-any.whl", 'invalid version "one"'],
    ["pkg-1.0-x1-py3-none-any.whl", 'invalid build tag "x1"'],
  ];
  for (const [filename, reason] of cases) {
    const error = assertThrows(
      () => parseWheelFilename(filename),
      InvalidWheelFilenameError,
      reason,
    );
    assertEquals([error.code, error.input], ["invalid-wheel-filename", filename]);
    assert(error.message.includes(JSON.stringify(filename)));
    assertEquals(tryParseWheelFilename(filename), undefined);
  }
});

Deno.test("parseSdistFilename() splits at the last dash and names bad input", () => {
  const sdist = parseSdistFilename("Foo.Bar-1.0.post0.tar.gz");
  assertEquals([sdist.name, String(sdist.version)], ["foo-bar", "1.0.post0"]);
  assertEquals(String(parseSdistFilename("a-b-2.zip").name), "a-b");
  for (
    const [filename, reason] of [
      ["pkg-1.0.tgz", "the extension must be '.tar.gz' or '.zip'"],
      ["pkg.zip", "no '-' separates"],
      ["pkg-one.tar.gz", 'invalid version "one"'],
    ]
  ) {
    const error = assertThrows(
      () => parseSdistFilename(filename!),
      InvalidSdistFilenameError,
      reason,
    );
    assertEquals([error.code, error.input], ["invalid-sdist-filename", filename]);
  }
});

Deno.test("tryParseSdistFilenameForProject() reads legacy forms for a known project", () => {
  const read = (filename: string, project: string) => {
    const sdist = tryParseSdistFilenameForProject(filename, project);
    return sdist && [sdist.name, String(sdist.version), sdist.pythonVersion];
  };
  assertEquals(read("python-dateutil-2.8.2.tgz", "python_dateutil"), [
    "python-dateutil",
    "2.8.2",
    undefined,
  ]);
  assertEquals(read("Pkg-1.0.tar.bz2", "pkg"), ["pkg", "1.0", undefined]);
  assertEquals(read("pkg-1.0-py2.7.tar", "pkg"), ["pkg", "1.0", "2.7"]);
  assertEquals(read("pkg-1.0.whl", "pkg"), undefined);
  assertEquals(read("pkg-.tar.gz", "pkg"), undefined);
  assertEquals(read("pkgx-1.0.tar.gz", "pkg"), undefined);
  assertEquals(read("pkg-1.0.TAR.GZ", "pkg"), undefined);
});

const names = [
  "pkg",
  "Foo_Bar",
  "a.b",
  "x__y",
  "naïve",
  "日本",
  "a-b",
  "",
  "a b",
  "1",
  "_",
  "Zope.Interface",
  "a+b",
  "a\n",
];
const versions = [
  "1.0",
  "1.0.post1",
  "v2",
  "1.0+local.7",
  "1.0_RC1",
  "1..0",
  "",
  " 1.0",
  "2!3.0a1",
  "1.0.dev0",
  "junk",
  "1.0-1",
];
const builds = ["1", "12abc", "a1", "", "0", "007_x", "1\nx"];
const interpreters = ["py3", "py2.py3", "cp311", "", "PY3", "py2..py3"];
const abis = ["none", "abi3", "cp311", "NONE.abi3", ""];
const platforms = ["any", "manylinux_2_17_x86_64.manylinux2014_x86_64", "win_amd64", "Any"];
const mutations = ["-", ".", "_", "+", " ", "é", "\n", "0"];

function mutate(random: Random, text: string): string {
  if (!random.chance(0.2) || text.length === 0) return text;
  const at = random.int(0, text.length - 1);
  return random.chance(0.5)
    ? text.slice(0, at) + random.pick(mutations) + text.slice(at)
    : text.slice(0, at) + text.slice(at + 1);
}

function generateWheelFilename(random: Random): string {
  const parts = [random.pick(names), random.pick(versions)];
  if (random.chance(0.3)) parts.push(random.pick(builds));
  parts.push(random.pick(interpreters), random.pick(abis), random.pick(platforms));
  const extension = random.pick([".whl", ".whl", ".whl", ".WHL", ".zip", ""]);
  return mutate(random, parts.join("-") + extension);
}

function generateSdistFilename(random: Random): string {
  const extension = random.pick([".tar.gz", ".zip", ".tgz", ".tar.bz2", ".tar", ".TAR.GZ", ""]);
  const separator = random.chance(0.9) ? "-" : "";
  return mutate(random, random.pick(names) + separator + random.pick(versions) + extension);
}

type WheelResult = [string, string, [number, string] | null, string[]] | null;

Deno.test({
  name: "parseWheelFilename() equals packaging's parse_wheel_filename on 3000 filenames",
  ignore: skipUnless(oracle, "Python 3.11 with packaging"),
  fn: async () => {
    const random = new Random(427);
    const filenames = Array.from({ length: 3000 }, () => generateWheelFilename(random));
    const script = `
import json, sys
from packaging.utils import parse_wheel_filename, InvalidWheelFilename
out = []
for f in json.load(sys.stdin):
    try:
        name, version, build, tags = parse_wheel_filename(f)
        out.append([name, str(version), list(build) or None, sorted(str(t) for t in tags)])
    except InvalidWheelFilename:
        out.append(None)
print(json.dumps(out))`;
    const expected = await runPythonJson<WheelResult[]>(oracle!, script, filenames);
    let valid = 0;
    filenames.forEach((filename, index) => {
      let got: WheelResult;
      try {
        const wheel = parseWheelFilename(filename);
        got = [
          wheel.name,
          String(wheel.version),
          wheel.build ? [wheel.build.number, wheel.build.tag] : null,
          wheel.tags.map(String).sort(),
        ];
        valid++;
      } catch (error) {
        assert(error instanceof InvalidWheelFilenameError, String(error));
        got = null;
      }
      assertEquals(got, expected[index], JSON.stringify(filename));
    });
    assert(valid > 300 && valid < 2700, `${valid} valid`);
  },
});

Deno.test({
  name: "parseSdistFilename() equals packaging's parse_sdist_filename on 3000 filenames",
  ignore: skipUnless(oracle, "Python 3.11 with packaging"),
  fn: async () => {
    const random = new Random(625);
    const filenames = Array.from({ length: 3000 }, () => generateSdistFilename(random));
    const script = `
import json, sys
from packaging.utils import parse_sdist_filename, InvalidSdistFilename
out = []
for f in json.load(sys.stdin):
    try:
        name, version = parse_sdist_filename(f)
        out.append([name, str(version)])
    except InvalidSdistFilename:
        out.append(None)
print(json.dumps(out))`;
    const expected = await runPythonJson<([string, string] | null)[]>(oracle!, script, filenames);
    let valid = 0;
    filenames.forEach((filename, index) => {
      let got: [string, string] | null;
      try {
        const sdist = parseSdistFilename(filename);
        got = [sdist.name, String(sdist.version)];
        valid++;
      } catch (error) {
        assert(error instanceof InvalidSdistFilenameError, String(error));
        got = null;
      }
      assertEquals(got, expected[index], JSON.stringify(filename));
    });
    assert(valid > 300, `${valid} valid`);
  },
});

Deno.test({
  name: "tryParseSdistFilenameForProject() equals pip's finder on 3000 filenames",
  ignore: skipUnless(oracle, "Python 3.11 with pip"),
  fn: async () => {
    const random = new Random(503);
    const projects = ["pkg", "python-dateutil", "Zope.Interface", "a-b", "a_b-c"];
    const cases = Array.from({ length: 3000 }, () => {
      const project = random.pick(projects);
      const spelled = random.pick([project, project.toUpperCase(), project.replaceAll("-", "_")]);
      const name = random.chance(0.8)
        ? spelled
        : random.pick(names.filter((n) => !n.includes("\n")));
      const python = random.chance(0.2)
        ? random.pick(["-py2.7", "-py3", "-py310", "-py4", "-py3.10"])
        : "";
      const extension = random.pick([
        ".tar.gz",
        ".tgz",
        ".tar.bz2",
        ".tar",
        ".zip",
        ".tar.xz",
        ".whl",
        ".TAR.GZ",
        ".Tar.gz",
        "",
        ".gz",
      ]);
      const version = random.pick(versions.filter((v) => !v.includes("\n")));
      return [`${name}-${version}${python}${extension}`, project];
    });
    const script = `
import json, re, sys
from packaging.utils import canonicalize_name
from packaging.version import Version, InvalidVersion
from pip._internal.index.package_finder import _extract_version_from_fragment
from pip._internal.utils.misc import splitext
from pip._internal.utils.unpacking import SUPPORTED_EXTENSIONS
py_version_re = re.compile(r"-py([123]\\.?[0-9]?)$")
out = []
for filename, project in json.load(sys.stdin):
    stem, ext = splitext(filename)
    version = None
    if ext in SUPPORTED_EXTENSIONS and ext != ".whl":
        version = _extract_version_from_fragment(stem, canonicalize_name(project))
    if not version:
        out.append(None)
        continue
    python = None
    m = py_version_re.search(version)
    if m:
        version, python = version[: m.start()], m.group(1)
    try:
        out.append([canonicalize_name(project), str(Version(version)), python])
    except InvalidVersion:
        out.append(None)
print(json.dumps(out))`;
    const expected = await runPythonJson<([string, string, string | null] | null)[]>(
      oracle!,
      script,
      cases,
    );
    let valid = 0;
    cases.forEach(([filename, project], index) => {
      const sdist = tryParseSdistFilenameForProject(filename!, project!);
      const got = sdist ? [sdist.name, String(sdist.version), sdist.pythonVersion ?? null] : null;
      if (got) valid++;
      assertEquals(got, expected[index], JSON.stringify([filename, project]));
    });
    assert(valid > 500, `${valid} valid`);
  },
});
